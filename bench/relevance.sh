#!/usr/bin/env bash
# Relevance of kb's search on this repo's Content/, measured on a query file:
#   bench/relevance.sh [QUERIES.tsv] [--no-browser] [--no-pagefind] [--misses]
# QUERIES.tsv: a header line, then `query<TAB>expected id<TAB>category<TAB>lang` per line; the
# expected column may list several acceptable ids separated by `|` (the first is the main one).
# For each engine it prints, per category and per language: the number of queries, MRR@10, top-1,
# top-3 and how many returned nothing. Engines:
#   kb       `kb search --json --limit 10 QUERY` inside a copy of the KB (language chosen by kb)
#   web-en   the site's search.js in headless Chromium from file://, on the English pages
#   web-zh   the same on the Chinese pages
#   pagefind Pagefind (PyPI `pagefind[extended]`) over the same built site, on the page of the
#            query's language, served over loopback HTTP (Pagefind needs a server)
# It also counts the queries whose browser top five differ from kb's (on each page).
# KB_BINARY=path uses that kb instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
queries=bench/queries.tsv
browser=1 pagefind=1 misses=0
for a in "$@"; do
  case "$a" in
    --no-browser) browser=0 ;;
    --no-pagefind) pagefind=0 ;;
    --misses) misses=1 ;;
    -*) echo "usage: bench/relevance.sh [QUERIES.tsv] [--no-browser] [--no-pagefind] [--misses]" >&2; exit 2 ;;
    *) queries=$a ;;
  esac
done
[ -f "$queries" ] || { echo "$queries: no such query file" >&2; exit 2; }
queries=$(realpath "$queries")
if [ -z "${KB_BINARY:-}" ]; then
  swift build --product kb >/dev/null
  kb=$PWD/.build/debug/kb
else
  kb=$KB_BINARY
fi
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ "$browser" = 1 ] && [ -z "$chromium" ]; then
  echo "relevance: no chromium; browser engines skipped (scripts/setup.sh installs it)" >&2
  browser=0
fi
if [ "$pagefind" = 1 ] && [ "$browser" = 1 ]; then
  python3 -c 'import pagefind' 2>/dev/null || python3 -m pip install -q 'pagefind[extended]' >/dev/null 2>&1 ||
    { echo "relevance: pagefind could not be installed from PyPI; skipped" >&2; pagefind=0; }
else
  pagefind=0
fi

work=$(mktemp -d /tmp/kb-relevance.XXXXXX)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/kb"
cp -r Content "$work/kb/Content"
cp kb.yml "$work/kb/kb.yml"
(cd "$work/kb" && "$kb" build >/dev/null)

KB="$kb" WORK="$work" QUERIES="$queries" BROWSER="$browser" PAGEFIND="$pagefind" MISSES="$misses" CHROMIUM="$chromium" \
python3 - <<'PY'
import json, os, subprocess, sys, threading, http.server, functools, socketserver, urllib.parse
from collections import defaultdict

kb, work, qfile = os.environ["KB"], os.environ["WORK"], os.environ["QUERIES"]
site = os.path.join(work, "kb", "Site")
rows = []
for n, line in enumerate(open(qfile, encoding="utf-8").read().split("\n")):
    if n == 0 or not line.strip():
        continue
    parts = line.split("\t")
    if len(parts) != 4:
        sys.exit(f"{qfile}:{n + 1}:1: error: expected 4 tab-separated columns, found {len(parts)}")
    q, expected, category, lang = parts
    rows.append({"q": q, "want": expected.split("|"), "cat": category, "lang": lang})

results = {}  # engine -> list of id lists (None: engine failed on that query)

def kb_search(q):
    r = subprocess.run([kb, "search", "--json", "--limit", "10", "--", q], cwd=os.path.join(work, "kb"),
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"kb search failed ({r.returncode}) for {q!r}: {r.stderr}")
    return [x["id"] for x in json.loads(r.stdout)["results"]]

results["kb"] = [kb_search(r["q"]) for r in rows]

def chromium_dom(url, budget=120000):
    profile = os.path.join(work, "profile")
    r = subprocess.run([os.environ["CHROMIUM"], "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--user-data-dir=" + profile, f"--virtual-time-budget={budget}", "--dump-dom", url],
                       capture_output=True, text=True, timeout=600)
    return r.stdout

def harness_out(dom):
    import html, re
    m = re.search(r'<pre id="out">([\s\S]*?)</pre>', dom)
    if not m or m.group(1) == "pending":
        return None
    return json.loads(html.unescape(m.group(1)))

if os.environ["BROWSER"] == "1":
    with open(os.path.join(site, "relevance-input.js"), "w", encoding="utf-8") as f:
        f.write("window.relevanceInput = " + json.dumps([r["q"] for r in rows]) + ";\n")
    script = """
(function () {
  var api = window.kbSearch, qs = window.relevanceInput, out = [];
  function run(i) {
    if (i >= qs.length) { document.getElementById("out").textContent = JSON.stringify(out); return; }
    api.results(qs[i], { limit: 10 }).then(function (r) {
      out.push(r.docs.map(function (d) { return d.id; })); run(i + 1);
    }, function (e) { out.push(null); run(i + 1); });
  }
  run(0);
})();
"""
    with open(os.path.join(site, "relevance.js"), "w", encoding="utf-8") as f:
        f.write(script)
    for lang in ("en", "zh"):
        with open(os.path.join(site, f"relevance-{lang}.html"), "w", encoding="utf-8") as f:
            f.write(f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head><body><pre id="out">pending</pre>'
                    f'<script src="assets/search.js" data-kb-root="" data-kb-lang="{lang}"></script>'
                    '<script src="relevance-input.js"></script><script src="relevance.js"></script></body></html>')
        out = harness_out(chromium_dom("file://" + os.path.join(site, f"relevance-{lang}.html")))
        if out is None or len(out) != len(rows):
            print(f"relevance: the browser harness ({lang}) gave no result", file=sys.stderr)
        else:
            results["web-" + lang] = out

if os.environ["PAGEFIND"] == "1":
    pf_site = os.path.join(work, "pf-site")
    subprocess.run(["cp", "-r", site, pf_site], check=True)
    r = subprocess.run([sys.executable, "-m", "pagefind", "--site", pf_site], capture_output=True, text=True)
    if r.returncode != 0:
        print("relevance: pagefind failed: " + r.stderr[-400:], file=sys.stderr)
    else:
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass
        handler = functools.partial(Quiet, directory=pf_site)
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        pf = [None] * len(rows)
        for lang in ("en", "zh"):
            idx = [i for i, row in enumerate(rows) if row["lang"] == lang]
            with open(os.path.join(pf_site, f"pf-{lang}.js"), "w", encoding="utf-8") as f:
                f.write("window.pfQueries = " + json.dumps([rows[i]["q"] for i in idx]) + ";\n")
            with open(os.path.join(pf_site, f"pf-{lang}.html"), "w", encoding="utf-8") as f:
                f.write(f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head><body><pre id="out">pending</pre>'
                        f'<script src="pf-{lang}.js"></script><script type="module">\n'
                        'const pf = await import("./pagefind/pagefind.js");\n'
                        'const out = [];\n'
                        'for (const q of window.pfQueries) {\n'
                        '  const r = await pf.search(q);\n'
                        '  const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));\n'
                        '  out.push(data.map((d) => d.url));\n'
                        '}\n'
                        'document.getElementById("out").textContent = JSON.stringify(out);\n'
                        '</script></body></html>')
            out = None
            for _attempt in range(2):  # a slow machine sometimes ends Chromium's virtual time first
                out = harness_out(chromium_dom(f"http://127.0.0.1:{port}/pf-{lang}.html", budget=900000))
                if out is not None:
                    break
            if out is None:
                print(f"relevance: the Pagefind page ({lang}) gave no result", file=sys.stderr)
                continue
            for i, urls in zip(idx, out):
                pf[i] = [urllib.parse.unquote(u).rstrip("/").split("/")[-1].removesuffix(".html") for u in urls]
        server.shutdown()
        if any(x is not None for x in pf):
            results["pagefind"] = pf

def rank_of(ids, want):
    for i, x in enumerate(ids[:10]):
        if x in want:
            return i + 1
    return None

print(f"queries: {len(rows)} from {os.path.relpath(qfile)}")
print(f"{'engine':9} {'group':14} {'n':>4} {'MRR@10':>7} {'top-1':>7} {'top-3':>7} {'none':>5}")
for engine, res in results.items():
    groups = defaultdict(list)
    for row, ids in zip(rows, res):
        if ids is None:
            continue
        rk = rank_of(ids, row["want"])
        for g in ("lang " + row["lang"], row["cat"], "all"):
            groups[g].append((rk, len(ids) == 0))
    order = sorted(k for k in groups if k.startswith("lang ")) + sorted(k for k in groups if not k.startswith("lang ") and k != "all") + ["all"]
    for g in order:
        xs = groups[g]
        n = len(xs)
        mrr = sum(1 / r for r, _ in xs if r) / n
        t1 = sum(1 for r, _ in xs if r == 1) / n
        t3 = sum(1 for r, _ in xs if r and r <= 3) / n
        none = sum(1 for _, e in xs if e)
        print(f"{engine:9} {g:14} {n:4d} {mrr:7.3f} {t1:7.1%} {t3:7.1%} {none:5d}")
    print()
for page in ("web-en", "web-zh"):
    if page in results:
        diff = [i for i, ids in enumerate(results[page]) if ids is None or ids[:5] != results["kb"][i][:5]]
        print(f"{page}: top-5 differs from kb search on {len(diff)} of {len(rows)} queries")
        if os.environ["MISSES"] == "1":
            for i in diff[:40]:
                print(f"   {rows[i]['q'][:70]!r}: kb {results['kb'][i][:5]} web {(results[page][i] or [])[:5]}")
for cat in sorted({row["cat"] for row in rows if row["cat"].startswith("typo")}):
    typos = [(row, ids) for row, ids in zip(rows, results["kb"]) if row["cat"] == cat]
    print(f"kb: {sum(1 for row, ids in typos if (rank_of(ids, row['want']) or 99) <= 3)} of {len(typos)} misspelled queries ({cat}) find their article in the top 3")
if os.environ["MISSES"] == "1":
    print("\nkb misses (expected not first):")
    for row, ids in zip(rows, results["kb"]):
        rk = rank_of(ids, row["want"])
        if rk != 1:
            print(f"  [{row['cat']}/{row['lang']}] rank {rk}: {row['q'][:90]!r} want {row['want'][0]} got {ids[:3]}")
PY
