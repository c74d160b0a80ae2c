#!/usr/bin/env bash
# The commands that read a built site (`--site`) on the tldr site: bench/site.sh [RUNS]
# Builds the tldr corpus as in bench/build.sh, then times with hyperfine (RUNS runs each, default 10):
# kb show --site (one article: only what its page needs is parsed), kb search --site (the site's
# index), and kb graph / kb runbook --site (the whole KB, loaded from _kb/content.json in memory).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
corpus=${KB_TLDR_CORPUS:-../shared/corpora/tldr}
[ -d "$corpus/pages" ] || { echo "no tldr corpus at $corpus" >&2; exit 2; }
command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
KB=${KB:-$PWD/.build/release/kb}
if [ ! -x "$KB" ]; then source scripts/setup.sh build; swift build -c release --product kb >&2; fi
work=$(mktemp -d /tmp/kb-site-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/tldr"
printf 'title: tldr pages\nlang_dirs:\n  pages.zh: {lang: zh, of: pages}\n' > "$work/tldr/kb.yml"
"$KB" build --content "$work/tldr" --output "$work/site" >/dev/null
cd "$work"
printf 'machine: %s cores, load %s; kb %s; %s source files in site/_kb/content.json (%s)\n' "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$("$KB" --version)" "$(find tldr -name '*.md' | wc -l)" "$(du -h site/_kb/content.json | cut -f1)"
hyperfine -N -i -w 2 -r "$runs" --export-markdown "$work/site.md" \
  "$KB --version" \
  "$KB show --site site tar" \
  "$KB show --site site tar --lang zh --json" \
  "$KB search --site site --json tar" \
  "$KB runbook --site site NoSuchAlert" \
  "$KB graph --site site --format dot" 2>&1 | grep -E '^Benchmark|Time \(mean|Range' || true
cat "$work/site.md"
