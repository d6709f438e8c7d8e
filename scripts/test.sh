#!/usr/bin/env bash
# Every test, on a fresh Debian machine: installs what is missing
# (scripts/setup.sh), then
#   1. builds the release preset and runs its ctest: unit and conformance
#      tests, the CLI tests, the library-never-prints `nm` check, and the
#      find_package and add_subdirectory consumers (tests/install);
#   2. builds the debug-asan preset (AddressSanitizer + UBSan) and runs its
#      ctest (the same tests except the consumers);
#   3. builds the tsan preset (ThreadSanitizer) and runs the tests that
#      run threads: checks on several threads and on a shared pool, the
#      parallel CSV reader, the planner's differential tests on the pack;
#   4. builds the fuzz preset (clang-14 libFuzzer, ASan + UBSan) and
#      replays every committed corpus and regression input of fuzz/, then
#      fuzzes each target for 10 seconds (scripts/fuzz.sh --replay).
# The release and debug-asan ctests include the HTTP service example's
# tests (examples/service). Stops at the first failure. .ci/run calls
# exactly this.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# `ctest --preset` would ignore ZHUCUN_BUILD_ROOT, so the test presets'
# settings are spelled out here; keep them in step with CMakePresets.json.
run_ctest() {
  ctest --test-dir "$BUILD_ROOT/$1" --output-on-failure --no-tests=error \
        --parallel "$JOBS"
}

configure_and_build release
step "test release"
run_ctest release

# The CEL conformance summary (tests/conformance), for the record.
grep -h -e '^cel-conformance:' -e '^zhucun-extensions:' "$BUILD_ROOT/release/Testing/Temporary/LastTest.log" || true

configure_and_build debug-asan
step "test debug-asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest debug-asan
# ThreadSanitizer: only the test binaries with threads are built, and of
# them the tests that run threads (TSan slows them down 5-15 times). A
# binary that cannot start under TSan (src/expr/kernels.cc's note) fails
# every one of them.
configure_and_build tsan zhucun_engine_tests zhucun_plan_tests zhucun_facts_tests
step "test tsan"
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir "$BUILD_ROOT/tsan" --output-on-failure --no-tests=error \
        --parallel "$JOBS" \
        -R '^(ThreadPoolTest|PoolCheckTest|CheckLimitsTest|PolicyHandleTest|FindingsOrderTest|ExampleTest|ProfileTest|DerivedTableTest|ExplainTest|ParallelReaderTest|KeyIndexThreadsTest)\.|^DifferentialTest\.(QiannanPack|TestPacks)'
# libFuzzer: two targets at a time on this 2-core machine.
step "fuzz replay"
ZHUCUN_FUZZ_PARALLEL=${ZHUCUN_FUZZ_PARALLEL:-2} "$ZHUCUN_ROOT/scripts/fuzz.sh" --replay 10
step "all tests passed"
