#!/usr/bin/env bash
# Where one changed file's rebuild of tldr goes, by thread (perf's sampling profiler):
#   bench/profile.sh [KB]
# Builds a copy of tldr with KB (default: the release build), appends a line to
# pages/common/tar.md, records that rebuild with `perf record -F 4999 -g`, and prints from
# Another KB: KB_PROFILE_CORPUS=<its folder> KB_PROFILE_FILE=<a page in it> (e.g. a folder
# `python3 bench/synth.py 100000 <folder>` wrote and Content/s0448/a044850-cause.md), and
# KB_PROFILE_HZ=499 to keep a long rebuild's record small.
# `perf script`: the samples of each thread, the build thread's time in each step (inclusive
# samples at 4999 Hz), what that thread did after its commit step (freeing the build's state,
# before session 12's Teardown), and the functions holding the most samples on any thread.
set -euo pipefail
cd "$(dirname "$0")/.."
kb=${1:-$PWD/.build/release/kb}
corpus=${KB_PROFILE_CORPUS:-${KB_TLDR_CORPUS:-../shared/corpora/tldr}}
page=${KB_PROFILE_FILE:-pages/common/tar.md}
hz=${KB_PROFILE_HZ:-4999}
[ -f "$corpus/$page" ] || { echo "no $page in $corpus" >&2; exit 2; }
command -v perf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf >/dev/null; }
work=$(mktemp -d /tmp/kb-profile.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/tldr"
[ -f "$work/tldr/kb.yml" ] || printf 'title: tldr pages\nlang_dirs:\n  pages.zh: {lang: zh, of: pages}\n' > "$work/tldr/kb.yml"
"$kb" build --content "$work/tldr" --output "$work/site" >/dev/null
echo "- profiled edit" >> "$work/tldr/$page"
perf record -q -F "$hz" -g -o "$work/perf.data" "$kb" build --content "$work/tldr" --output "$work/site" >/dev/null 2>&1
perf script -i "$work/perf.data" -F tid,time,ip,sym 2>/dev/null > "$work/samples.txt"
python3 - "$work/samples.txt" "$hz" <<'PY'
import collections, sys
samples, cur = [], None
for line in open(sys.argv[1]):
    if not line.strip():
        if cur: samples.append(cur)
        cur = None
    elif not line[0].isspace() or cur is None:
        p = line.split(); cur = (p[0], float(p[1].rstrip(':')), [])
    else:
        p = line.split(None, 1)
        if len(p) > 1: cur[2].append(p[1].strip())
if cur: samples.append(cur)
hz = float(sys.argv[2])
ms = lambda n: "%.0f ms" % (n / hz * 1000)
t0 = min(s[1] for s in samples)
print("samples %d over %.3f s of wall" % (len(samples), max(s[1] for s in samples) - t0))
threads = collections.Counter(s[0] for s in samples)
builder = max(threads, key=lambda t: sum(1 for s in samples if s[0] == t and any("SiteBuilderO5build" in f for f in s[2])))
print("threads:", ", ".join("%s %s%s" % (t, ms(n), " (build)" if t == builder else "") for t, n in threads.most_common(8)))
main = [s for s in samples if s[0] == builder]
# A step by the function it runs (some are inlined into the step's closure).
steps = [("fingerprint", "SiteBuilderO11fingerprint"), ("load", "ContentLoaderV4load"), ("resolve", "KnowledgeGraphV7content"),
         ("theme", "ThemeV9overrides"), ("plan", "SiteBuilderO4plan"), ("render", "SiteBuilderO6render"),
         ("assets", "SiteBuilderO6assets"), ("search", "SiteBuilderO11writeSearch"), ("commit", "SiteBuilderO6commit")]
for step, marker in steps:
    n = sum(1 for s in main if any(marker in f for f in s[2]))
    print("  build thread, %-12s %s" % (step, ms(n)))
commits = [s[1] for s in main if any("SiteBuilderO6commit" in f for f in s[2])]
if commits:
    after = [s for s in main if s[1] > max(commits)]
    print("  build thread after its commit step: %s" % ms(len(after)))
inclusive = collections.Counter()
for s in samples:
    for f in set(s[2]): inclusive[f] += 1
print("most samples, any thread (inclusive):")
for f, n in [(f, n) for f, n in inclusive.most_common(60) if not f.startswith(("[", "start_thread", "_dispatch", "swift::", "$s10Foundation"))][:25]:
    print("  %8s  %s" % (ms(n), f[:150]))
PY
