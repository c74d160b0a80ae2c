#!/usr/bin/env bash
# Bytes of search index a browser query loads, on a synthetic KB of N articles (bench/synth.py):
#   bench/query-bytes.sh N [--site DIR [--content DIR]]
# Generates the KB into a temp folder, builds it with kb (KB_BINARY, else a release build), then
# runs the site's own assets/search.js under Node (no browser: a stub document whose <script>
# tags read the files from disk, one fresh page per query) and sums the sizes of the files each
# query loads through `kbSearch.results(query, {limit: 10})` — the result list with its ten
# documents, as the search box and the search page show it. Per query it prints the total and
# its parts: meta.js, term shards (t), error files (e), vocabulary files (v), facet files (f),
# document files (d). The last rows: what the search page's facet box loads on top of a query.
# --site DIR: measure an already built site of `python3 bench/synth.py N` (its output folder)
# instead of building one; --content DIR: that KB's Content folder (else it is generated again).
# Queries come from the generated KB: keywords, a title, a typo, an article's own error text, a
# pasted log of about 30 terms and one of about 200, and a Chinese title on the Chinese page.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-}
[[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: bench/query-bytes.sh N [--site DIR [--content DIR]]" >&2; exit 2; }
site="" content=""
shift
while [ $# -gt 0 ]; do
  case "$1" in
    --site) site=${2:?usage: bench/query-bytes.sh N [--site DIR [--content DIR]]}; shift 2 ;;
    --content) content=${2:?usage: bench/query-bytes.sh N [--site DIR [--content DIR]]}; shift 2 ;;
    *) echo "usage: bench/query-bytes.sh N [--site DIR [--content DIR]]" >&2; exit 2 ;;
  esac
done
if ! command -v node >/dev/null; then
  apt-get -o DPkg::Lock::Timeout=900 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq nodejs >/dev/null
fi
work=$(mktemp -d /tmp/kb-query-bytes.XXXXXX)
trap 'rm -rf "$work"' EXIT
kbdir="$work/kb"
if [ -z "$site" ]; then
  kb=${KB_BINARY:-}
  if [ -z "$kb" ]; then
    swift build -c release --product kb >/dev/null
    kb=$PWD/.build/release/kb
  fi
  python3 bench/synth.py "$n" "$kbdir"
  "$kb" build --content "$kbdir/Content" --output "$work/site" >/dev/null
  site="$work/site"
  content="$kbdir/Content"
elif [ -z "$content" ]; then
  # The queries still come from a KB generated with the same N (synth.py is deterministic).
  python3 bench/synth.py "$n" "$kbdir"
  content="$kbdir/Content"
fi
[ -f "$site/search/en/meta.js" ] || { echo "query-bytes: $site has no search/en/meta.js" >&2; exit 2; }

# The query set, from the generated articles (deterministic).
python3 - "$content" > "$work/queries.json" <<'PY'
import json, os, re, sys
root = sys.argv[1]
def article(i):
    path = os.path.join(root, f"s{i // 100:04d}", f"a{i:06d}-symptom.md")
    return open(path, encoding="utf-8").read()
def field(text, key):
    return re.search(rf'^{key}: "?(.*?)"?$', text, re.M).group(1)
def errors(text):
    return re.findall(r'^  - "(.*)"$', text, re.M)
def sentences(text, count):
    body = text.split("\n---\n", 1)[1]
    out = [s.strip() for s in re.split(r"(?<=\.)\s+", re.sub(r"[#`\[\]()]", " ", body)) if len(s.split()) >= 6]
    return out[:count]
a, b, c = article(1), article(101), article(201)
e1, e2, e3 = errors(a)[0], errors(b)[0], errors(c)[0]
def words(s, k):
    return " ".join(s.split()[:k])
paste = (f"2026-11-30T10:00:01Z INFO {words(sentences(a, 1)[0], 9)}\n2026-11-30T10:00:02Z ERROR {e1}\n"
         f"exit status 1\n2026-11-30T10:00:03Z WARN {words(sentences(b, 1)[0], 9)}")
log = []
for k, s in enumerate(sentences(a, 5) + sentences(b, 5) + sentences(c, 5)):
    log.append(f"2026-11-30T10:00:{k:02d}Z INFO {words(s, 12)}")
    if k in (4, 9, 14):
        log.append(f"2026-11-30T10:00:{k:02d}Z ERROR {(e1, e2, e3)[k // 5]}")
zh = open(os.path.join(root, "s0000", "a000010-symptom.zh.md"), encoding="utf-8").read()
queries = [
    ["keyword", "en", "failed"],
    ["keyword", "en", "code 1042"],
    ["title", "en", field(a, "title")],
    ["typo", "en", "kamidazu faxoruka"],
    ["error text", "en", e1],
    ["paste ~30 terms", "en", paste],
    ["log ~200 terms", "en", "\n".join(log)],
    ["zh title", "zh", field(zh, "title")],
]
print(json.dumps(queries, ensure_ascii=False))
PY

cat > "$work/harness.js" <<'JS'
"use strict";
const fs = require("fs"), vm = require("vm");
const [site, queryFile] = process.argv.slice(2);
const code = fs.readFileSync(site + "/assets/search.js", "utf8");
// A fresh page: search.js in its own context with a stub document whose script tags load files.
function page(lang) {
  const loaded = [];
  const ctx = { console, TextEncoder, URLSearchParams, setTimeout, clearTimeout, performance };
  const script = (attrs) => ({ getAttribute: (k) => (k in attrs ? attrs[k] : null) });
  ctx.document = {
    currentScript: script({ "data-kb-root": "", "data-kb-lang": lang }),
    documentElement: { lang }, readyState: "complete",
    head: { appendChild(s) {
      setImmediate(() => {
        let text;
        try { text = fs.readFileSync(site + "/" + s.src, "utf8"); } catch (e) { if (s.onerror) { s.onerror(); } return; }
        loaded.push([s.src, Buffer.byteLength(text)]);
        vm.runInContext(text, ctx, { filename: s.src });
        if (s.onload) { s.onload(); }
      });
    } },
    createElement: () => ({}), querySelectorAll: () => [], querySelector: () => null, addEventListener: () => {},
  };
  ctx.window = ctx;
  vm.createContext(ctx);
  vm.runInContext(code, ctx, { filename: "search.js" });
  return { api: ctx.kbSearch, loaded };
}
function part(path) {
  const name = path.split("/").slice(2).join("/");
  if (name === "meta.js") { return "meta"; }
  if (name.startsWith("d/")) { return "d"; }
  return name.charAt(0);
}
(async () => {
  const queries = JSON.parse(fs.readFileSync(queryFile, "utf8"));
  const rows = [];
  for (const [label, lang, q] of queries) {
    const p = page(lang);
    const r = await p.api.results(q, { limit: 10 });
    const parts = { meta: 0, t: 0, e: 0, v: 0, f: 0, d: 0 };
    let total = 0;
    for (const [path, size] of p.loaded) { parts[part(path)] = (parts[part(path)] || 0) + size; total += size; }
    rows.push({ label, lang, terms: r.query.sequence.length, hits: r.hits.length, files: p.loaded.length, total, parts,
                top: r.docs.slice(0, 3).map((d) => d.id) });
  }
  // The facet box on the search page: every facet file of the language, on top of the query.
  for (const lang of ["en", "zh"]) {
    const dir = site + "/search/" + lang;
    let size = 0, files = 0;
    for (const f of fs.readdirSync(dir)) { if (/^f-.*\.js$/.test(f)) { size += fs.statSync(dir + "/" + f).size; files++; } }
    if (!files) {
      // An index with the facet lists inside meta.js: the box loads nothing more.
      rows.push({ label: "facet box", lang, terms: 0, hits: 0, files: 0, total: 0, parts: { f: 0 }, top: [] });
    } else {
      rows.push({ label: "facet box", lang, terms: 0, hits: 0, files, total: size, parts: { f: size }, top: [] });
    }
  }
  console.log(JSON.stringify(rows));
})().catch((e) => { console.error(e); process.exit(1); });
JS

node "$work/harness.js" "$site" "$work/queries.json" > "$work/rows.json"
python3 - "$work/rows.json" "$n" "$site" <<'PY'
import json, os, sys
rows, n, site = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
kb = lambda b: f"{b / 1024:.1f}"
meta = os.path.getsize(os.path.join(site, "search", "en", "meta.js"))
print(f"N = {n}: search/en/meta.js {kb(meta)} KB; bytes a browser query loads (KB, search.js under Node {os.popen('node --version').read().strip()})")
print(f"{'query':18} {'lang':4} {'terms':>5} {'hits':>6} {'files':>5} {'total':>8} {'meta':>7} {'t':>7} {'e':>7} {'v':>7} {'f':>7} {'d':>7}  top")
for r in rows:
    p = r["parts"]
    print(f"{r['label']:18} {r['lang']:4} {r['terms']:5d} {r['hits']:6d} {r['files']:5d} {kb(r['total']):>8} "
          + " ".join(f"{kb(p.get(k, 0)):>7}" for k in ("meta", "t", "e", "v", "f", "d")) + "  " + " ".join(r["top"]))
PY
