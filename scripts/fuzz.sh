#!/usr/bin/env bash
# Bounded fuzzing: builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined)
# in their own build directory and fuzzes each for SECONDS, starting from its seed corpus in
# fuzz/corpus/<target>/ (replayed first). Fails on any crash, leak, timeout or broken invariant
# and keeps the input that caused it in BUILD/crashes/<target>/ (also printed in base64).
# Usage: scripts/fuzz.sh [SECONDS per target, default 30] [BUILD directory, default build-fuzz]
# docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
build="${2:-build-fuzz}"
jobs="$(nproc 2>/dev/null || echo 2)"
targets=(scenario catalog cli)
bash scripts/deps.sh fuzz
if ! command -v clang >/dev/null; then
  echo "fuzz.sh: clang is needed (scripts/deps.sh installs it)" >&2
  exit 1
fi
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBMD_FUZZ=ON \
  -DBMD_BUILD_TESTS=OFF -DBMD_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}" >/dev/null
export BMDSIM_DATA="$PWD/data" BMDSIM_SCENARIOS="$PWD/scenarios"
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}"
failed=()
stamp="$build/fuzz-start"
touch "$stamp"
for t in "${targets[@]}"; do
  work="$build/corpus/$t"      # what this run finds; the seeds in fuzz/corpus are only read
  crashes="$build/crashes/$t"
  mkdir -p "$work" "$crashes"
  log="$build/fuzz-$t.log"
  echo "fuzz.sh: fuzz_$t for $secs s (log $log)"
  if "$build/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       -max_len=8192 -close_fd_mask=2 -print_final_stats=1 \
       -artifact_prefix="$crashes/" "$work" "fuzz/corpus/$t" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" | sed 's/^/  /' || true
  else
    failed+=("$t")
    echo "fuzz.sh: fuzz_$t FAILED: the report and the input:" >&2
    grep -E -A40 'ERROR|runtime error|^fuzz:|ALARM|deadly signal' "$log" | head -80 >&2 || tail -40 "$log" >&2
    for f in "$crashes"/*; do
      [ -f "$f" ] && [ "$f" -nt "$stamp" ] || continue
      echo "fuzz.sh: kept $f (base64: $(base64 -w0 "$f" | head -c 4000))" >&2
    done
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failed: ${failed[*]}. Reproduce: $build/fuzz/fuzz_TARGET $build/crashes/TARGET/FILE;" \
       "then fix, and add the input to fuzz/corpus/TARGET/ as a regression (docs/fuzzing.md)" >&2
  exit 1
fi
echo "fuzz.sh: no crash in ${targets[*]} ($secs s each)"
