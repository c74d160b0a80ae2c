#!/usr/bin/env bash
# Sets up and runs the tests, in three layers:
#   unit         every test target but EndToEndTests: the library in-process, no built binary
#   end-to-end   EndToEndTests: the real `kb` binary on fixtures, the repo's KB and the tldr corpus
#   browser      the end-to-end tests tagged .browser: built pages in headless Chromium from file://
#
#   scripts/test.sh            everything, then every runnable block of Content/ (what .ci/run calls)
#   scripts/test.sh --fast     the unit layer only (seconds once built)
#   scripts/test.sh --e2e      the end-to-end layer without the browser tests
#   scripts/test.sh --browser  the browser tests only
set -euo pipefail
cd "$(dirname "$0")/.."
# SwiftPM 6.3 reads `--filter tag:browser` as a test-name pattern, so the browser layer is selected
# by name: every test or suite whose attribute starts with `.tags(.browser)` (Tests/EndToEndTests/Layers.swift).
browser_tests() {
  local names
  names=$(grep -rhoE '@(Test|Suite)\(\.tags\(\.browser\)[^)]*\)[^@]*(func|struct) [A-Za-z0-9_]+' Tests/EndToEndTests | awk '{print $NF}' | sort -u | paste -sd'|')
  [ -n "$names" ] || { echo "test.sh: no test is tagged .browser" >&2; exit 1; }
  echo "EndToEndTests\\.(.*[./])?($names)\\b"
}
case "${1:-}" in
  --fast)
    # One SwiftPM run builds and tests: a separate `swift build` would plan the build twice.
    source scripts/setup.sh build
    exec swift test --skip EndToEndTests ;;
  --e2e)
    source scripts/setup.sh test
    browser=$(browser_tests)
    swift build --build-tests
    exec swift test --skip-build --filter EndToEndTests --skip "$browser" ;;
  --browser)
    source scripts/setup.sh test
    browser=$(browser_tests)
    swift build --build-tests
    exec swift test --skip-build --filter "$browser" ;;
  "") ;;
  *) echo "usage: scripts/test.sh [--fast | --e2e | --browser]" >&2; exit 2 ;;
esac
source scripts/setup.sh test
swift build --build-tests
swift test --skip-build
# Every runnable block of Content/; the etcd runbooks' checks against a real etcd and Prometheus.
scripts/with-etcd.sh .build/debug/kb check --run --provide etcd --provide prometheus
