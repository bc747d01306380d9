#!/usr/bin/env bash
# Every test LwCL has, in the order a failure is cheapest to see:
#   0. the tree's shape: dependency arrows, file and function sizes
#      (scripts/check-structure.sh)
#   1. host build (warnings as errors) and its unit tests
#   2. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. libFuzzer targets, briefly (LWCL_FUZZ_SECONDS each, default 20)
#   4. the bare-metal Cortex-M33 self-test under QEMU, and its size report
#   5. the dashboard in headless chromium against a real server and fleet
# Prints one closing line "test-all: N passed, N failed" (stages), exits
# non-zero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
passed=0; failed=0; failures=()

stage() {
  local name=$1; shift
  echo "=== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}
build_and_test() {
  local preset=$1
  cmake --preset "$preset" >/dev/null &&
    cmake --build --preset "$preset" -j"$jobs" &&
    ctest --preset "$preset" -j"$jobs"
}

stage "structure (arrows, sizes)" scripts/check-structure.sh
stage "unit tests (dev)" build_and_test dev
stage "unit tests (asan+ubsan)" build_and_test asan
stage "fuzz (${LWCL_FUZZ_SECONDS:-20}s per target)" build_and_test fuzz
stage "firmware under QEMU" scripts/firmware.sh
stage "dashboard (chromium)" web/tests/run.sh build/bin/lwcl

[ ${#failures[@]} -eq 0 ] || printf 'failed stage: %s\n' "${failures[@]}"
echo "test-all: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
