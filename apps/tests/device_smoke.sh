#!/usr/bin/env bash
# Smoke test of `lwcl device` and `lwcl fleet` against a real `lwcl server`
# on loopback: the errors a user meets first, then one device and a small
# fleet register, run, and de-register. Needs no dataset: it trains a tiny
# idle/wave model on CSV data it writes itself. About half a minute.
# Usage: device_smoke.sh LWCL_BINARY
set -u
LWCL=${1:?usage: device_smoke.sh LWCL_BINARY}
TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

. "$(dirname "$0")/smoke_helpers.sh"

step "help and errors"
"$LWCL" device --help | grep -q "Examples" || fail "device --help has no examples"
"$LWCL" fleet --help | grep -q "Examples" || fail "fleet --help has no examples"
expect_fail "device without --endpoint" "endpoint" "$LWCL" device --model /nonexistent.lwpkg
expect_fail "device without a model" "no model.*--model" bash -c "cd '$TMP' && '$LWCL' device --endpoint x"
expect_fail "device with a bad server URI" "coap://" "$LWCL" device --endpoint x --server http://localhost
expect_fail "device with a host name" "numeric IPv4" "$LWCL" device --endpoint x --server coap://localhost:5683
expect_fail "device with an unknown flag" "--bogus|not expected|extra" "$LWCL" device --endpoint x --bogus
expect_fail "fleet without --devices" "devices" "$LWCL" fleet
echo "not a key" > "$TMP/bad.pub"
expect_fail "device with a missing fleet key" "--fleet-key.*cannot read" "$LWCL" device --endpoint x --fleet-key /nonexistent.pub
expect_fail "device with a bad fleet key" "--fleet-key.*PEM public key" "$LWCL" device --endpoint x --fleet-key "$TMP/bad.pub"
expect_fail "fleet with a bad fleet key" "--fleet-key.*PEM public key" "$LWCL" fleet --devices 2 --fleet-key "$TMP/bad.pub"
expect_fail "fleet with a PSK base over coap://" "coaps" "$LWCL" fleet --devices 2 --psk-key-base 0011
expect_fail "device with a learning mode it lacks" "--learning-mode must be 0" "$LWCL" device --endpoint x --learning-mode 3
expect_fail "fleet with a learning mode it lacks" "--learning-mode must be 0" "$LWCL" fleet --devices 2 --learning-mode 3
expect_fail "fleet with a bad drift spec" "--drift" "$LWCL" fleet --devices 2 --model /dev/null --drift "tilt:x=1@0"

step "tiny idle/wave model"
# idle: gravity and a little noise; wave: a 1 Hz swing on x and y. In g, 26 Hz.
idle_csv() {
  awk -v seed="$1" 'BEGIN { srand(seed); print "x,y,z"
    for (i = 0; i < 260; i++) printf "%.4f,%.4f,%.4f\n", (rand()-0.5)*0.04, (rand()-0.5)*0.04, 1+(rand()-0.5)*0.04 }'
}
wave_csv() {
  awk -v seed="$1" 'BEGIN { srand(seed); pi = 3.14159265; print "x,y,z"
    for (i = 0; i < 260; i++) { t = i / 26
      printf "%.4f,%.4f,%.4f\n", 0.6*sin(2*pi*t+seed)+(rand()-0.5)*0.04, 0.3*cos(2*pi*t+seed)+(rand()-0.5)*0.04, 1+(rand()-0.5)*0.04 } }'
}
mkdir -p "$TMP/data/idle" "$TMP/data/wave"
for k in 1 2 3 4 5 6; do
  idle_csv "$k" >"$TMP/data/idle/rec${k}_26Hz_g.csv"
  wave_csv "$k" >"$TMP/data/wave/rec${k}_26Hz_g.csv"
done
PKG="$TMP/motion.lwpkg"
"$LWCL" -q train "$TMP/data" --seed 1 --epochs 40 --patience 10 --out "$PKG" >"$TMP/train.out" 2>&1 ||
  fail "train failed: $(cat "$TMP/train.out")"

step "server"
PORT=$((20000 + RANDOM % 20000))
"$LWCL" server --coap-port "$PORT" --dtls-port -1 --http-port 0 --data "$TMP/srv" >"$TMP/server.out" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q "coap://" "$TMP/server.out" && break
  sleep 0.1
done
grep -q "coap://" "$TMP/server.out" || fail "server did not start: $(cat "$TMP/server.out")"

step "device"
"$LWCL" device --endpoint smoke-1 --server "coap://127.0.0.1:$PORT" --model "$PKG" --patterns idle,wave \
  --seed 2 --duration 12 >"$TMP/device.out" 2>&1 || fail "device failed: $(cat "$TMP/device.out")"
grep -q "^registered smoke-1" "$TMP/device.out" || fail "device did not register: $(cat "$TMP/device.out")"
grep -q "^de-registered smoke-1" "$TMP/device.out" || fail "device did not de-register: $(cat "$TMP/device.out")"
echo "   ok ($(grep -c '^detected' "$TMP/device.out") detections)"

step "device stops cleanly on SIGTERM"
"$LWCL" device --endpoint smoke-2 --server "coap://127.0.0.1:$PORT" --model "$PKG" --patterns idle,wave \
  >"$TMP/device2.out" 2>&1 &
DEV_PID=$!
for _ in $(seq 1 50); do
  grep -q "^registered smoke-2" "$TMP/device2.out" && break
  sleep 0.1
done
kill -TERM "$DEV_PID"
wait "$DEV_PID" || fail "device exited non-zero after SIGTERM: $(cat "$TMP/device2.out")"
grep -q "^de-registered smoke-2" "$TMP/device2.out" || fail "no clean de-registration: $(cat "$TMP/device2.out")"
echo "   ok"

step "fleet"
"$LWCL" fleet --devices 6 --threads 2 --server "coap://127.0.0.1:$PORT" --model "$PKG" --patterns idle,wave \
  --duration 6 --status-every 2 >"$TMP/fleet.out" 2>&1 || fail "fleet failed: $(cat "$TMP/fleet.out")"
grep -q "6/6 registered" "$TMP/fleet.out" || fail "fleet did not register all: $(cat "$TMP/fleet.out")"
grep -q "6/6 de-registered" "$TMP/fleet.out" || fail "fleet did not de-register all: $(cat "$TMP/fleet.out")"
echo "   ok"
echo "device smoke: all passed"
