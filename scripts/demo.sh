#!/usr/bin/env bash
# `make demo`: the whole loop on this machine, after `make build`:
#   1. the default motion model: build/demo/motion.lwpkg, trained on the
#      motion simulator's own patterns when it is not there yet (a user's
#      clone has no recordings; `lwcl train` on your own data makes another);
#   2. `lwcl server` on SQLite (build/demo/data), serving the dashboard;
#   3. `lwcl fleet`: LWCL_DEMO_DEVICES virtual devices (default 5) running
#      that model on simulated motion and reporting over LwM2M;
#   4. a rollout: a second model (v1.1.0, trained with another seed and
#      signed with the same fleet key) goes into the server's registry and
#      out to the fleet over LwM2M /9, canary first;
#   5. prints the dashboard's URL and runs until Ctrl-C, which stops both.
# The fleet key (build/demo/fleet.key) signs both models; the server and
# the devices check packages against its public half.
# Ports: LWCL_HTTP_PORT (8080), LWCL_COAP_PORT (5683). The server listens on
# loopback only; add LWCL_ADDRESS=0.0.0.0 (and a token) to show it elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
lwcl=build/bin/lwcl
out=build/demo
devices=${LWCL_DEMO_DEVICES:-5}
http_port=${LWCL_HTTP_PORT:-8080}
coap_port=${LWCL_COAP_PORT:-5683}
address=${LWCL_ADDRESS:-127.0.0.1}
mkdir -p "$out"

if [ ! -f "$out/fleet.key" ]; then
  "$lwcl" keygen --out "$out/fleet.key" --force >/dev/null
  rm -f "$out/motion.lwpkg" "$out/motion-1.1.0.lwpkg"  # signed by an older key, if any
fi
if [ ! -f "$out/motion.lwpkg" ] || [ ! -f "$out/motion-1.1.0.lwpkg" ]; then
  echo "== training the default motion model and its successor on the simulator's patterns (once; about two minutes)"
  rm -rf "$out/sim"
  "$lwcl" simulate --out "$out/sim" --seed 1
  "$lwcl" train "$out/sim" --seed 1 --sign-key "$out/fleet.key" --model-version 1.0.0 \
      --out "$out/motion.lwpkg" --report "$out/report.json"
  "$lwcl" -q train "$out/sim" --seed 2 --sign-key "$out/fleet.key" --model-version 1.1.0 \
      --out "$out/motion-1.1.0.lwpkg"
fi
"$lwcl" inspect "$out/motion.lwpkg" | head -8

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

echo "== lwcl server (SQLite in $out/data)"
"$lwcl" server --address "$address" --coap-port "$coap_port" --dtls-port -1 --http-port "$http_port" \
    --data "$out/data" --web web/dist --observe /33650 --fleet-key "$out/fleet.key.pub" > "$out/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  grep -q "lwcl server:" "$out/server.log" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$out/server.log"; echo "demo: the server did not start" >&2; exit 1; }
  sleep 0.2
done
head -1 "$out/server.log"

echo "== lwcl fleet: $devices virtual devices"
"$lwcl" fleet --devices "$devices" --server "coap://127.0.0.1:$coap_port" --model "$out/motion.lwpkg" \
    --fleet-key "$out/fleet.key.pub" --prefix demo- > "$out/fleet.log" 2>&1 &
pids+=($!)
api="http://127.0.0.1:$http_port"
for _ in $(seq 150); do
  grep -q "$devices/$devices registered" "$out/fleet.log" 2>/dev/null && break
  sleep 0.2
done

echo "== a rollout: motion 1.1.0 to every device over /9, canary first"
"$lwcl" models upload "$out/motion-1.1.0.lwpkg" --api "$api" 2>/dev/null || true  # 409: in the registry already
model=$("$lwcl" models list --api "$api" --json | tr -d ' \n' |
        grep -o '"id":[0-9]*,[^}]*"version":"1.1.0"' | head -1 | sed 's/"id":\([0-9]*\).*/\1/')
if [ -n "$model" ] && "$lwcl" rollout start "$model" --canary 20 --probation 10 --api "$api"; then
  echo "  Follow it: $lwcl rollout status 1 --api $api"
else
  echo "demo: the rollout did not start (see $out/server.log)" >&2
fi

echo
echo "  Dashboard: http://$address:$http_port/"
echo "  API:       curl http://$address:$http_port/api/devices"
echo "  Logs:      $out/server.log, $out/fleet.log"
echo "  Ctrl-C stops the server and the fleet."
wait -n "${pids[@]}" || true
echo "demo: a process ended; see the logs above" >&2
