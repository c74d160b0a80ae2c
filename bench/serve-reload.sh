#!/usr/bin/env bash
# Edit-to-reload of kb serve on the tldr corpus, in headless Chromium: bench/serve-reload.sh [EDITS]
# Serves tldr (built as in bench/build.sh), opens pages/common/tar.html, then EDITS times (default 10)
# appends a line to pages/common/tar.md and times the file's mtime to the open page's load event
# (bench/serve_reload.py, over the DevTools protocol). Also prints kb's own build time of each of
# those rebuilds (from kb serve's output) and the difference, edit by edit: change detection, the
# reload signal and the browser's reload and load.
set -euo pipefail
cd "$(dirname "$0")/.."
EDITS=${1:-10}
corpus=${KB_TLDR_CORPUS:-../shared/corpora/tldr}
[ -d "$corpus/pages" ] || { echo "no tldr corpus at $corpus" >&2; exit 2; }
KB=${KB:-$PWD/.build/release/kb}
if [ ! -x "$KB" ]; then source scripts/setup.sh build; swift build -c release --product kb >&2; fi
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "Chromium is not installed (scripts/setup.sh test installs it)" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kb-serve-reload.XXXXXX")
trap '[ -n "${SERVE:-}" ] && kill $SERVE 2>/dev/null; [ -n "${CHROME:-}" ] && kill $CHROME 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
cp -r "$corpus" "$WORK/tldr"
printf 'title: tldr pages\nlang_dirs:\n  pages.zh: {lang: zh, of: pages}\n' > "$WORK/tldr/kb.yml"

"$KB" serve --content "$WORK/tldr" --output "$WORK/site" --port 0 > "$WORK/serve.log" 2>&1 &
SERVE=$!
for _ in $(seq 1 1800); do grep -q "at http://127.0.0.1:" "$WORK/serve.log" && break; kill -0 $SERVE || break; sleep 0.1; done
PORT=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/serve.log" | head -1 | cut -d: -f3)
[ -n "$PORT" ] || { echo "kb serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }

DEVTOOLS=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$browser" --headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-default-apps --user-data-dir="$WORK/profile" \
  --remote-debugging-address=127.0.0.1 --remote-debugging-port="$DEVTOOLS" about:blank > "$WORK/chromium.log" 2>&1 &
CHROME=$!

builds_before=$(grep -c '^Built ' "$WORK/serve.log" || true)
python3 bench/serve_reload.py "$DEVTOOLS" "http://127.0.0.1:$PORT/pages/common/tar.html" "$WORK/tldr/pages/common/tar.md" "$EDITS" "$WORK/latencies"
grep '^Built ' "$WORK/serve.log" | tail -n +"$((builds_before + 1))" | head -n "$EDITS" | grep -o 'in [0-9.]* s' | awk '{print $2}' > "$WORK/builds"
median() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.3f s (min %.3f, max %.3f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
echo "kb serve rebuild (one changed file), median of $(wc -l < "$WORK/builds"): $(median < "$WORK/builds")"
# What serving adds to the build: change detection, the reload signal, the browser's reload and load.
echo "save to load event minus the build, median: $(paste "$WORK/latencies" "$WORK/builds" | awk '{print $1 - $2}' | median)"
printf 'machine: %s cores; %s; %s\n' "$(nproc)" "$("$KB" --version)" "$("$browser" --version 2>/dev/null | head -1)"
