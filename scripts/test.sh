#!/usr/bin/env bash
# Every test, on a fresh Debian machine: installs what is missing
# (scripts/setup.sh), then
#   1. builds the release preset and runs its ctest: unit and conformance
#      tests, the CLI tests, the library-never-prints `nm` check, and the
#      find_package and add_subdirectory consumers (tests/install);
#   2. builds the debug-asan preset (AddressSanitizer + UBSan) and runs its
#      ctest (the same tests except the consumers).
# Stops at the first failure. .ci/run calls exactly this.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for preset in release debug-asan; do
  configure_and_build "$preset"
  step "test $preset"
  ctest --preset "$preset" --test-dir "$BUILD_ROOT/$preset" --parallel "$JOBS"
done
step "all tests passed"
