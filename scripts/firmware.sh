#!/usr/bin/env bash
# The bare-metal check: builds the tinyml core and its self-test for
# Cortex-M33 (preset cortex-m33, build/cortex-m33), runs it under QEMU
# (mps2-an505), then builds the same self-test for the host (build/selftest-host,
# target lwcl_selftest_host) with the same golden data and runs it, and writes
# the size report. Fails if a build fails, the image overflows the nRF9160
# budget (1 MB flash, 256 KB RAM: the link fails), QEMU or the host run exits
# non-zero, QEMU times out, or a self-test's summary line is missing.
# Quiet apart from the two summary lines ("cortex-m33: ...", "host: ...") and
# the size report's path; build and run output are kept in
# build/cortex-m33/firmware/{build,qemu}.log and build/selftest-host/{build,run}.log
# and shown on failure.
#
#   scripts/firmware.sh                 build, run, report (what `make firmware` runs)
#   scripts/firmware.sh --break-golden[=feature|logit|label]
#                                       prove a wrong golden value fails the run
#                                       (separate build dir; exits 0 iff QEMU failed)
#   scripts/firmware.sh --verbose       show build and QEMU output as it happens
#
# Environment:
#   LWCL_FIRMWARE_SELFTEST_DATA  generated selftest_data.h (see
#                                firmware/selftest_data_format.h); unset: the
#                                default motion model is trained on
#                                $LWCL_DATASETS/stm32-har (default
#                                ../shared/datasets) and `lwcl selftest-data`
#                                writes it; with no recordings, the built-in case
#   LWCL_DATASETS                where the recordings are
#   LWCL_SIZE_JSON               where size.json goes (default build/firmware/size.json)
#   JOBS                         build parallelism (default 2)
#   QEMU_TIMEOUT                 seconds before a hung self-test counts as failed (120)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

break_golden=""
verbose=0
for arg in "$@"; do
  case "$arg" in
    --break-golden) break_golden=feature ;;
    --break-golden=*) break_golden=${arg#--break-golden=} ;;
    --verbose) verbose=1 ;;
    -h|--help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "firmware: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

jobs=${JOBS:-2}
timeout_s=${QEMU_TIMEOUT:-120}
data=${LWCL_FIRMWARE_SELFTEST_DATA:-}
datasets=${LWCL_DATASETS:-$root/../shared/datasets}
if [ -z "$data" ] && [ -z "$break_golden" ] && [ -d "$datasets/stm32-har" ]; then
  # The default motion model, trained on real recordings by the host build,
  # and golden vectors from recorded windows run through the host's core.
  mkdir -p build/firmware
  { cmake --preset dev >/dev/null && cmake --build --preset dev -j"${JOBS:-2}" --target lwcl >/dev/null; } ||
    { echo "firmware: host build of lwcl failed" >&2; exit 1; }
  build/bin/lwcl -q train "$datasets/stm32-har" --split by-recording --seed 1 \
      --out build/firmware/motion.lwpkg --report build/firmware/motion-report.json >/dev/null
  build/bin/lwcl -q selftest-data build/firmware/motion.lwpkg "$datasets/stm32-har" \
      --windows 12 --out build/firmware/selftest_data.h
  data=build/firmware/selftest_data.h
elif [ -z "$data" ] && [ -z "$break_golden" ]; then
  echo "firmware: no recordings at $datasets: self-test runs on its built-in package only" >&2
fi
if [ -n "$data" ]; then
  data=$(cd "$(dirname "$data")" && pwd)/$(basename "$data")
fi

for tool in arm-none-eabi-g++ qemu-system-arm cmake ninja; do
  command -v "$tool" >/dev/null || { echo "firmware: '$tool' not found (run scripts/bootstrap.sh)" >&2; exit 1; }
done
# Debian's python3 if present: the size report needs only the standard library.
python=/usr/bin/python3
[ -x "$python" ] || python=python3

if [ -n "$break_golden" ]; then
  build=build/cortex-m33-broken
  configure=(cmake -S . -B "$build" -G Ninja
             -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchain-cortex-m33.cmake"
             -DCMAKE_BUILD_TYPE=MinSizeRel -DLWCL_HOST=OFF "-DLWCL_FIRMWARE_BREAK_GOLDEN=$break_golden")
else
  build=build/cortex-m33
  configure=(cmake --preset cortex-m33 -DLWCL_FIRMWARE_BREAK_GOLDEN=)
fi
configure+=("-DLWCL_FIRMWARE_SELFTEST_DATA=$data")
fwdir=$build/firmware
mkdir -p "$fwdir"
build_log=$fwdir/build.log
qemu_log=$fwdir/qemu.log

run_logged() {  # run_logged LOG cmd...: quiet unless --verbose; on failure show the log
  local log=$1; shift
  if [ "$verbose" -eq 1 ]; then
    "$@" 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"
  fi
  "$@" >>"$log" 2>&1 || { tail -n 60 "$log" >&2; return 1; }
}

: >"$build_log"
run_logged "$build_log" "${configure[@]}" || { echo "firmware: configure failed ($build_log)" >&2; exit 1; }
run_logged "$build_log" cmake --build "$build" -j"$jobs" --target lwcl_selftest ||
  { echo "firmware: build failed ($build_log)" >&2; exit 1; }

elf=$fwdir/lwcl_selftest.elf
set +e
timeout "$timeout_s" qemu-system-arm -M mps2-an505 -nographic \
  -semihosting-config enable=on,target=native -monitor none -serial null \
  -kernel "$elf" >"$qemu_log" 2>&1 </dev/null
rc=$?
set -e
[ "$verbose" -eq 1 ] && cat "$qemu_log"
summary=$(grep -a '^lwcl-selftest: ' "$qemu_log" | tail -n 1 || true)

if [ -n "$break_golden" ]; then
  if [ "$rc" -ne 0 ] && [ "${summary#lwcl-selftest: FAIL}" != "$summary" ]; then
    echo "firmware: broken golden $break_golden detected as it should be (QEMU exit $rc): $summary"
    exit 0
  fi
  echo "firmware: a broken golden $break_golden was NOT detected (QEMU exit $rc)" >&2
  cat "$qemu_log" >&2
  exit 1
fi

if [ "$rc" -ne 0 ] || [ -z "$summary" ] || [ "${summary#lwcl-selftest: PASS}" = "$summary" ]; then
  [ "$rc" -eq 124 ] && echo "firmware: self-test timed out after ${timeout_s}s" >&2
  echo "firmware: self-test failed (QEMU exit $rc); output ($qemu_log):" >&2
  cat "$qemu_log" >&2
  exit 1
fi
echo "cortex-m33: $summary"

# The same self-test on the host, against the same golden data: the core must
# agree with itself on both targets. A build dir of its own so the dev build's
# cache (LWCL_FIRMWARE_SELFTEST_DATA empty: the built-in case) stays as it is.
host_build=build/selftest-host
mkdir -p "$host_build"
host_build_log=$host_build/build.log
host_log=$host_build/run.log
: >"$host_build_log"
run_logged "$host_build_log" cmake -S . -B "$host_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLWCL_TESTS=OFF -DLWCL_BENCH=OFF -DLWCL_FIRMWARE_BREAK_GOLDEN= "-DLWCL_FIRMWARE_SELFTEST_DATA=$data" ||
  { echo "firmware: host configure failed ($host_build_log)" >&2; exit 1; }
run_logged "$host_build_log" cmake --build "$host_build" -j"$jobs" --target lwcl_selftest_host ||
  { echo "firmware: host build failed ($host_build_log)" >&2; exit 1; }
set +e
"$host_build/bin/lwcl_selftest_host" >"$host_log" 2>&1 </dev/null
host_rc=$?
set -e
[ "$verbose" -eq 1 ] && cat "$host_log"
host_summary=$(grep -a '^lwcl-selftest: ' "$host_log" | tail -n 1 || true)
if [ "$host_rc" -ne 0 ] || [ "${host_summary#lwcl-selftest: PASS}" = "$host_summary" ]; then
  echo "firmware: host self-test failed (exit $host_rc); output ($host_log):" >&2
  cat "$host_log" >&2
  exit 1
fi
echo "host: $host_summary"

size_json=${LWCL_SIZE_JSON:-build/firmware/size.json}
"$python" scripts/size-report --elf "$elf" --map "$fwdir/lwcl_selftest.map" \
  --qemu-log "$qemu_log" --out "$size_json"
echo "firmware: size report in $size_json"
