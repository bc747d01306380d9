#!/usr/bin/env bash
# Smoke test of the model lifecycle from the command line, all on loopback:
# keygen, two signed models (v1.0.0 and v1.1.0), `lwcl server --fleet-key`,
# a 4-device `lwcl fleet --fleet-key` running v1.0.0, then `lwcl models
# upload` (refusals for an unsigned and a foreign-signed package, a 409 for
# a duplicate) and `lwcl rollout start/status` until every device runs
# v1.1.0 over /9. Needs no dataset: it writes its own tiny idle/wave CSVs.
# About a minute.
# Usage: rollout_smoke.sh LWCL_BINARY
set -u
LWCL=${1:?usage: rollout_smoke.sh LWCL_BINARY}
TMP=$(mktemp -d)
SERVER_PID=
FLEET_PID=
cleanup() {
  for pid in $FLEET_PID $SERVER_PID; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

. "$(dirname "$0")/smoke_helpers.sh"

step "help and errors without a server"
"$LWCL" models --help | grep -q "Examples" || fail "models --help has no examples"
"$LWCL" rollout --help | grep -q "Examples" || fail "rollout --help has no examples"
expect_fail "models without a verb" "subcommand" "$LWCL" models
expect_fail "models list with no server" "cannot reach the server" "$LWCL" models list --api http://127.0.0.1:1
expect_fail "models list with a bad --api" "expected http://" "$LWCL" models list --api coap://127.0.0.1:5683
expect_fail "rollout start without a model" "model" "$LWCL" rollout start
expect_fail "rollout start with a bad id" "model|number|integer" "$LWCL" rollout start abc

step "keys and two signed models"
"$LWCL" keygen --out "$TMP/fleet.key" >/dev/null || fail "keygen failed"
"$LWCL" keygen --out "$TMP/other.key" >/dev/null || fail "second keygen failed"
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
train() {  # version key out [seed]
  "$LWCL" -q train "$TMP/data" --seed "${4:-1}" --epochs 40 --patience 10 --model-version "$1" ${2:+--sign-key "$2"} \
    --out "$3" >"$TMP/train.out" 2>&1 || fail "train $1 failed: $(cat "$TMP/train.out")"
}
train 1.0.0 "$TMP/fleet.key" "$TMP/v1.lwpkg"
train 1.1.0 "$TMP/fleet.key" "$TMP/v11.lwpkg"
train 1.2.0 "" "$TMP/unsigned.lwpkg"
train 1.2.0 "$TMP/fleet.key" "$TMP/v12.lwpkg" 2
train 1.2.0 "$TMP/other.key" "$TMP/foreign.lwpkg"

step "lwcl delta"
"$LWCL" delta --help | grep -q "Examples" || fail "delta --help has no examples"
"$LWCL" delta "$TMP/v1.lwpkg" "$TMP/v1.lwpkg" --out "$TMP/head.lwpkg" --sign-key "$TMP/fleet.key" >"$TMP/delta.out" ||
  fail "delta failed: $(cat "$TMP/delta.out")"
size=$(stat -c %s "$TMP/head.lwpkg")
[ "$size" -lt 1024 ] || fail "a head delta has $size bytes, not under 1 KB"
"$LWCL" inspect "$TMP/head.lwpkg" --pubkey "$TMP/fleet.key.pub" --json | grep -q '"delta": true' ||
  fail "inspect does not see a signed delta"
expect_fail "delta of a retrained network" "not .* with a retrained head: (the feature normalisation|layer [0-9]) differs" \
  "$LWCL" delta "$TMP/v1.lwpkg" "$TMP/v12.lwpkg" --out "$TMP/bad.lwpkg"
expect_fail "delta of a delta" "is a delta already" "$LWCL" delta "$TMP/head.lwpkg" "$TMP/v1.lwpkg" --out "$TMP/bad.lwpkg"
expect_fail "delta with a missing layer" "layer 7 does not exist" \
  "$LWCL" delta "$TMP/v1.lwpkg" "$TMP/v1.lwpkg" --layers 7 --out "$TMP/bad.lwpkg"
echo "   ok (head delta: $size bytes)"

step "server with the fleet key"
PORT=$((20000 + RANDOM % 20000))
"$LWCL" server --coap-port "$PORT" --dtls-port -1 --http-port 0 --data "$TMP/srv" --token s3cret \
  --fleet-key "$TMP/fleet.key.pub" >"$TMP/server.out" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q "http://" "$TMP/server.out" && break
  sleep 0.1
done
API=$(grep -o "http://[0-9.]*:[0-9]*" "$TMP/server.out" | head -1)
[ -n "$API" ] || fail "server did not start: $(cat "$TMP/server.out")"

step "models upload, list, show"
expect_fail "upload without the token" "401|token" "$LWCL" models upload "$TMP/v11.lwpkg" --api "$API"
expect_fail "upload an unsigned package" "400.*sign" "$LWCL" models upload "$TMP/unsigned.lwpkg" --api "$API" --token s3cret
expect_fail "upload a foreign-signed package" "400.*sign" "$LWCL" models upload "$TMP/foreign.lwpkg" --api "$API" --token s3cret
expect_fail "upload a file that is not a package" "400" "$LWCL" models upload "$TMP/train.out" --api "$API" --token s3cret
"$LWCL" models upload "$TMP/v11.lwpkg" --api "$API" --token s3cret --json >"$TMP/up.json" || fail "upload failed"
MODEL=$(grep -o '"id": *[0-9]*' "$TMP/up.json" | head -1 | grep -o '[0-9]*$')
[ -n "$MODEL" ] || fail "upload answered no id: $(cat "$TMP/up.json")"
expect_fail "upload the same package twice" "409" "$LWCL" models upload "$TMP/v11.lwpkg" --api "$API" --token s3cret
"$LWCL" models list --api "$API" | grep -q "1.1.0 *signed" || fail "models list: $("$LWCL" models list --api "$API" 2>&1)"
"$LWCL" models show "$MODEL" --api "$API" | grep -q "1.1.0" || fail "models show lacks the version"
echo "   ok (model $MODEL)"

step "fleet of 4 on v1.0.0"
"$LWCL" fleet --devices 4 --threads 2 --server "coap://127.0.0.1:$PORT" --model "$TMP/v1.lwpkg" \
  --fleet-key "$TMP/fleet.key.pub" --slots "$TMP/slots" --patterns idle,wave --duration 180 --status-every 2 \
  --prefix plant-a- \
  >"$TMP/fleet.out" 2>&1 &
FLEET_PID=$!
for _ in $(seq 1 100); do
  grep -q "4/4 registered" "$TMP/fleet.out" && break
  sleep 0.2
done
grep -q "4/4 registered" "$TMP/fleet.out" || fail "fleet did not register: $(cat "$TMP/fleet.out")"

step "rollout"
expect_fail "rollout of a model that does not exist" "404|no model" \
  "$LWCL" rollout start 999 --api "$API" --token s3cret
"$LWCL" rollout start "$MODEL" --canary 25 --probation 5 --min-confidence 0.5 --api "$API" --token s3cret >"$TMP/start.out" ||
  fail "rollout start failed: $(cat "$TMP/start.out")"
ROLLOUT=$(grep -o "^rollout [0-9]*" "$TMP/start.out" | grep -o "[0-9]*$")
[ -n "$ROLLOUT" ] || fail "rollout start printed no id: $(cat "$TMP/start.out")"
for _ in $(seq 1 120); do
  "$LWCL" rollout status "$ROLLOUT" --api "$API" >"$TMP/status.out" 2>&1 || fail "status: $(cat "$TMP/status.out")"
  grep -qE ", (completed|halted|aborted)," "$TMP/status.out" && break
  sleep 0.5
done
grep -q ", completed," "$TMP/status.out" || fail "rollout did not complete: $(cat "$TMP/status.out")"
[ "$(grep -c " active " "$TMP/status.out")" -eq 4 ] || fail "not all 4 devices active: $(cat "$TMP/status.out")"
grep -q " canary" "$TMP/status.out" || fail "no canary device in the status: $(cat "$TMP/status.out")"
"$LWCL" rollout list --api "$API" | grep -q "^rollout $ROLLOUT: .*completed" || fail "rollout list"
expect_fail "pause a finished rollout" "409|finished|completed" "$LWCL" rollout pause "$ROLLOUT" --api "$API" --token s3cret
echo "   ok ($(head -1 "$TMP/status.out"))"

step "a second rollout: a group, pulled by the devices (Block2)"
"$LWCL" models upload "$TMP/v12.lwpkg" --api "$API" --token s3cret --json >"$TMP/up2.json" || fail "upload 1.2.0 failed"
MODEL2=$(grep -o '"id": *[0-9]*' "$TMP/up2.json" | head -1 | grep -o '[0-9]*$')
expect_fail "a group nobody is in" "no registered device matches the group" \
  "$LWCL" rollout start "$MODEL2" --group 'plant-b-*' --api "$API" --token s3cret
expect_fail "both --devices and --group" "not both" \
  "$LWCL" rollout start "$MODEL2" --group 'plant-a-*' --devices plant-a-0 --api "$API" --token s3cret
"$LWCL" rollout start "$MODEL2" --group 'plant-a-*' --pull --canary 25 --probation 5 --min-confidence 0.5 --api "$API" --token s3cret \
  --json >"$TMP/start2.json" || fail "rollout start --pull failed: $(cat "$TMP/start2.json")"
ROLLOUT2=$(grep -o '"id": *[0-9]*' "$TMP/start2.json" | head -1 | grep -o '[0-9]*$')
grep -q '"delivery": "pull"' "$TMP/start2.json" || fail "the rollout is not a pull: $(cat "$TMP/start2.json")"
for _ in $(seq 1 120); do
  "$LWCL" rollout status "$ROLLOUT2" --api "$API" >"$TMP/status2.out" 2>&1 || fail "status: $(cat "$TMP/status2.out")"
  grep -qE ", (completed|halted|aborted)," "$TMP/status2.out" && break
  sleep 0.5
done
grep -q ", completed," "$TMP/status2.out" || fail "the pull rollout did not complete: $(cat "$TMP/status2.out")"
[ "$(grep -c " active " "$TMP/status2.out")" -eq 4 ] || fail "not all 4 devices pulled: $(cat "$TMP/status2.out")"
for _ in $(seq 1 20); do
  [ "$(curl -s "$API/api/devices" | grep -o '"model_version":"[^"]*1\.2\.0"' | wc -l)" -eq 4 ] && break
  sleep 0.25
done
[ "$(curl -s "$API/api/devices" | grep -o '"model_version":"[^"]*1\.2\.0"' | wc -l)" -eq 4 ] ||
  fail "the device list does not show 1.2.0 on all 4: $(curl -s "$API/api/devices")"
echo "   ok ($(head -1 "$TMP/status2.out"))"

step "the fleet stops cleanly"
kill -TERM "$FLEET_PID"
wait "$FLEET_PID" || fail "fleet exited non-zero after SIGTERM: $(tail -5 "$TMP/fleet.out")"
FLEET_PID=
grep -q "4/4 de-registered" "$TMP/fleet.out" || fail "fleet did not de-register all: $(tail -5 "$TMP/fleet.out")"
echo "rollout smoke: all passed"
