#!/usr/bin/env bash
# Checks engine benchmarks, in one run:
#  1. kb doctor over 8 checks of known duration (1,1,1,1,2,2,2,3 s: sum 13 s, longest 3 s):
#     parallel runs take about the longest check, not the sum.
#  2. kb check --run vs prysk (the maintained cram) on the same 120 examples with expected output.
#   bench/checks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh build
command -v prysk >/dev/null || pip install -q prysk
swift build -c release --product kb --static-swift-stdlib >/dev/null
kb=$PWD/.build/release/kb
work=$(mktemp -d /tmp/kb-bench-checks.XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }

# 1. doctor
mkdir -p "$work/doctor/Content"
{
  printf -- '---\ntitle: Slow checks\nkind: cause\n---\n\n'
  n=0
  for s in 1 1 1 1 2 2 2 3; do
    n=$((n + 1))
    printf '```sh check id=slow-%d timeout=10s\nsleep %d\necho "slept %d s"\n```\n\n```sh fix id=slow-%d-fix for=slow-%d\ntrue\n```\n\n' "$n" "$s" "$s" "$n" "$n"
  done
} > "$work/doctor/Content/slow.md"
s=$(now); "$kb" doctor --content "$work/doctor/Content" --jobs 8 >/dev/null; e=$(now)
doctor_wall=$(echo "$e - $s" | bc -l)

# 2. kb check --run vs prysk on the same examples
mkdir -p "$work/examples/Content" "$work/prysk"
for a in $(seq 1 12); do
  md="$work/examples/Content/page-$a.md"; t="$work/prysk/page-$a.t"
  printf -- '---\ntitle: Page %d\n---\n\n' "$a" > "$md"
  : > "$t"
  for i in $(seq 1 10); do
    id="ex-$a-$i"
    case $((i % 3)) in
      0) cmd="printf 'line %s\\n' $i $((i + 1))"; out=$(printf 'line %s\n' "$i" "$((i + 1))") ;;
      1) cmd="echo \"\$((6 * $i))\" | tr 0-9 a-j"; out=$(echo "$((6 * i))" | tr 0-9 a-j) ;;
      2) cmd="seq $i | paste -sd+ - | bc"; out=$(seq "$i" | paste -sd+ - | bc) ;;
    esac
    printf '```sh example id=%s\n%s\n```\n\n```text output for=%s\n%s\n```\n\n' "$id" "$cmd" "$id" "$out" >> "$md"
    printf '  $ %s\n' "$cmd" >> "$t"
    printf '%s\n' "$out" | sed 's/^/  /' >> "$t"
  done
done
s=$(now); "$kb" check --run --content "$work/examples/Content" > "$work/kb.out" 2>&1 || { cat "$work/kb.out"; exit 1; }; e=$(now)
kb_run=$(echo "$e - $s" | bc -l)
s=$(now); (cd "$work/prysk" && prysk --shell=/bin/sh -q ./*.t) > "$work/prysk.out" 2>&1 || { cat "$work/prysk.out"; exit 1; }; e=$(now)
prysk_run=$(echo "$e - $s" | bc -l)

printf 'machine: %s cores, %s; %s\n' "$(nproc)" "$(uname -m)" "$(date -u +%Y-%m-%d)"
printf '%-52s %7.2f s   (sum 13 s, longest 3 s)\n' "kb doctor, 8 checks of 1-3 s" "$doctor_wall"
printf '%-52s %7.2f s   (%s)\n' "kb check --run, 120 examples (sandboxed, compared)" "$kb_run" "$(tail -1 "$work/kb.out" | sed 's/^. //')"
printf '%-52s %7.2f s   (prysk %s)\n' "prysk, the same 120 examples" "$prysk_run" "$(prysk --version 2>&1 | tail -1)"
