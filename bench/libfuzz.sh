#!/usr/bin/env bash
# libFuzzer over kb's parsers: bench/libfuzz.sh [SECONDS per target]
# Builds bench/fuzz/Targets with AddressSanitizer and libFuzzer's coverage instrumentation
# (KB_FUZZ=1 adds the target to Package.swift; its own scratch folder .build-fuzz; libFuzzer's
# driver is linked without its main, since SwiftPM names the entry point), seeds each target from
# Content/, and runs front-matter,
# info-string, tokenizer and match for SECONDS each (default 60). Prints executions and coverage
# per target; a crash leaves its input in the printed folder and the run exits 1.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=${1:-60}
source scripts/setup.sh build
FUZZLIB=$(ls "$(dirname "$(dirname "$(command -v swiftc)")")"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-*.a | head -1)
KB_FUZZ=1 swift build --scratch-path .build-fuzz --product kb-fuzz -Xswiftc -sanitize=address \
  -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,trace-cmp,pc-table -Xlinker "$FUZZLIB" -Xlinker -lstdc++ >&2 || exit 2
BIN=.build-fuzz/debug/kb-fuzz
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kb-libfuzz.XXXXXX")
mkdir -p "$WORK"/{front-matter,info-string,tokenizer,match}
n=0
for f in Content/*/*.md; do
  n=$((n + 1))
  cp "$f" "$WORK/front-matter/$n.md"
  grep -h '^```' "$f" | sed 's/^```//' | awk -v d="$WORK/info-string" -v n=$n 'NF {print > (d "/" n "-" NR)}'
  sed -n '/^errors:/,/^[a-z_]*:/p' "$f" | head -20 > "$WORK/match/$n.log"
  head -c 2000 "$f" > "$WORK/tokenizer/$n.txt"
done
status=0
for target in front-matter info-string tokenizer match; do
  mkdir -p "$WORK/crashes-$target"
  KB_FUZZ_TARGET=$target "$BIN" "$WORK/$target" -max_total_time="$SECONDS_PER" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
    -artifact_prefix="$WORK/crashes-$target/" -print_final_stats=1 > "$WORK/$target.log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$WORK/$target.log" | grep -o '[0-9]*$')
  cov=$(grep -E '^#[0-9]+' "$WORK/$target.log" | tail -1 | grep -o 'cov: [0-9]*' | grep -o '[0-9]*')
  ft=$(grep -E '^#[0-9]+' "$WORK/$target.log" | tail -1 | grep -o 'ft: [0-9]*' | grep -o '[0-9]*')
  printf '%-13s %10s executions, coverage %s edges (%s features), exit %d\n' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$rc"
  if [ $rc -ne 0 ]; then status=1; echo "  crash input and log: $WORK/crashes-$target $WORK/$target.log"; fi
done
[ $status -eq 0 ] && rm -rf "$WORK"
exit $status
