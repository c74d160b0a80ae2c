#!/usr/bin/env bash
# One changed file on the tldr corpus, kb binaries side by side: bench/onefile.sh RUNS KB [KB ...]
# Builds a copy of tldr with each binary, then RUNS times appends a line to its pages/common/tar.md
# and rebuilds, each binary in turn (alternated, so a busy machine weighs on all alike), and prints
# each binary's median wall, user and kernel time and peak memory (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?usage: bench/onefile.sh RUNS KB [KB ...]}; shift
[ $# -gt 0 ] || { echo "usage: bench/onefile.sh RUNS KB [KB ...]" >&2; exit 2; }
corpus=${KB_TLDR_CORPUS:-../shared/corpora/tldr}
[ -d "$corpus/pages" ] || { echo "no tldr corpus at $corpus" >&2; exit 2; }
work=$(mktemp -d /tmp/kb-onefile.XXXXXX)
trap 'rm -rf "$work"' EXIT
# A copy of the KB per binary: each keeps its own build cache (binaries of different cache
# formats would otherwise wipe each other's and every build would be a full one).
n=0
for kb in "$@"; do
  n=$((n + 1))
  cp -r "$corpus" "$work/tldr-$n"
  printf 'title: tldr pages\nlang_dirs:\n  pages.zh: {lang: zh, of: pages}\n' > "$work/tldr-$n/kb.yml"
  "$kb" build --content "$work/tldr-$n" --output "$work/site-$n" >/dev/null
done
for i in $(seq "$runs"); do
  n=0
  for kb in "$@"; do
    n=$((n + 1))
    echo "edit $i" >> "$work/tldr-$n/pages/common/tar.md"
    /usr/bin/time -f "$kb %e %U %S %M" "$kb" build --content "$work/tldr-$n" --output "$work/site-$n" 2>&1 >/dev/null | tail -1
  done
done | python3 -c '
import statistics, sys
runs = {}
for line in sys.stdin:
    kb, *v = line.split()
    runs.setdefault(kb, []).append([float(x) for x in v])
for kb, rows in runs.items():
    m = [statistics.median(c) for c in zip(*rows)]
    print(f"{kb}: wall {m[0]:.3f} s, user {m[1]:.2f} s, kernel {m[2]:.2f} s, peak {m[3]/1024:.0f} MB (medians of {len(rows)})")
'
