#!/usr/bin/env bash
# `make bench`: the figures recorded in docs/benchmarks.md, each with the
# command that produced it.
#   1. host time per window, DSP and NN (Google Benchmark, build/bin/tinyml_bench)
#   2. instructions per window under callgrind, DSP only, float and int8
#      (repeatable: counts, not seconds), on the default motion package
#   3. the Cortex-M33 size report (scripts/firmware.sh -> build/firmware/size.json)
#   4. memory per LwM2M client instance (build/bin/lwcl_client_memory)
#   5. the server under 10,000 notifying devices, SQLite and PostgreSQL
#   6. 1,000 virtual devices in one fleet against one server
#   7. a rollout of a new model to those 1,000 devices over LwM2M /9
# Results also go to build/bench/ (benchmark JSON, callgrind summary).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
datasets=${LWCL_DATASETS:-../shared/datasets}

echo "## 1. host time per window (Google Benchmark)"
echo "\$ build/bin/tinyml_bench --benchmark_min_time=0.2"
build/bin/tinyml_bench --benchmark_min_time=0.2 --benchmark_out="$out/tinyml_bench.json" \
  --benchmark_out_format=json 2>/dev/null

echo
echo "## 2. instructions per window (callgrind)"
pkg=$out/motion.lwpkg
if [ -d "$datasets/stm32-har" ]; then
  build/bin/lwcl -q train "$datasets/stm32-har" --seed 1 --out "$pkg" >/dev/null
else
  echo "no recordings at $datasets: skipping callgrind (it needs the default package)"; pkg=""
fi
if [ -n "$pkg" ]; then
  count() {  # count MODE WINDOWS -> instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null build/bin/tinyml_window_cost "$pkg" "$1" "$2" 2>&1 >/dev/null |
      sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
  }
  n=200
  echo "\$ valgrind --tool=callgrind build/bin/tinyml_window_cost $pkg MODE {0,$n}   (difference / $n)"
  printf '| %-6s | %14s |\n' stage "instr/window"
  printf '|--------|----------------|\n'
  for mode in dsp float int8; do
    a=$(count "$mode" 0); b=$(count "$mode" "$n")
    printf '| %-6s | %14d |\n' "$mode" $(( (b - a) / n ))
  done | tee "$out/callgrind.md"
  # Fine-tuning the head: one Train over one labelled window, 1 or 100 epochs.
  m=20
  t1=$(( ($(count tune1 "$m") - $(count tune1 0)) / m ))
  t100=$(( ($(count tune100 "$m") - $(count tune100 0)) / m ))
  step=$(( (t100 - t1) / 99 ))
  echo "head fine-tuning: one SGD step $step instructions, re-quantising the head $(( t1 - step ))" |
    tee -a "$out/callgrind.md"
fi

echo
echo "## 3. Cortex-M33 size report"
echo "\$ scripts/firmware.sh"
scripts/firmware.sh

echo
echo "## 4. memory per LwM2M client instance"
for n in 100 1000; do
  echo "\$ build/bin/lwcl_client_memory $n"
  build/bin/lwcl_client_memory "$n"
done

echo
echo "## 5. the server under 10,000 devices notifying every 10 s, both stores"
for store in sqlite postgresql; do
  echo "\$ build/bin/lwcl_server_load --devices 10000 --period 10 --seconds 60 --store $store"
  build/bin/lwcl_server_load --devices 10000 --period 10 --seconds 60 --store "$store"
done

echo
echo "## 6. 1,000 virtual devices in one lwcl fleet against one lwcl server"
if [ ! -f build/demo/motion.lwpkg ]; then
  build/bin/lwcl simulate --out "$out/sim" --seed 1 --force >/dev/null
  mkdir -p build/demo
  build/bin/lwcl -q train "$out/sim" --seed 1 --out build/demo/motion.lwpkg >/dev/null
fi
echo "\$ scripts/fleet_bench.sh 1000 60"
scripts/fleet_bench.sh 1000 60

echo
echo "## 7. a rollout to 1,000 virtual devices over LwM2M /9"
if [ ! -f build/demo/fleet.key ] || [ ! -f build/demo/motion-1.1.0.lwpkg ]; then
  # What make demo makes: a fleet key and two signed models.
  build/bin/lwcl keygen --out build/demo/fleet.key --force >/dev/null
  build/bin/lwcl simulate --out "$out/sim" --seed 1 --force >/dev/null
  build/bin/lwcl -q train "$out/sim" --seed 1 --sign-key build/demo/fleet.key --model-version 1.0.0 \
    --out build/demo/motion.lwpkg >/dev/null
  build/bin/lwcl -q train "$out/sim" --seed 2 --sign-key build/demo/fleet.key --model-version 1.1.0 \
    --out build/demo/motion-1.1.0.lwpkg >/dev/null
fi
echo "\$ scripts/rollout_bench.sh 1000 push"
scripts/rollout_bench.sh 1000 push
