#!/usr/bin/env bash
# The libFuzzer targets of fuzz/ (issue 11): the CEL front end (cel), the
# pack loader (pack), the CSV reader (csv) and the pack-test runner
# (pack_test). Builds the `fuzz` preset (clang-14, ASan + UBSan) into
# $BUILD_ROOT/fuzz, then
#
#   scripts/fuzz.sh [SECONDS]          runs every target for SECONDS (default
#                                      600) from its committed corpus
#                                      (fuzz/corpus/<target>/) and regression
#                                      inputs (fuzz/regressions/<target>/) with
#                                      its dictionary (fuzz/<target>.dict);
#                                      new inputs and crash artifacts go to
#                                      $ZHUCUN_FUZZ_WORK/<target>/ (default
#                                      $BUILD_ROOT/fuzz-work), never to the
#                                      committed corpus. Prints, per target,
#                                      executions, exec/s, coverage (cov, ft)
#                                      and whether anything was found.
#   scripts/fuzz.sh --replay SECONDS   for the test command: replays every
#                                      committed corpus and regression input
#                                      once (fails on any crash, leak, timeout
#                                      or sanitizer report), then runs each
#                                      target for SECONDS and fails on a
#                                      finding (its new inputs go to a
#                                      folder emptied first).
#
# Environment (besides scripts/lib.sh's): ZHUCUN_FUZZ_WORK (scratch folder),
# ZHUCUN_FUZZ_PARALLEL (targets fuzzed at once, default 1),
# ZHUCUN_FUZZ_TARGETS (default "cel pack csv pack_test").
# Exit status: 0 when nothing was found, 1 otherwise.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

MODE=run
SECONDS_PER_TARGET=600
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  --replay)
    MODE=replay
    SECONDS_PER_TARGET=${2:?"--replay needs SECONDS_PER_TARGET"}
    ;;
  "") ;;
  *) SECONDS_PER_TARGET=$1 ;;
esac
if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]]; then
  echo "fuzz.sh: SECONDS must be a whole number, not '$SECONDS_PER_TARGET'" >&2
  exit 2
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TARGETS=(${ZHUCUN_FUZZ_TARGETS:-cel pack csv pack_test})
PARALLEL=${ZHUCUN_FUZZ_PARALLEL:-1}
WORK=${ZHUCUN_FUZZ_WORK:-$BUILD_ROOT/fuzz-work}
BIN=$BUILD_ROOT/fuzz/fuzz
FUZZ_DIR=$ZHUCUN_ROOT/fuzz

# The longest input each target takes: the seeds' largest (a Qiannan rule
# file with pack.yaml and the schema is ~17 KB; a pack with a test file
# ~21 KB) with room to grow.
max_len() {
  case $1 in
    cel) echo 4096 ;;
    csv) echo 8192 ;;
    pack) echo 24576 ;;
    pack_test) echo 32768 ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

configure_and_build fuzz zhucun_fuzz

# The committed inputs of a target: its corpus and regression folders.
inputs() {
  local t=$1
  [[ -d $FUZZ_DIR/corpus/$t ]] && echo "$FUZZ_DIR/corpus/$t"
  [[ -d $FUZZ_DIR/regressions/$t ]] && echo "$FUZZ_DIR/regressions/$t"
  return 0
}

# replay TARGET: runs every committed input once.
replay() {
  local t=$1
  local log=$WORK/$t/replay.log
  mkdir -p "$WORK/$t/artifacts"
  local n
  n=$(find $(inputs "$t") -type f | wc -l)
  if "$BIN/${t}_fuzz" -runs=0 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$WORK/$t/artifacts/" $(inputs "$t") >"$log" 2>&1; then
    echo "replay $t: $n inputs, ok ($( (grep -o 'cov: [0-9]* ft: [0-9]*' "$log" || true) | tail -1))"
  else
    echo "replay $t: FAILED ($log):"
    (grep -E -A30 'ERROR|WARNING: .*Sanitizer|runtime error|==ERROR|Test unit written' "$log" || tail -n 30 "$log") | head -60
    return 1
  fi
}

# fuzz TARGET SECONDS: fuzzes from the committed inputs; new ones go to
# $WORK/TARGET/corpus (the first folder, which libFuzzer writes to, and
# reads again on the next run). In --replay mode they go to a folder emptied
# first, so that the test command's run does not grow with earlier runs.
fuzz() {
  local t=$1 secs=$2
  local dir=$WORK/$t
  local new=$dir/corpus
  if [[ $MODE == replay ]]; then
    new=$dir/replay-corpus
    rm -rf "$new"
  fi
  mkdir -p "$new" "$dir/artifacts"
  local log=$dir/fuzz.log
  local status=0
  "$BIN/${t}_fuzz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -max_len="$(max_len "$t")" -dict="$FUZZ_DIR/$t.dict" \
      -artifact_prefix="$dir/artifacts/" -print_final_stats=1 \
      "$new" $(inputs "$t") >"$log" 2>&1 || status=$?
  local execs rate cov ft corpus
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$( (grep -o 'cov: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  ft=$( (grep -o 'ft: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  corpus=$( (grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  local found="nothing found"
  if (( status != 0 )); then
    found="FOUND (exit $status): $( (grep -h -o 'Test unit written to .*' "$log" || true) | head -1)"
  fi
  printf '%-10s %5ss  execs %-9s exec/s %-6s cov %-6s ft %-7s corpus %-12s %s\n' \
    "$t" "$secs" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corpus:-?}" "$found"
  if (( status != 0 )); then
    (grep -E -A30 '==ERROR|runtime error|ERROR: libFuzzer|differ' "$log" || tail -n 30 "$log") | head -60
    return 1
  fi
}

failed=0
if [[ $MODE == replay ]]; then
  step "fuzz: replay the committed corpora and regression inputs"
  for t in "${TARGETS[@]}"; do
    replay "$t" || failed=1
  done
  (( failed == 0 )) || { echo "fuzz: a committed input fails"; exit 1; }
fi

step "fuzz: ${#TARGETS[@]} targets, ${SECONDS_PER_TARGET}s each, $PARALLEL at a time (work: $WORK)"
results=$(mktemp)
trap 'rm -f "$results" "$results".*' EXIT
running=0
for t in "${TARGETS[@]}"; do
  { fuzz "$t" "$SECONDS_PER_TARGET" >"$results.$t" 2>&1; echo $? >"$results.$t.rc"; } &
  running=$((running + 1))
  if (( running >= PARALLEL )); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
for t in "${TARGETS[@]}"; do
  cat "$results.$t"
  [[ $(cat "$results.$t.rc") == 0 ]] || failed=1
done
if (( failed )); then
  echo "fuzz: FOUND something (artifacts in $WORK/<target>/artifacts/)"
  exit 1
fi
step "fuzz: nothing found"
