#!/usr/bin/env bash
# CLI smoke test for `lwcl simulate`: the dataset it writes has one CSV class
# folder per pattern that `lwcl train` reads and learns; the same seed gives
# the same files; drift and bad flags behave. Usage: simulate_smoke.sh LWCL_BINARY
set -u
LWCL=${1:?usage: simulate_smoke.sh LWCL_BINARY}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. "$(dirname "$0")/smoke_helpers.sh"

step "simulate"
"$LWCL" simulate --out "$TMP/a" --seconds-per-pattern 6 --recordings 4 --seed 5 >"$TMP/a.out" 2>&1 ||
  fail "simulate failed: $(cat "$TMP/a.out")"
for p in idle updown wave circle shake; do
  n=$(ls "$TMP/a/$p"/*_26Hz_g.csv 2>/dev/null | wc -l)
  [ "$n" -eq 4 ] || fail "$p: $n recordings, want 4"
done
f=$(ls "$TMP/a/wave"/*.csv | head -1)
[ "$(head -1 "$f")" = "x,y,z" ] || fail "$f has no x,y,z header"
rows=$(($(wc -l <"$f") - 1))
[ "$rows" -ge 80 ] && [ "$rows" -le 210 ] || fail "$f: $rows rows for ~6 s at 26 Hz"

step "same seed, same files; other seed, other files"
"$LWCL" simulate --out "$TMP/b" --seconds-per-pattern 6 --recordings 4 --seed 5 >/dev/null 2>&1 || fail "second simulate failed"
diff -r "$TMP/a" "$TMP/b" >/dev/null || fail "same seed gave different files"
"$LWCL" simulate --out "$TMP/c" --seconds-per-pattern 6 --recordings 4 --seed 6 >/dev/null 2>&1 || fail "third simulate failed"
diff -r "$TMP/a" "$TMP/c" >/dev/null && fail "another seed gave the same files"

step "train on it"
"$LWCL" -q train "$TMP/a" --epochs 60 --patience 15 >"$TMP/train.out" 2>&1 || fail "train failed: $(cat "$TMP/train.out")"
grep -qiE "accuracy" "$TMP/train.out" || fail "train printed no accuracy: $(cat "$TMP/train.out")"

step "drift and unseen patterns"
"$LWCL" simulate --out "$TMP/d" --seconds-per-pattern 5 --recordings 2 --rate 62.5 \
  --drift "bias:x=0.2@10,pattern:name=figure8:share=0.5@0" >"$TMP/d.out" 2>&1 || fail "simulate with drift failed: $(cat "$TMP/d.out")"
ls "$TMP/d/figure8"/*_62.5Hz_g.csv >/dev/null 2>&1 || fail "no figure8 recordings at 62.5 Hz: $(ls -R "$TMP/d")"

step "--clips: short mirrored strokes"
"$LWCL" simulate --out "$TMP/clips" --clips --patterns left,right --recordings 3 >"$TMP/clips.out" 2>&1 || fail "simulate --clips failed: $(cat "$TMP/clips.out")"
for f in "$TMP/clips"/left/*.csv "$TMP/clips"/right/*.csv; do
  lines=$(($(wc -l <"$f") - 1))
  [ "$lines" -ge 13 ] && [ "$lines" -le 52 ] || fail "$f holds $lines samples, not 0.5-2 s at 26 Hz"
done
[ "$(ls "$TMP/clips/left" | wc -l)" -eq 3 ] || fail "--clips wrote $(ls "$TMP/clips/left" | wc -l) left clips, not 3"

step "--force"
expect_fail "simulate into a non-empty folder" "not empty" "$LWCL" simulate --out "$TMP/a"
"$LWCL" simulate --out "$TMP/a" --force --seconds-per-pattern 5 --recordings 1 --patterns idle,shake >/dev/null 2>&1 || fail "--force failed"
[ ! -d "$TMP/a/wave" ] && [ -d "$TMP/a/shake" ] || fail "--force did not replace the class folders"
touch "$TMP/a/README"
expect_fail "--force next to other files" "refusing" "$LWCL" simulate --out "$TMP/a" --force

step "errors and help"
"$LWCL" simulate --help | grep -q "Examples" || fail "--help has no examples"
expect_fail "simulate without --out" "out" "$LWCL" simulate
expect_fail "unknown pattern" "unknown pattern 'jump'" "$LWCL" simulate --out "$TMP/e" --patterns idle,jump
expect_fail "bad drift spec" "unknown injector 'wobble'" "$LWCL" simulate --out "$TMP/e" --drift wobble:x=1@0
expect_fail "drift without a time" "start time" "$LWCL" simulate --out "$TMP/e" --drift bias:x=1
expect_fail "unknown flag" "bogus" "$LWCL" simulate --out "$TMP/e" --bogus
expect_fail "too short recordings" "seconds-per-pattern" "$LWCL" simulate --out "$TMP/e" --seconds-per-pattern 1

echo "PASS: lwcl simulate smoke test"
