# Helpers the CLI smoke tests share; source it: . "$(dirname "$0")/smoke_helpers.sh"
#   fail MSG...             print FAIL: MSG on stderr and exit 1
#   step MSG...             print a step heading
#   expect_fail WHAT PATTERN CMD...
#                           CMD must exit non-zero and say something matching
#                           PATTERN (grep -iE, stdout or stderr)
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
expect_fail() {
  local what=$1 pattern=$2
  shift 2
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  [ "$rc" -ne 0 ] || fail "$what: exited 0; output: $out"
  grep -qiE -- "$pattern" <<<"$out" || fail "$what: no message matching '$pattern'; got: $out"
  echo "   ok ($what: exit $rc)"
}
