#!/usr/bin/env bash
# Scripted load run for docs/benchmarks.md: a fleet-wide rollout. N virtual
# devices in one `lwcl fleet --fleet-key` process run motion 1.0.0 against
# one `lwcl server` (SQLite, --observe /33650, so every device's counters keep
# being observed and stored meanwhile); the script uploads motion 1.1.0 to
# the registry, rolls it out to all of them (10% canary, then waves of 100,
# at most 32 transfers at once) and reports, once the rollout has ended:
# its time, bytes per device, how many devices the server's device list
# shows on 1.1.0, the values stored per second before and during the
# rollout, and each process's CPU and memory.
#
#   scripts/rollout_bench.sh [DEVICES=1000] [push|pull]
# Needs build/bin/lwcl and the demo's signed models and fleet key
# (build/demo/motion.lwpkg, motion-1.1.0.lwpkg, fleet.key.pub: `make demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
devices=${1:-1000}
delivery=${2:-push}
lwcl=$PWD/build/bin/lwcl
demo=$PWD/build/demo
[ -x "$lwcl" ] || { echo "rollout_bench: build first (make build)" >&2; exit 2; }
for f in motion.lwpkg motion-1.1.0.lwpkg fleet.key.pub; do
  [ -f "$demo/$f" ] || { echo "rollout_bench: no $demo/$f (make demo makes it)" >&2; exit 2; }
done
tmp=$(mktemp -d /tmp/lwcl-rollout-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"$lwcl" server --coap-port 0 --http-port 0 --dtls-port -1 --data "$tmp" --observe /33650 \
  --fleet-key "$demo/fleet.key.pub" >"$tmp/server.log" 2>&1 &
pids+=($!); server=$!
for _ in $(seq 100); do grep -q "lwcl server:" "$tmp/server.log" && break; sleep 0.1; done
coap=$(sed -n 's|.*coap://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/server.log" | head -1)
http=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/server.log" | head -1)
[ -n "$coap" ] || { cat "$tmp/server.log"; exit 1; }
api="http://127.0.0.1:$http"

"$lwcl" fleet --devices "$devices" --threads 2 --server "coap://127.0.0.1:$coap" --model "$demo/motion.lwpkg" \
  --fleet-key "$demo/fleet.key.pub" --status-every 5 >"$tmp/fleet.log" 2>&1 &
pids+=($!); fleet=$!
echo "rollout_bench: waiting for $devices devices to register" >&2
for _ in $(seq 600); do
  grep -q "fleet: $devices/$devices registered" "$tmp/fleet.log" && break
  kill -0 "$fleet" 2>/dev/null || { cat "$tmp/fleet.log"; exit 1; }
  sleep 1
done
grep -q "fleet: $devices/$devices registered" "$tmp/fleet.log" || { tail -3 "$tmp/fleet.log"; exit 1; }
sleep 20  # observations and confidence baselines settle

values() { curl -s "$api/api/health" | sed -n 's/.*"values":\([0-9]*\).*/\1/p'; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
v0=$(values); sleep 20; v1=$(values)
before=$(( (v1 - v0) / 20 ))

model=$("$lwcl" models upload "$demo/motion-1.1.0.lwpkg" --api "$api" --json | tr -d ' \n' |
        sed -n 's/.*"id":\([0-9]*\).*/\1/p')
[ -n "$model" ] || { echo "rollout_bench: upload failed" >&2; exit 1; }
size=$(stat -c %s "$demo/motion-1.1.0.lwpkg")
s0=$(cpu "$server"); f0=$(cpu "$fleet"); v0=$(values); t0=$(date +%s.%N)
pull=(); [ "$delivery" = pull ] && pull=(--pull)
"$lwcl" rollout start "$model" --canary 10 --wave 100 --concurrent 32 --probation 10 "${pull[@]}" \
  --api "$api" >/dev/null
state=canary
while :; do
  "$lwcl" rollout status 1 --api "$api" >"$tmp/status.txt"
  state=$(sed -n '1s/.*), \([a-z_]*\),.*/\1/p' "$tmp/status.txt")
  echo "rollout_bench: $(sed -n 2p "$tmp/status.txt") ($state)" >&2
  case $state in completed|halted|aborted) break ;; esac
  kill -0 "$fleet" 2>/dev/null || { echo "rollout_bench: the fleet died" >&2; exit 1; }
  sleep 5
done
t1=$(date +%s.%N); v1=$(values); s1=$(cpu "$server"); f1=$(cpu "$fleet")
srss=$(rss "$server"); frss=$(rss "$fleet")
sleep 3  # the last model_version reads
on_new=$(curl -s "$api/api/devices" | grep -o '"model_version":"[^"]*1\.1\.0"' | wc -l)
bytes=$(sed -n '1s/.*devices, \([0-9]*\) bytes sent.*/\1/p' "$tmp/status.txt")
status=$(grep "registered" "$tmp/fleet.log" | tail -1)
counts=$(sed -n 2p "$tmp/status.txt" | sed 's/^ *//')

printf '| devices | delivery | package | state | time | bytes/device | on 1.1.0 in the device list | values stored/s before, during | server CPU, RSS | fleet CPU, RSS | counts | last fleet status |\n'
printf '|---:|---|---:|---|---:|---:|---:|---|---|---|---|---|\n'
awk -v d="$devices" -v dl="$delivery" -v sz="$size" -v st="$state" -v t0="$t0" -v t1="$t1" -v b="$bytes" \
    -v on="$on_new" -v vb="$before" -v v0="$v0" -v v1="$v1" -v hz="$hz" -v s0="$s0" -v s1="$s1" -v f0="$f0" \
    -v f1="$f1" -v sr="$srss" -v fr="$frss" -v c="$counts" -v fs="$status" 'BEGIN {
  w = t1 - t0
  printf "| %d | %s | %d B | %s | %.0f s | %.0f B | %d | %d, %.0f | %.0f%% of one core, %.1f MB | %.0f%% of one core, %.1f MB | %s | %s |\n",
    d, dl, sz, st, w, b / d, on, vb, (v1 - v0) / w, 100 * (s1 - s0) / hz / w, sr / 1024, 100 * (f1 - f0) / hz / w,
    fr / 1024, c, fs }'
