#!/usr/bin/env bash
# Sets up, builds kb (release) and renders Content/ into Site/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh build
swift build -c release --product kb --static-swift-stdlib
.build/release/kb build "$@"
echo "Open Site/index.html in a browser (no server needed)."
