#!/usr/bin/env bash
# Smoke test for `lwcl continual`, the continual-learning benchmark: on a
# simulated dataset a drift the static model loses to is won back by head
# fine-tuning within the label budget; the JSON and HTML reports say so; the
# same seed gives the same figures; bad flags fail with a message. On
# stm32-har (when ../shared/datasets is there) a gain error is recovered.
# Usage: continual_smoke.sh LWCL_BINARY [DATASETS_DIR]
set -u
LWCL=${1:?usage: continual_smoke.sh LWCL_BINARY [DATASETS_DIR]}
DATASETS=${2:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. "$(dirname "$0")/smoke_helpers.sh"
# The values of one JSON key, in document order (the report is pretty-printed:
# one key per line).
values() { grep -o "\"$1\": [-0-9.e]*" "$2" | awk '{print $2}'; }
# holds A B EXPR: whether awk finds EXPR true with a=A and b=B.
holds() { awk -v a="$1" -v b="${2:-0}" "BEGIN { exit !($3) }"; }

step "a simulated dataset"
"$LWCL" simulate --out "$TMP/sim" --seconds-per-pattern 24 --recordings 8 --seed 4 >"$TMP/sim.out" 2>&1 ||
  fail "simulate failed: $(cat "$TMP/sim.out")"

step "rotation on the simulator: static loses, fine-tuning wins it back"
"$LWCL" continual "$TMP/sim" --drift rotate:y=90@0 --json "$TMP/a.json" --html "$TMP/a.html" >"$TMP/a.out" 2>&1 ||
  fail "continual failed: $(cat "$TMP/a.out")"
cat "$TMP/a.out"
mapfile -t after < <(values accuracy_after "$TMP/a.json")
[ "${#after[@]}" -eq 3 ] || fail "want 3 methods' accuracy_after, got ${#after[@]}"
pre=$(values pre_drift_accuracy "$TMP/a.json")
holds "$pre" 0 'a >= 0.9' || fail "pre-drift accuracy $pre on the simulator"
holds "${after[0]}" "$pre" 'a < b - 0.2' || fail "static after drift ${after[0]}: the drift should hurt (pre $pre)"
holds "${after[2]}" "${after[0]}" 'a > b + 0.2' || fail "finetune ${after[2]} did not beat static ${after[0]}"
mapfile -t labels < <(values labels_total "$TMP/a.json")
[ "${labels[0]}" -eq 0 ] && [ "${labels[1]}" -eq 0 ] || fail "static/renorm spent labels: ${labels[*]}"
[ "${labels[2]}" -gt 0 ] && [ "${labels[2]}" -le 100 ] || fail "finetune spent ${labels[2]} labels, budget 5 x 20"
mapfile -t ram < <(values learner_ram_bytes "$TMP/a.json")
holds "${ram[2]}" 0 'a > 1000 && a < 16384' || fail "finetune learner RAM ${ram[2]} B"
grep -q "<svg" "$TMP/a.html" && grep -q "polyline" "$TMP/a.html" || fail "the HTML report has no plot"

step "same seed, same figures; a smaller budget spends fewer labels"
"$LWCL" continual "$TMP/sim" --drift rotate:y=90@0 --json "$TMP/b.json" >/dev/null 2>&1 || fail "second run failed"
diff <(grep -v ms_total "$TMP/a.json" | grep -v us_per_step) <(grep -v ms_total "$TMP/b.json" | grep -v us_per_step) >/dev/null ||
  fail "the same seed gave other figures"
"$LWCL" continual "$TMP/sim" --drift rotate:y=90@0 --methods finetune --labels-per-class 4 --json "$TMP/c.json" \
  >/dev/null 2>&1 || fail "budget run failed"
[ "$(values labels_total "$TMP/c.json")" -le 20 ] || fail "budget 4 per class spent $(values labels_total "$TMP/c.json")"

step "a new pattern: left out of training, taught on the device"
"$LWCL" simulate --out "$TMP/sim6" --patterns idle,wave,shake,figure8 --seconds-per-pattern 24 --recordings 8 --seed 4 \
  >/dev/null 2>&1 || fail "simulate with figure8 failed"
"$LWCL" continual "$TMP/sim6" --new-class figure8 --drift none --json "$TMP/n.json" >"$TMP/n.out" 2>&1 ||
  fail "continual --new-class failed: $(cat "$TMP/n.out")"
cat "$TMP/n.out"
mapfile -t novel < <(values new_class_accuracy "$TMP/n.json")
[ "${#novel[@]}" -eq 3 ] || fail "want 3 methods' new_class_accuracy, got ${#novel[@]}"
holds "${novel[0]}" 0 'a == 0' || fail "static recognised a pattern it never saw: ${novel[0]}"
holds "${novel[2]}" 0 'a >= 0.5' || fail "finetune learned the taught pattern to ${novel[2]} only"
mapfile -t old < <(values old_classes_accuracy "$TMP/n.json")
holds "${old[2]}" 0 'a >= 0.85' || fail "finetune lost the old classes: ${old[2]}"
expect_fail "unknown new class" "not a class" "$LWCL" continual "$TMP/sim6" --new-class tap --drift none

step "bad flags"
expect_fail "no drift" "drift.*required" "$LWCL" continual "$TMP/sim"
expect_fail "bad drift" "gain" "$LWCL" continual "$TMP/sim" --drift gain:all=abc@0
expect_fail "pattern on recordings" "simulator" "$LWCL" continual "$TMP/sim" --drift pattern:name=tap@0
expect_fail "unknown method" "static, renorm or finetune" "$LWCL" continual "$TMP/sim" --drift gain:all=2@0 --methods magic
expect_fail "missing folder" "not exist|directory" "$LWCL" continual "$TMP/none" --drift gain:all=2@0
expect_fail "no match" "no labelled recording" "$LWCL" continual "$TMP/sim" --drift gain:all=2@0 --stream-match zzz

if [ -z "$DATASETS" ] || [ ! -d "$DATASETS/stm32-har" ]; then
  echo "SKIP: stm32-har part: ../shared/datasets/stm32-har is not there (CI always has it)"
  echo "PASS (simulator part only)"
  exit 0
fi
step "stm32-har: a gain error; fine-tuning keeps >= 95 % of the pre-drift accuracy"
"$LWCL" continual "$DATASETS/stm32-har" --drift gain:all=0.5@0 --json "$TMP/h.json" >"$TMP/h.out" 2>&1 ||
  fail "continual on stm32-har failed: $(cat "$TMP/h.out")"
cat "$TMP/h.out"
mapfile -t rec < <(values recovery "$TMP/h.json")
holds "${rec[0]}" 0 'a < 0.9' || fail "static recovery ${rec[0]}: a gain of 0.5 should hurt"
holds "${rec[2]}" 0 'a >= 0.95' || fail "finetune recovery ${rec[2]} < 0.95"
echo "PASS"
