#!/usr/bin/env bash
# CLI smoke test for `lwcl`: keygen -> train (signed, with HTML report) ->
# inspect (signature valid; one flipped byte refused) -> classify, plus the
# errors a user meets first. Needs no dataset: it writes a tiny one itself
# (2 classes, sine vs noise at 26 Hz in mg). Usage: cli_smoke.sh LWCL_BINARY
set -u
LWCL=${1:?usage: cli_smoke.sh LWCL_BINARY}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. "$(dirname "$0")/smoke_helpers.sh"

# sine_csv SEED SAMPLES RATE: x/y a 3 Hz swing, z gravity, in mg.
sine_csv() {
  awk -v seed="$1" -v n="$2" -v rate="$3" 'BEGIN {
    srand(seed); pi = 3.14159265; print "x,y,z"
    for (i = 0; i < n; i++) {
      t = i / rate
      printf "%.1f,%.1f,%.1f\n", 600 * sin(2 * pi * 3 * t + seed) + (rand() - 0.5) * 40,
             300 * cos(2 * pi * 3 * t + seed) + (rand() - 0.5) * 40, 1000 + (rand() - 0.5) * 40
    }
  }'
}
# noise_csv SEED SAMPLES: white noise around gravity, in mg.
noise_csv() {
  awk -v seed="$1" -v n="$2" 'BEGIN {
    srand(100 + seed); print "x,y,z"
    for (i = 0; i < n; i++)
      printf "%.1f,%.1f,%.1f\n", (rand() - 0.5) * 600, (rand() - 0.5) * 600, 1000 + (rand() - 0.5) * 600
  }'
}

step "synthetic dataset"
DATA="$TMP/data"
mkdir -p "$DATA/sine" "$DATA/noise"
for k in 1 2 3 4 5; do
  sine_csv "$k" 130 26 >"$DATA/sine/rec${k}_26Hz_mg.csv"
  noise_csv "$k" 130 >"$DATA/noise/rec${k}_26Hz_mg.csv"
done
sine_csv 9 200 26 >"$TMP/unseen_sine_26Hz_mg.csv"
sine_csv 3 200 50 >"$TMP/fast_50Hz_mg.csv"

step "keygen"
KEY="$TMP/fleet.key"
"$LWCL" keygen --out "$KEY" || fail "keygen failed"
[ -s "$KEY" ] && [ -s "$KEY.pub" ] || fail "keygen did not write $KEY and $KEY.pub"
[ "$(stat -c %a "$KEY")" = 600 ] || fail "private key mode is $(stat -c %a "$KEY"), want 600"
grep -q "BEGIN PRIVATE KEY" "$KEY" || fail "private key is not PEM"
grep -q "BEGIN PUBLIC KEY" "$KEY.pub" || fail "public key is not PEM"
before=$(cat "$KEY")
expect_fail "keygen over an existing key" "exists" "$LWCL" keygen --out "$KEY"
[ "$(cat "$KEY")" = "$before" ] || fail "keygen without --force changed the key"
"$LWCL" keygen --out "$KEY" --force >/dev/null || fail "keygen --force failed"
[ "$(cat "$KEY")" != "$before" ] || fail "keygen --force did not replace the key"
"$LWCL" keygen --out "$TMP/other.key" >/dev/null || fail "second keygen failed"

step "train --sign-key --html"
PKG="$TMP/m.lwpkg"
"$LWCL" -q train "$DATA" --seed 1 --epochs 40 --patience 10 --out "$PKG" --report "$TMP/r.json" \
  --html "$TMP/r.html" --sign-key "$KEY" >"$TMP/train.out" 2>&1 ||
  fail "train failed: $(cat "$TMP/train.out")"
[ -s "$PKG" ] || fail "no package written"
head -c 15 "$TMP/r.html" | grep -qi "<!doctype html>" || fail "HTML report does not start with <!doctype html>"
grep -q "<svg" "$TMP/r.html" || fail "HTML report has no chart"
! grep -qi "http" "$TMP/r.html" || fail "HTML report references something external"
grep -q "sine" "$TMP/r.html" && grep -q "noise" "$TMP/r.html" || fail "HTML report lacks the labels"
grep -q '"by_recording"' "$TMP/r.json" || fail "JSON report lacks the per-recording scores"
grep -q "per recording" "$TMP/train.out" || fail "train output lacks the per-recording accuracy: $(cat "$TMP/train.out")"

step "inspect --pubkey"
out=$("$LWCL" inspect "$PKG" --pubkey "$KEY.pub" 2>&1) || fail "inspect of a good package failed: $out"
grep -q "signature  valid" <<<"$out" || fail "inspect does not report a valid signature: $out"
expect_fail "inspect with another key" "signature" "$LWCL" inspect "$PKG" --pubkey "$TMP/other.key.pub"
size=$(stat -c %s "$PKG")
off=$((size / 2))
cp "$PKG" "$TMP/flipped.lwpkg"
byte=$(od -An -tu1 -j "$off" -N1 "$PKG" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 1)))" | dd of="$TMP/flipped.lwpkg" bs=1 seek="$off" conv=notrunc status=none
cmp -s "$PKG" "$TMP/flipped.lwpkg" && fail "byte flip did not change the file"
expect_fail "inspect of a package with one flipped byte" "refused|signature|digest" \
  "$LWCL" inspect "$TMP/flipped.lwpkg" --pubkey "$KEY.pub"

step "classify"
out=$("$LWCL" classify "$PKG" "$TMP/unseen_sine_26Hz_mg.csv" 2>&1) || fail "classify failed: $out"
grep -qE "^ +0\.000 +(sine|noise) " <<<"$out" || fail "classify printed no per-window predictions: $out"
grep -qE "^summary +[0-9]+ windows:.*sine" <<<"$out" || fail "classify printed no summary: $out"
json=$("$LWCL" classify "$PKG" "$TMP/unseen_sine_26Hz_mg.csv" --json) || fail "classify --json failed"
grep -q '"windows"' <<<"$json" && grep -q '"confidence"' <<<"$json" || fail "classify --json output: $json"

out=$("$LWCL" classify "$PKG" "$TMP/fast_50Hz_mg.csv" --resample 2>&1) || fail "classify --resample failed: $out"
grep -qE "^summary" <<<"$out" || fail "classify --resample printed no summary: $out"
# An Edge Impulse acquisition file (m/s2, 26 Hz as interval_ms).
awk 'BEGIN {
  pi = 3.14159265
  printf "{\"protected\":{\"ver\":\"v1\",\"alg\":\"none\"},\"signature\":\"0\",\"payload\":"
  printf "{\"interval_ms\":38.4615,\"sensors\":[{\"name\":\"accX\",\"units\":\"m/s2\"},"
  printf "{\"name\":\"accY\",\"units\":\"m/s2\"},{\"name\":\"accZ\",\"units\":\"m/s2\"}],\"values\":["
  for (i = 0; i < 120; i++) {
    t = i / 26
    printf "%s[%.3f,%.3f,9.81]", (i ? "," : ""), 5.9 * sin(2 * pi * 3 * t), 2.9 * cos(2 * pi * 3 * t)
  }
  print "]}}"
}' >"$TMP/sine.ei.json"
out=$("$LWCL" classify "$PKG" "$TMP/sine.ei.json" 2>&1) || fail "classify of an Edge Impulse file failed: $out"
grep -qE "^summary +[0-9]+ windows" <<<"$out" || fail "classify of an Edge Impulse file: $out"

step "errors"
expect_fail "train without a dataset" "DATASET_DIR|required" "$LWCL" train
expect_fail "train with an unknown flag" "bogus" "$LWCL" train "$DATA" --bogus
expect_fail "train with an unknown short-recording policy" "short-recordings" "$LWCL" train "$DATA" --short-recordings trim
expect_fail "--sign-key without --out" "out" "$LWCL" train "$DATA" --sign-key "$KEY"
expect_fail "--sign-key with a public key" "fleet.key.pub" "$LWCL" train "$DATA" --out "$TMP/x.lwpkg" --sign-key "$KEY.pub"
expect_fail "keygen without --out" "out" "$LWCL" keygen
expect_fail "classify without a recording" "RECORDING|required" "$LWCL" classify "$PKG"
expect_fail "classify a missing file" "not exist|no such" "$LWCL" classify "$PKG" "$TMP/missing.csv"
awk 'BEGIN { print "x,y"; for (i = 0; i < 100; i++) print i ",1" }' >"$TMP/two_axes_26Hz_mg.csv"
expect_fail "classify with the wrong axis count" "2 axes.*expects 3" "$LWCL" classify "$PKG" "$TMP/two_axes_26Hz_mg.csv"
expect_fail "classify at the wrong rate" "resample" "$LWCL" classify "$PKG" "$TMP/fast_50Hz_mg.csv"
printf 'x,y,z\n1,2,oops\n' >"$TMP/bad_26Hz_mg.csv"
expect_fail "classify an unreadable CSV" "bad_26Hz_mg.csv:2" "$LWCL" classify "$PKG" "$TMP/bad_26Hz_mg.csv"
expect_fail "classify with a non-package" "not a package|refused" "$LWCL" classify "$TMP/r.json" "$TMP/unseen_sine_26Hz_mg.csv"

echo "PASS: lwcl CLI smoke test"
