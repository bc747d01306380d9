#!/usr/bin/env bash
# `make demo`: the whole loop on this machine, after `make build`:
#   1. the default motion model: build/demo/motion.lwpkg, trained on the
#      motion simulator's own patterns when it is not there yet (a user's
#      clone has no recordings; `lwcl train` on your own data makes another);
#   2. `lwcl server` on SQLite (build/demo/data), serving the dashboard;
#   3. `lwcl fleet`: LWCL_DEMO_DEVICES virtual devices (default 5) running
#      that model on simulated motion and reporting over LwM2M;
#   4. prints the dashboard's URL and runs until Ctrl-C, which stops both.
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

if [ ! -f "$out/motion.lwpkg" ]; then
  echo "== training the default motion model on the simulator's patterns (once; about a minute)"
  rm -rf "$out/sim"
  "$lwcl" simulate --out "$out/sim" --seed 1
  "$lwcl" train "$out/sim" --seed 1 --out "$out/motion.lwpkg" --report "$out/report.json"
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
    --data "$out/data" --web web/dist --observe /33650 > "$out/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  grep -q "lwcl server:" "$out/server.log" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$out/server.log"; echo "demo: the server did not start" >&2; exit 1; }
  sleep 0.2
done
head -1 "$out/server.log"

echo "== lwcl fleet: $devices virtual devices"
"$lwcl" fleet --devices "$devices" --server "coap://127.0.0.1:$coap_port" --model "$out/motion.lwpkg" \
    --prefix demo- > "$out/fleet.log" 2>&1 &
pids+=($!)

echo
echo "  Dashboard: http://$address:$http_port/"
echo "  API:       curl http://$address:$http_port/api/devices"
echo "  Logs:      $out/server.log, $out/fleet.log"
echo "  Ctrl-C stops the server and the fleet."
wait -n "${pids[@]}" || true
echo "demo: a process ended; see the logs above" >&2
