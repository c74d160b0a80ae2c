#!/usr/bin/env bash
# Sets up and runs every test: unit, end-to-end (the real binary on fixtures and the tldr corpus),
# and the browser tests in headless Chromium from file://.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh test
python3 scripts/embed-theme.py --check || { echo "Templates/ changed: run python3 scripts/embed-theme.py" >&2; exit 1; }
swift build --build-tests
swift test --skip-build
# Every runnable block of Content/; the etcd runbooks' checks against a real etcd and Prometheus.
scripts/with-etcd.sh .build/debug/kb check --run --provide etcd --provide prometheus
