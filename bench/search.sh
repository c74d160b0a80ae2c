#!/usr/bin/env bash
# Search on the tldr corpus site, kb vs Pagefind in one run:
#   - index size (kb's search/ folder vs Pagefind's pagefind/ folder, raw and gzipped),
#   - `kb search` end to end (process start to output), from the built site and inside the KB,
#   - a browser query in headless Chromium: time from navigation to rendered results and bytes of
#     index loaded, kb from file:// (no server), Pagefind over a local HTTP server (it needs one).
#   bench/search.sh [RUNS]    (default 5 runs per query; medians are reported)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
corpus=${KB_TLDR_CORPUS:-../shared/corpora/tldr}
[ -d "$corpus/pages" ] || { echo "no tldr corpus at $corpus" >&2; exit 2; }
source scripts/setup.sh test
need=()
for tool in bc:bc node:nodejs; do command -v "${tool%%:*}" >/dev/null || need+=("${tool##*:}"); done
[ ${#need[@]} -eq 0 ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
python3 -c 'import pagefind' 2>/dev/null || python3 -m pip install -q 'pagefind[extended]' >/dev/null
if [ -z "${KB_BINARY:-}" ]; then
  swift build -c release --product kb --static-swift-stdlib >/dev/null
  kb=$PWD/.build/release/kb
else
  kb=$KB_BINARY
fi

work=$(mktemp -d /tmp/kb-search-bench.XXXXXX)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cp -r "$corpus" "$work/tldr"
printf 'title: tldr pages\nlang_dirs:\n  pages.zh: {lang: zh, of: pages}\n' > "$work/tldr/kb.yml"

s=$(date +%s.%N)
"$kb" build --content "$work/tldr" --output "$work/site" >/dev/null
kb_build=$(echo "$(date +%s.%N) - $s" | bc -l)
search_step=$("$kb" build --force --json --content "$work/tldr" --output "$work/site" |
  python3 -c 'import json,sys; print(dict(json.load(sys.stdin)["stats"]["steps"]).get("search","?"))')

# Pagefind indexes a copy of the same site.
cp -r "$work/site" "$work/pf-site"
rm -rf "$work/pf-site/search"
s=$(date +%s.%N)
python3 -m pagefind --site "$work/pf-site" >"$work/pagefind.log" 2>&1
pf_build=$(echo "$(date +%s.%N) - $s" | bc -l)

bytes() { find "$1" -type f "${@:2}" -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
gzbytes() { find "$1" -type f "${@:2}" -exec sh -c 'gzip -9c "$1" | wc -c' _ {} \; | awk '{s+=$1} END {print s+0}'; }
kb_total=$(bytes "$work/site/search")
kb_docs=$(bytes "$work/site/search" -path '*/d/*')
kb_gz=$(gzbytes "$work/site/search")
kb_docs_gz=$(gzbytes "$work/site/search" -path '*/d/*')
pf_total=$(bytes "$work/pf-site/pagefind")
pf_frag=$(bytes "$work/pf-site/pagefind" -path '*/fragment/*')
kb_files=$(find "$work/site/search" -type f | wc -l)
pf_files=$(find "$work/pf-site/pagefind" -type f | wc -l)

queries_en=("tar" "extract archive" "compress files" "git commit" "docker container" "list files"
            "network interface" "ssh key" "find files by name" "kill process" "chmod" "certif")
queries_zh=("压缩" "文件" "网络" "进程" "目录" "下载")

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

site_times=(); kb_times=()
"$kb" search --content "$work/tldr" warmup >/dev/null 2>&1 || true
for q in "${queries_en[@]}"; do
  for _ in $(seq "$runs"); do
    site_times+=("$(ms "$kb" search --site "$work/site" --lang en "$q")")
    kb_times+=("$(ms "$kb" search --content "$work/tldr" --lang en "$q")")
  done
done
for q in "${queries_zh[@]}"; do
  for _ in $(seq "$runs"); do
    site_times+=("$(ms "$kb" search --site "$work/site" --lang zh "$q")")
    kb_times+=("$(ms "$kb" search --content "$work/tldr" --lang zh "$q")")
  done
done
site_med=$(printf '%s\n' "${site_times[@]}" | median)
site_max=$(printf '%s\n' "${site_times[@]}" | sort -n | tail -1)
kb_med=$(printf '%s\n' "${kb_times[@]}" | median)
kb_max=$(printf '%s\n' "${kb_times[@]}" | sort -n | tail -1)
# Process start alone: the floor under every kb search figure.
start_times=()
for i in $(seq 20); do start_times+=("$(ms "$kb" --version)"); done
start_med=$(printf '%s\n' "${start_times[@]}" | median)

# Browser: a small Chrome DevTools Protocol driver (Node's experimental WebSocket).
cat > "$work/pf-site/pf-bench.html" <<'HTML'
<!doctype html><html><head><meta charset="utf-8"></head><body>
<script type="module">
const q = new URLSearchParams(location.search).get("q");
const t0 = performance.now();
const pf = await import("./pagefind/pagefind.js");
const r = await pf.search(q);
const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
const bytes = performance.getEntriesByType("resource").filter((e) => e.name.includes("/pagefind/"))
  .reduce((s, e) => s + (e.encodedBodySize || 0), 0);
document.body.dataset.result = JSON.stringify({ ms: Math.round(performance.now() - t0), nav: Math.round(performance.now()), bytes, n: r.results.length, top: data.length });
</script></body></html>
HTML
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work/pf-site" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
sleep 1

cat > "$work/cdp.js" <<'JS'
// node --experimental-websocket cdp.js CHROMIUM JOBS.json → one JSON line per job
const { spawn } = require("child_process");
const fs = require("fs");
const [chromium, jobsFile] = process.argv.slice(2);
const jobs = JSON.parse(fs.readFileSync(jobsFile, "utf8"));
const profile = fs.mkdtempSync("/tmp/kb-cdp-");
const proc = spawn(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"], { stdio: ["ignore", "ignore", "pipe"] });
let buf = "";
proc.stderr.on("data", (d) => {
  buf += d;
  const m = buf.match(/DevTools listening on (ws:\/\/\S+)/);
  if (m && !global.started) { global.started = true; run(m[1]).then(() => { proc.kill(); process.exit(0); }, (e) => { console.error(e); proc.kill(); process.exit(1); }); }
});
async function run(url) {
  const ws = new WebSocket(url);
  await new Promise((r) => ws.addEventListener("open", r));
  let id = 0; const waiting = new Map();
  ws.addEventListener("message", (e) => { const m = JSON.parse(e.data); if (m.id && waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); } });
  const send = (method, params = {}, sessionId) => new Promise((r) => { const i = ++id; waiting.set(i, r); ws.send(JSON.stringify({ id: i, method, params, sessionId })); });
  for (const job of jobs) {
    const { result: { targetId } } = await send("Target.createTarget", { url: "about:blank" });
    const { result: { sessionId } } = await send("Target.attachToTarget", { targetId, flatten: true });
    await send("Network.enable", {}, sessionId);
    await send("Network.setCacheDisabled", { cacheDisabled: true }, sessionId);
    await send("Page.navigate", { url: job.url }, sessionId);
    let value = null;
    for (let t = 0; t < 300 && !value; t++) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await send("Runtime.evaluate", { expression: job.probe, returnByValue: true }, sessionId);
      value = r.result && r.result.result && r.result.result.value;
    }
    console.log(JSON.stringify({ kind: job.kind, q: job.q, result: value || null }));
    await send("Target.closeTarget", { targetId });
  }
}
JS

chromium=$(command -v chromium || command -v chromium-browser)
python3 - "$work" "$port" "$runs" "${queries_en[@]}" -- "${queries_zh[@]}" > "$work/jobs.json" <<'PY'
import json, sys, urllib.parse
work, port, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = sys.argv[4:]
sep = rest.index("--")
jobs = []
kb_probe = ("(() => { const p = document.querySelector('[data-kb-search-page]');"
            " return p && p.dataset.kbState === 'done' ? JSON.stringify({ms: +p.dataset.kbQueryMs, nav: +p.dataset.kbReadyMs, loaded: p.dataset.kbLoaded,"
            " n: document.querySelectorAll('#kb-search-results .kb-result').length}) : null; })()")
pf_probe = "document.body && document.body.dataset.result || null"
for lang, qs in (("en", rest[:sep]), ("zh", rest[sep + 1:])):
    page = "search.html" if lang == "en" else "zh/search.html"
    for q in qs:
        for _ in range(min(runs, 3)):
            jobs.append({"kind": "kb", "q": q, "url": f"file://{work}/site/{page}?q=" + urllib.parse.quote(q), "probe": kb_probe})
            jobs.append({"kind": "pagefind", "q": q, "url": f"http://127.0.0.1:{port}/pf-bench.html?q=" + urllib.parse.quote(q), "probe": pf_probe})
print(json.dumps(jobs))
PY
node --experimental-websocket "$work/cdp.js" "$chromium" "$work/jobs.json" 2>/dev/null > "$work/browser.jsonl"

read -r kb_ms kb_nav kb_bytes kb_bytes_max pf_ms pf_nav pf_bytes pf_bytes_max failures < <(python3 - "$work" <<'PY'
import json, os, statistics, sys
work = sys.argv[1]
kb_ms, kb_nav, kb_b, pf_ms, pf_nav, pf_b, fails = [], [], [], [], [], [], 0
script = os.path.getsize(os.path.join(work, "site/assets/search.js"))
for line in open(os.path.join(work, "browser.jsonl")):
    j = json.loads(line)
    if not j["result"]:
        fails += 1
        continue
    r = json.loads(j["result"])
    if j["kind"] == "kb":
        site = os.path.join(work, "site")
        files = [f for f in r["loaded"].split() if f]
        kb_ms.append(r["ms"]); kb_nav.append(r["nav"]); kb_b.append(script + sum(os.path.getsize(os.path.join(site, f)) for f in files))
    else:
        pf_ms.append(r["ms"]); pf_nav.append(r["nav"]); pf_b.append(r["bytes"])
med = lambda xs: int(statistics.median(xs)) if xs else -1
print(med(kb_ms), med(kb_nav), med(kb_b), max(kb_b or [-1]), med(pf_ms), med(pf_nav), med(pf_b), max(pf_b or [-1]), fails)
PY
)

printf 'machine: %s cores, %s; %s\n' "$(nproc)" "$(uname -m)" "$(date -u +%Y-%m-%d)"
printf 'kb %s, Pagefind %s, %s\n' "$("$kb" --version)" "$(python3 -m pagefind --version 2>/dev/null | awk '{print $NF}')" "$("$chromium" --version 2>/dev/null)"
printf '%-46s %10s %10s\n' "" "kb" "Pagefind"
printf '%-46s %9.2fs %9.2fs\n' "site build / index time (kb: whole build)" "$kb_build" "$pf_build"
printf '%-46s %9ss %10s\n' "kb build step 'search' alone (--force)" "$search_step" ""
printf '%-46s %10s %10s\n' "index files" "$kb_files" "$pf_files"
printf '%-46s %10s %10s\n' "index bytes on disk (total)" "$kb_total" "$pf_total"
printf '%-46s %10s %10s\n' "  of which result documents (kb: 8 a file)" "$kb_docs" "$pf_frag"
printf '%-46s %10s %10s\n' "index bytes, each file gzip -9 (kb)" "$kb_gz" "(already gz)"
printf '%-46s %10s %10s\n' "  of which result documents, gzip" "$kb_docs_gz" ""
printf '%-46s %9sms %10s\n' "kb search --site, median (max) of $(( ${#site_times[@]} ))" "$site_med" "($site_max)"
printf '%-46s %9sms %10s\n' "kb search in the KB (SQLite), median (max)" "$kb_med" "($kb_max)"
printf '%-46s %9sms %10s\n' "  of which process start (kb --version), median" "$start_med" ""
printf '%-46s %8sms %8sms\n' "browser: query → results shown, median" "$kb_ms" "$pf_ms"
printf '%-46s %8sms %8sms\n' "browser: page navigation → results, median" "$kb_nav" "$pf_nav"
printf '%-46s %10s %10s\n' "browser: bytes loaded per query, median" "$kb_bytes" "$pf_bytes"
printf '%-46s %10s %10s\n' "browser: bytes loaded per query, max" "$kb_bytes_max" "$pf_bytes_max"
[ "$failures" = 0 ] || echo "browser jobs without a result: $failures" >&2
