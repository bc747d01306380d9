#!/usr/bin/env bash
# Scripted load run for docs/benchmarks.md: N virtual devices in one
# `lwcl fleet` process against one `lwcl server` (SQLite, --observe /33650 so
# every device's counters are observed and stored), both on this machine.
# After every device has registered and a settling pause, it samples each
# process's CPU time (user+system, /proc/PID/stat) over a window and its
# resident memory, then stops both and prints one markdown table row.
#
#   scripts/fleet_bench.sh [DEVICES=1000] [WINDOW_SECONDS=60]
# Needs build/bin/lwcl and build/demo/motion.lwpkg (`make demo` makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
devices=${1:-1000}
window=${2:-60}
lwcl=$PWD/build/bin/lwcl
model=$PWD/build/demo/motion.lwpkg
[ -x "$lwcl" ] || { echo "fleet_bench: build first (make build)" >&2; exit 2; }
[ -f "$model" ] || { echo "fleet_bench: no $model (make demo trains it)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/lwcl-fleet-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"$lwcl" server --coap-port 0 --http-port 0 --dtls-port -1 --data "$tmp" --observe /33650 >"$tmp/server.log" 2>&1 &
pids+=($!); server=$!
for _ in $(seq 100); do grep -q "lwcl server:" "$tmp/server.log" && break; sleep 0.1; done
coap=$(sed -n 's|.*coap://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/server.log" | head -1)
http=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/server.log" | head -1)
[ -n "$coap" ] || { cat "$tmp/server.log"; exit 1; }

"$lwcl" fleet --devices "$devices" --threads 2 --server "coap://127.0.0.1:$coap" --model "$model" \
  --status-every 5 >"$tmp/fleet.log" 2>&1 &
pids+=($!); fleet=$!

echo "fleet_bench: waiting for $devices devices to register" >&2
for _ in $(seq 600); do
  grep -q "fleet: $devices/$devices registered" "$tmp/fleet.log" && break
  kill -0 "$fleet" 2>/dev/null || { cat "$tmp/fleet.log"; exit 1; }
  sleep 1
done
grep -q "fleet: $devices/$devices registered" "$tmp/fleet.log" || { tail -3 "$tmp/fleet.log"; exit 1; }
sleep 15  # let the observations settle

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
s0=$(cpu "$server"); f0=$(cpu "$fleet")
v0=$(curl -s "http://127.0.0.1:$http/api/health" | sed -n 's/.*"values":\([0-9]*\).*/\1/p')
echo "fleet_bench: measuring for $window s" >&2
sleep "$window"
s1=$(cpu "$server"); f1=$(cpu "$fleet")
v1=$(curl -s "http://127.0.0.1:$http/api/health" | sed -n 's/.*"values":\([0-9]*\).*/\1/p')
srss=$(rss "$server"); frss=$(rss "$fleet")
status=$(grep "registered" "$tmp/fleet.log" | tail -1)

printf '| devices | fleet CPU | fleet RSS | fleet RSS per device | server CPU | server RSS | values stored/s | last fleet status |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---|\n'
awk -v d="$devices" -v w="$window" -v hz="$hz" -v s0="$s0" -v s1="$s1" -v f0="$f0" -v f1="$f1" \
    -v sr="$srss" -v fr="$frss" -v v0="$v0" -v v1="$v1" -v st="$status" 'BEGIN {
  printf "| %d | %.0f%% of one core | %.1f MB | %.0f kB | %.0f%% of one core | %.1f MB | %.0f | %s |\n",
    d, 100 * (f1 - f0) / hz / w, fr / 1024, fr / d, 100 * (s1 - s0) / hz / w, sr / 1024, (v1 - v0) / w, st }'
