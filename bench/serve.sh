#!/usr/bin/env bash
# kb serve under load, on loopback only, bounded in count and time: bench/serve.sh [REQUESTS] [REBUILDS] [ALERTS]
# Measures the server's resident memory (VmRSS) after a warm-up, after REQUESTS mixed requests
# (pages, assets, search shards, the firing page and its JSON, 404s) sent by wrk, after REBUILDS
# edit-and-rebuild cycles, and after a webhook flood of ALERTS alerts (1,000 per delivery).
# Defaults: 10000 requests, 200 rebuilds, 1000000 alerts.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-10000}
REBUILDS=${2:-200}
ALERTS=${3:-1000000}
KB=${KB:-$PWD/.build/release/kb}
if [ ! -x "$KB" ]; then source scripts/setup.sh build; swift build -c release --product kb >&2; fi
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kb-serve-bench.XXXXXX")
trap '[ -n "${PID:-}" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
cp -r Content kb.yml "$WORK/"
cd "$WORK"
"$KB" serve --port 0 --interval 0.05 > serve.log 2>&1 &
PID=$!
for _ in $(seq 1 600); do grep -q "at http://127.0.0.1:" serve.log && break; sleep 0.1; done
PORT=$(grep -o 'http://127.0.0.1:[0-9]*' serve.log | head -1 | cut -d: -f3)
URL="http://127.0.0.1:$PORT"
rss() { awk '/VmRSS/ {print $2}' /proc/$PID/status; }
mb() { echo "scale=1; $1 / 1024" | bc; }

pages=$(cd Site && find . -name '*.html' | head -200 | sed 's|^\./|/|')
{ echo 'local paths = {'; for p in $pages /assets/site.css /assets/search.js /search/en/meta.js /firing.html /_kb/firing.json /no-such-page.html; do echo "  \"$p\","; done; echo '}'
  echo 'local i = 0'
  echo 'request = function() i = i + 1; return wrk.format("GET", paths[(i % #paths) + 1]) end'; } > mixed.lua

# Warm-up: every path a few times.
wrk -t1 -c4 -d3s -s mixed.lua "$URL" > /dev/null
base=$(rss)
echo "warm-up: $(mb $base) MB"

# REQUESTS mixed requests: wrk runs until that many were answered (bounded by 120 s).
start=$(date +%s)
done_requests=0
while [ "$done_requests" -lt "$REQUESTS" ] && [ $(( $(date +%s) - start )) -lt 120 ]; do
  n=$(wrk -t2 -c8 -d2s -s mixed.lua "$URL" | awk '/requests in/ {print $1}')
  done_requests=$((done_requests + n))
done
after_requests=$(rss)
echo "after $done_requests requests: $(mb $after_requests) MB ($(echo "scale=1; ($after_requests - $base) * 100 / $base" | bc) %)"

# REBUILDS edits, each waited for through the reload long poll.
page=$(find Content -name '*.md' ! -name '_index*' | sort | head -1)
v=$(curl -s "$URL/_kb/wait")
rebuild_start=$(date +%s.%N)
for i in $(seq 1 "$REBUILDS"); do
  echo "<!-- edit $i -->" >> "$page"
  # The long poll answers when the version moves on, or after 5 s with the same one: ask again.
  v2=$v
  for _ in $(seq 1 12); do
    v2=$(curl -s --max-time 30 "$URL/_kb/wait?v=$v")
    [ "$v2" != "$v" ] && break
  done
  [ "$v2" != "$v" ] || { echo "rebuild $i did not happen within 60 s" >&2; tail -5 serve.log >&2; exit 1; }
  v=$v2
done
rebuild_secs=$(echo "$(date +%s.%N) - $rebuild_start" | bc)
after_rebuilds=$(rss)
echo "after $REBUILDS rebuilds ($(echo "scale=3; $rebuild_secs / $REBUILDS" | bc) s each, edit to reload signal): $(mb $after_rebuilds) MB ($(echo "scale=1; ($after_rebuilds - $after_requests) * 100 / $after_requests" | bc) % vs after requests)"

# Webhook flood: ALERTS distinct firing alerts, 1,000 per delivery.
python3 - "$URL" "$ALERTS" <<'PY'
import json, sys, urllib.request
url, total = sys.argv[1], int(sys.argv[2])
sent = 0
while sent < total:
    n = min(1000, total - sent)
    alerts = [{"status": "firing", "labels": {"alertname": "Flood", "instance": f"node-{sent + i}"}} for i in range(n)]
    body = json.dumps({"version": "4", "status": "firing", "alerts": alerts}).encode()
    req = urllib.request.Request(url + "/hooks/alertmanager", data=body, headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=30).read()
    sent += n
PY
after_flood=$(rss)
firing=$(curl -s "$URL/_kb/firing.json" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["alerts"]))')
echo "after a flood of $ALERTS alerts: $(mb $after_flood) MB, $firing kept (store capacity 10,000)"
