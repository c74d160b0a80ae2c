#!/usr/bin/env bash
# Hostile-input fuzzing of the kb binary: bench/fuzz.sh N [SEED]
# Generates N hostile KBs (bench/fuzz/gen.py), runs `kb check` and `kb build` on each under a
# time limit (20 s) and a memory limit (4 GiB address space), and counts crashes (signals), hangs,
# exit codes outside 0/1/2 and error messages without a `path:line:col` position. Failing cases
# are kept in the printed folder with their stderr; the run exits 1 if there is any.
set -uo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
SEED=${2:-1}
KB=${KB:-$PWD/.build/release/kb}
if [ ! -x "$KB" ]; then
  source scripts/setup.sh build
  swift build -c release --product kb >&2 || exit 2
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kb-fuzz.XXXXXX")
python3 bench/fuzz/gen.py "$WORK/cases" "$SEED" "$N" || exit 2

run_case() {
  local dir=$1 kb=$2
  for cmd in check build; do
    local start end rc
    start=$(date +%s.%N)
    (cd "$dir" && ulimit -v 4194304 && timeout -k 2 20 "$kb" "$cmd" >"$dir/$cmd.out" 2>"$dir/$cmd.err"); rc=$?
    end=$(date +%s.%N)
    local verdict=ok
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then verdict=hang
    elif [ $rc -ge 128 ]; then verdict=crash
    elif [ $rc -gt 2 ]; then verdict=bad-exit
    elif grep -a -E '(^|: )error: ' "$dir/$cmd.err" | grep -a -v -E '^.+:[0-9]+:[0-9]+: error: ' | grep -a -q -v -E '^error: (refusing|cannot write the site)'; then verdict=unpositioned
    fi
    printf '%s %s %s %d %.2f\n' "$verdict" "$(basename "$dir")" "$cmd" "$rc" "$(echo "$end - $start" | bc)"
  done
}
export -f run_case
ls -d "$WORK"/cases/case-* | xargs -P "$(nproc)" -I{} bash -c 'run_case "$@"' _ {} "$KB" > "$WORK/results.txt"

total=$(wc -l < "$WORK/results.txt")
count() { grep -c "^$1 " "$WORK/results.txt"; }
slowest=$(sort -k5 -n -r "$WORK/results.txt" | head -1 | awk '{print $5 " s (" $2 " " $3 ")"}')
echo "kb fuzz: $N cases (seed $SEED), $total runs of kb check/build"
echo "  crashes:      $(count crash)"
echo "  hangs (>20s): $(count hang)"
echo "  bad exits:    $(count bad-exit)"
echo "  unpositioned: $(count unpositioned)"
echo "  exit codes:   $(awk '{print $4}' "$WORK/results.txt" | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')"
echo "  slowest run:  $slowest"
bad=$(grep -v -c '^ok ' "$WORK/results.txt")
if [ "$bad" -gt 0 ]; then
  echo "failing runs (stderr beside each case):"
  grep -v '^ok ' "$WORK/results.txt" | head -20 | while read -r v c cmd rc s; do echo "  $v $WORK/cases/$c ($cmd, exit $rc)"; done
  exit 1
fi
rm -rf "$WORK"
