#!/usr/bin/env bash
# Browser tests of the dashboard against a real system: builds web/ when
# needed, trains a tiny model package, makes a fleet key, starts `lwcl
# server` (temp data dir, free ports on 127.0.0.1, --web web/dist,
# --fleet-key) and a fleet of 2 devices (`lwcl fleet`), waits until they
# are registered, runs web/tests/*.test.mjs
# with node's test runner (playwright-core driving Debian's chromium,
# headless), and stops everything it started. Exit status: the tests'.
#
#   web/tests/run.sh [LWCL_BINARY]       (or LWCL_BIN=...; default: the
#                                          newest build*/bin/lwcl)
# Environment: CHROMIUM (browser path, default /usr/bin/chromium),
# LWCL_WEB_OUT (screenshots, default web/tests/out/), LWCL_WEB_KEEP=1 keeps
# the temp dir (logs, database) for a look afterwards.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
web=$(cd "$here/.." && pwd)
repo=$(cd "$web/.." && pwd)

LWCL=${1:-${LWCL_BIN:-}}
if [ -z "$LWCL" ]; then
  LWCL=$(ls -t "$repo"/build*/bin/lwcl 2>/dev/null | head -1)
fi
[ -n "$LWCL" ] && [ -x "$LWCL" ] || { echo "web tests: no lwcl binary (give its path as \$1 or LWCL_BIN)" >&2; exit 2; }
LWCL=$(cd "$(dirname "$LWCL")" && pwd)/$(basename "$LWCL")
DEVICES=2

TMP=$(mktemp -d /tmp/lwcl-web.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  if [ "${LWCL_WEB_KEEP:-0}" = 1 ]; then echo "web tests: kept $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "web tests: FAIL: $*" >&2
  for f in "$TMP"/server.log "$TMP"/fleet.log; do
    [ -s "$f" ] && { echo "--- $(basename "$f") (last 30 lines)" >&2; tail -30 "$f" >&2; }
  done
  exit 1
}

# ---- the dashboard --------------------------------------------------------
command -v node >/dev/null || fail "node is missing (scripts/bootstrap.sh installs it)"
cd "$web" || exit 1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >"$TMP/npm.log" 2>&1 || { cat "$TMP/npm.log" >&2; fail "npm ci"; }
fi
newest_src=$(find index.html vite.config.ts tsconfig.json package-lock.json src ../lwm2m/objects -newer dist/index.html 2>/dev/null | head -1)
if [ ! -f dist/index.html ] || [ -n "$newest_src" ]; then
  npm run build >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; fail "npm run build"; }
fi

# ---- a model package --------------------------------------------------------
# From the fleet's own motion simulator when there is `lwcl simulate` (the
# devices then detect the patterns it was trained on); else two classes of
# synthetic CSV (a 3 Hz swing and stillness, 26 Hz, in mg).
if "$LWCL" simulate --help 2>/dev/null | grep -q -- "--seconds-per-pattern"; then
  "$LWCL" simulate --out "$TMP/data" --patterns idle,wave,shake --seconds-per-pattern 6 --recordings 4 --seed 1 \
    >"$TMP/simulate.log" 2>&1 || { cat "$TMP/simulate.log" >&2; fail "lwcl simulate"; }
else
  mkdir -p "$TMP/data/swing" "$TMP/data/still"
  for k in 1 2 3 4 5; do
    awk -v seed="$k" 'BEGIN { srand(seed); pi = 3.14159265; print "x,y,z"
      for (i = 0; i < 130; i++) { t = i / 26
        printf "%.1f,%.1f,%.1f\n", 600 * sin(2 * pi * 3 * t + seed) + (rand() - 0.5) * 40,
               300 * cos(2 * pi * 3 * t + seed) + (rand() - 0.5) * 40, 1000 + (rand() - 0.5) * 40 } }' \
      >"$TMP/data/swing/rec${k}_26Hz_mg.csv"
    awk -v seed="$k" 'BEGIN { srand(100 + seed); print "x,y,z"
      for (i = 0; i < 130; i++)
        printf "%.1f,%.1f,%.1f\n", (rand() - 0.5) * 60, (rand() - 0.5) * 60, 1000 + (rand() - 0.5) * 60 }' \
      >"$TMP/data/still/rec${k}_26Hz_mg.csv"
  done
fi
MODEL="$TMP/model.lwpkg"
"$LWCL" -q train "$TMP/data" --seed 1 --epochs 30 --patience 10 --out "$MODEL" >"$TMP/train.log" 2>&1 ||
  { cat "$TMP/train.log" >&2; fail "lwcl train"; }

# ---- server ---------------------------------------------------------------------
# With a token, so the dashboard's token handling is part of what is tested
# (the tests hand it over in the URL fragment), and a fleet key, so the model
# registry takes packages signed with it (models_rollout.test.mjs signs its
# own with LWCL_WEB_FLEET_KEY and runs its own devices with the .pub).
export LWCL_WEB_TOKEN="web-test-$RANDOM$RANDOM"
export LWCL_WEB_FLEET_KEY="$TMP/fleet.key"
"$LWCL" keygen --out "$LWCL_WEB_FLEET_KEY" >"$TMP/keygen.log" 2>&1 || { cat "$TMP/keygen.log" >&2; fail "lwcl keygen"; }
"$LWCL" server --address 127.0.0.1 --coap-port 0 --dtls-port -1 --http-port 0 --data "$TMP/server" \
  --token "$LWCL_WEB_TOKEN" --fleet-key "$LWCL_WEB_FLEET_KEY.pub" --web "$web/dist" >"$TMP/server.log" 2>&1 &
pids+=($!)
line=""
for _ in $(seq 100); do
  line=$(grep -m1 '^lwcl server:' "$TMP/server.log" 2>/dev/null) && break
  kill -0 "${pids[0]}" 2>/dev/null || fail "lwcl server exited"
  sleep 0.1
done
[ -n "$line" ] || fail "lwcl server did not start"
COAP=$(sed -E 's/.*coap:\/\/([0-9.]+:[0-9]+).*/\1/' <<<"$line")
HTTP=$(sed -E 's/.*http:\/\/([0-9.]+:[0-9]+).*/\1/' <<<"$line")
export LWCL_WEB_URL="http://$HTTP/"
# For tests that run their own `lwcl` (devices of their own): the binary,
# the server's CoAP address and a scratch directory removed afterwards.
export LWCL_BIN="$LWCL" LWCL_WEB_COAP="$COAP" LWCL_WEB_TMP="$TMP"
echo "web tests: server coap://$COAP, dashboard $LWCL_WEB_URL"

# ---- devices ------------------------------------------------------------------------
# (CLI11 answers --help with the main help for an unknown command: look for
# the fleet's own flag.)
if "$LWCL" fleet --help 2>/dev/null | grep -q -- "--devices"; then
  "$LWCL" fleet --devices "$DEVICES" --server "coap://$COAP" --model "$MODEL" --prefix lwcl-web- \
    >"$TMP/fleet.log" 2>&1 &
  pids+=($!)
else
  fail "$LWCL has no 'fleet' command"
fi

export LWCL_WEB_DEVICES=$DEVICES
node -e '
  const want = Number(process.env.LWCL_WEB_DEVICES), end = Date.now() + 60000;
  (async () => {
    while (Date.now() < end) {
      try {
        const d = await (await fetch(process.env.LWCL_WEB_URL + "api/devices")).json();
        if (d.filter((x) => x.registered).length >= want) process.exit(0);
      } catch {}
      await new Promise((r) => setTimeout(r, 250));
    }
    process.exit(1);
  })();' || fail "the $DEVICES devices did not register within 60 s"
echo "web tests: $DEVICES devices registered"

# ---- tests --------------------------------------------------------------------------
export LWCL_WEB_OUT=${LWCL_WEB_OUT:-$here/out/}
# One file at a time (2 browsers and a fleet on 2 cores skew the timing);
# Node 18's runner has no --test-concurrency flag.
conc=$(node -e 'const [a, b] = process.versions.node.split(".").map(Number); console.log(a > 20 || (a === 20 && b >= 10) ? "--test-concurrency=1" : "")')
node --test $conc "$here"/*.test.mjs
rc=$?
[ $rc -eq 0 ] || fail "browser tests (exit $rc)"
echo "web tests: passed (screenshots in $LWCL_WEB_OUT)"
