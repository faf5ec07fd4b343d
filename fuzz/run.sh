#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, seeds them from the test suite, and runs each for
# SECONDS (default 60). Exit status 1 when any target found a crash; the input that caused it is
# kept in build/fuzz/artifacts/ (turn it into a regression test, see docs/robustness.md).
#
#   fuzz/run.sh [SECONDS] [TARGET...]      targets: mat envi_header model (default: all)
#
# Needs clang and libFuzzer (`scripts/setup.sh fuzz`) and a test_robustness binary, which writes
# the seed corpus: UNMIX_SEEDER, else the release build's (built when missing).
#
# The corpus each run grows is kept outside the tree, in UNMIX_FUZZ_CORPUS (default
# ~/.cache/unmix/fuzz-corpus, one folder per target), so the next run on this machine, from any
# clone, starts where the last one ended instead of from the seeds alone.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(mat envi_header model)
jobs=${JOBS:-$(nproc)}
build=build/fuzz
corpus_root=${UNMIX_FUZZ_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/unmix/fuzz-corpus}

t0=$(date +%s)
cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" -j "$jobs" >/dev/null
echo "fuzz: targets built in $(($(date +%s) - t0)) s"

seeder=${UNMIX_SEEDER:-build/release/tests/test_robustness}
if [ ! -x "$seeder" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$jobs" --target test_robustness >/dev/null
fi
rm -rf "$build/seeds"
UNMIX_FUZZ_SEED_DIR="$PWD/$build/seeds" "$seeder" --gtest_filter='FuzzSeeds.*' >/dev/null

mkdir -p "$build/artifacts"
# A failed huge allocation is an error the readers report, not a crash (matio sizes buffers from
# the file and checks for NULL). Requests over 1 GiB fail, as under a memory ulimit: ASan would
# otherwise grant them and poison an eighth of their size in shadow memory, which counts against
# -rss_limit_mb although the program never touches the buffer.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:max_allocation_size_mb=1024}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/fuzz/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The targets run side by side, as many at a time as there are jobs (each is one process).
run_target() {
  local t=$1 corpus="$corpus_root/$1" log="$build/$1.log" scratch="$build/tmp-$1"
  mkdir -p "$corpus"
  rm -rf "$scratch"
  mkdir -p "$scratch"
  rm -f "$build/$t.rc"
  local rc=0
  TMPDIR="$PWD/$scratch" "$build/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=30 \
    -rss_limit_mb=2048 -malloc_limit_mb=1048576 -artifact_prefix="$build/artifacts/$t-" \
    "$corpus" "$build/seeds/$t" >"$log" 2>&1 || rc=$?
  rm -rf "$scratch"
  echo $rc >"$build/$t.rc"
}
t0=$(date +%s)
running=0
for t in "${targets[@]}"; do
  if [ $running -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
wait || true
echo "fuzz: ${#targets[@]} targets run in $(($(date +%s) - t0)) s, $jobs at a time"

status=0
for t in "${targets[@]}"; do
  log="$build/$t.log"
  rc=$(cat "$build/$t.rc" 2>/dev/null || echo 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  size=$(find "$corpus_root/$t" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    echo "fuzz $t: ${runs:-0} executions in ${seconds} s, corpus $size inputs, no crash"
  else
    status=1
    echo "fuzz $t: CRASH after ${runs:-?} executions (exit $rc); see $log and $build/artifacts/"
    grep -m3 -E 'ERROR|SUMMARY|runtime error' "$log" || true
  fi
done
exit $status
