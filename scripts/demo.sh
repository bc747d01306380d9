#!/usr/bin/env bash
# `make demo`: the best end-to-end run LwCL has today.
#   1. train the default motion model on the STM32 activity recordings (when
#      ../shared/datasets is beside the clone) and report float/int8 accuracy;
#   2. inspect the package it wrote;
#   3. run the same tinyml core bare-metal on a Cortex-M33 under QEMU against
#      golden vectors from the host, and print the size report.
# The server, fleet and dashboard join this script as they land.
set -euo pipefail
cd "$(dirname "$0")/.."
lwcl=build/bin/lwcl
data=${LWCL_DATASETS:-../shared/datasets}
out=build/demo
mkdir -p "$out"

if [ -d "$data/stm32-har" ]; then
  echo "== training the default motion model on $data/stm32-har"
  "$lwcl" train "$data/stm32-har" --split by-recording --seed 1 \
      --out "$out/motion.lwpkg" --report "$out/report.json"
  echo "== the package"
  "$lwcl" inspect "$out/motion.lwpkg"
else
  echo "== no recordings at $data (set LWCL_DATASETS=DIR); skipping training"
fi
echo "== the tinyml core on a Cortex-M33 (QEMU mps2-an505)"
scripts/firmware.sh
