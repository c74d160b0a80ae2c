#!/usr/bin/env bash
# Sets up and runs every test: unit, end-to-end (the real binary on fixtures and the tldr corpus),
# and the browser tests in headless Chromium from file://.
#   scripts/test.sh          everything (what .ci/run calls)
#   scripts/test.sh --fast   the unit layer only: every test target but EndToEndTests (seconds)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--fast" ]; then
  source scripts/setup.sh build
  swift build --build-tests
  exec swift test --skip-build --skip EndToEndTests
fi
source scripts/setup.sh test
swift build --build-tests
swift test --skip-build
# Every runnable block of Content/; the etcd runbooks' checks against a real etcd and Prometheus.
scripts/with-etcd.sh .build/debug/kb check --run --provide etcd --provide prometheus
