#!/usr/bin/env bash
# Checks the tree's shape against DESIGN.md and docs/architecture.md:
#   1. dependency arrows: every `#include "part/..."` and every CMake link
#      line (target_link_libraries, LIBS of lwcl_add_test/fuzzer/benchmark)
#      points only where DESIGN.md's table lets that part point. Tests,
#      fuzzers and benchmarks follow their part's rule too, plus what the
#      "Dependency exceptions" table of docs/architecture.md names for them.
#      test_support headers count as what they themselves include, and
#      production code may not include them at all.
#   2. sizes: no C++ source file over 600 lines and no function over 120
#      lines outside tests/, fuzz/ and bench/ (universal-ctags finds the
#      functions), except files the "Size exceptions" table names.
# Prints every violation as "file:line: what" and exits 1 if there is any.
#
#   scripts/check-structure.sh          check the tree
#   scripts/check-structure.sh --list   also print the allowed arrows
set -uo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  ""|--list) ;;
  *) echo "check-structure: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac
command -v ctags >/dev/null || { echo "check-structure: universal-ctags is missing (scripts/bootstrap.sh installs it)" >&2; exit 2; }

readonly MAX_FILE_LINES=600
readonly MAX_FUNCTION_LINES=120
parts="tinyml lwm2m client device server store train firmware apps"

# DESIGN.md's "may use", closed over the arrows (device uses client, whose
# interface is lwm2m's types, so device may name lwm2m too).
declare -A allowed=(
  [tinyml]=""
  [lwm2m]=""
  [client]="lwm2m"
  [device]="tinyml client lwm2m"
  [server]="lwm2m train tinyml store"
  [store]=""
  [train]="tinyml"
  [firmware]="tinyml"
  [apps]="tinyml lwm2m client device server store train"
)

# "| `device/tests` | `train`, `server` | why |" rows of the exceptions table.
declare -A test_extra=()
while IFS='|' read -r _ who what _; do
  who=$(echo "$who" | tr -d '` ')
  what=$(echo "$what" | tr -d '`,' | xargs)
  [[ "$who" == */tests ]] && test_extra[${who%/tests}]="$what"
done < <(sed -n '/^## Dependency exceptions/,/^## /p' docs/architecture.md | grep '^| `')

declare -A size_exception=()
while IFS='|' read -r _ file _; do
  file=$(echo "$file" | tr -d '` ')
  [ -n "$file" ] && size_exception[$file]=1
done < <(sed -n '/^## Size exceptions/,/^## /p' docs/architecture.md | grep '^| `')

violations=0
fail() { echo "$1"; violations=$((violations + 1)); }

# Is `to` a part `from` may use? kind is "prod" or "test".
may_use() {
  local from=$1 to=$2 kind=$3
  [ "$from" = "$to" ] && return 0
  [[ " ${allowed[$from]} " == *" $to "* ]] && return 0
  [ "$kind" = test ] && [[ " ${test_extra[$from]:-} " == *" $to "* ]] && return 0
  return 1
}

# The parts a test_support header reaches through its own includes.
declare -A support_parts=()
for h in test_support/*.h; do
  support_parts[$(basename "$h")]=$(grep -ohE '^#include "[a-z0-9_]+/' "$h" | sed -E 's/#include "//; s/\///' | sort -u | xargs)
done

# 1a. includes
for part in $parts; do
  [ -d "$part" ] || continue
  while IFS= read -r file; do
    kind=prod
    [[ "$file" =~ /(tests|fuzz|bench)/ ]] && kind=test
    while IFS=: read -r line inc; do
      target=${inc%%/*}
      if [[ "$inc" != */* ]]; then
        [ -n "${support_parts[$inc]+x}" ] || continue  # a header of the part's own
        if [ "$kind" = prod ]; then
          fail "$file:$line: production code includes test_support's $inc"
          continue
        fi
        for t in ${support_parts[$inc]}; do
          may_use "$part" "$t" test || fail "$file:$line: $part tests may not use $t (through test_support/$inc)"
        done
        continue
      fi
      [[ " $parts " == *" $target "* ]] || continue  # a library's own folder (gtest/, coap3/ ...)
      may_use "$part" "$target" "$kind" || fail "$file:$line: $part ($kind) may not include $inc"
    done < <(grep -nE '^\s*#\s*include "' "$file" | sed -E 's/^([0-9]+):\s*#\s*include "([^"]+)".*/\1:\2/')
  done < <(find "$part" -name '*.cc' -o -name '*.h' -o -name '*.cpp' | sort)
done

# 1b. CMake link lines
lib_part() {
  case $1 in
    tinyml) echo tinyml ;;
    lwcl_lwm2m|lwcl_lwm2m_objects) echo lwm2m ;;
    lwcl_client) echo client ;; lwcl_device) echo device ;; lwcl_server) echo server ;;
    lwcl_store) echo store ;; lwcl_train) echo train ;;
    *) echo "" ;;
  esac
}
for part in $parts; do
  cm="$part/CMakeLists.txt"
  [ -f "$cm" ] || continue
  # One command per line: join continuation lines up to the closing paren.
  while IFS= read -r cmd; do
    name=$(echo "$cmd" | sed -E 's/^[a-z_]+\(\s*([^ )]+).*/\1/')
    kind=test
    if [[ "$cmd" == target_link_libraries* ]] && [ "$(lib_part "$name")" = "$part" ]; then kind=prod; fi
    [ "$part" = apps ] && kind=prod
    libs=$cmd
    [[ "$cmd" == lwcl_add_* ]] && libs=$(echo "$cmd" | sed -nE 's/.*LIBS(.*)\)\s*$/\1/p')
    for lib in $libs; do
      lib=${lib%)}
      t=$(lib_part "$lib")
      [ -n "$t" ] || continue
      [ "$lib" = "$name" ] && continue
      may_use "$part" "$t" "$kind" || fail "$cm: $name ($kind) may not link $lib"
    done
  done < <(awk '
    /^[ \t]*(target_link_libraries|lwcl_add_test|lwcl_add_fuzzer|lwcl_add_benchmark)\(/ { cmd = ""; open = 1 }
    open { sub(/#.*/, ""); cmd = cmd " " $0; if ($0 ~ /\)[ \t]*$/) { gsub(/^[ \t]+/, "", cmd); print cmd; open = 0 } }
  ' "$cm")
done

# 2. sizes
while IFS= read -r file; do
  [[ "$file" =~ /(tests|fuzz|bench)/ ]] && continue
  [ -n "${size_exception[$file]+x}" ] && continue
  lines=$(wc -l < "$file")
  [ "$lines" -le $MAX_FILE_LINES ] || fail "$file: $lines lines (at most $MAX_FILE_LINES)"
  while read -r fn start end; do
    len=$((end - start + 1))
    [ "$len" -le $MAX_FUNCTION_LINES ] || fail "$file:$start: $fn is $len lines (at most $MAX_FUNCTION_LINES)"
  done < <(ctags --language-force=c++ --kinds-c++=f --fields=+ne -x --_xformat='%N %n %{end}' "$file" 2>/dev/null |
           awk 'NF == 3')
done < <(git ls-files -- $(for p in $parts; do echo "$p/*.cc $p/*.h $p/*.cpp"; done) test_support | grep -E '\.(cc|h|cpp)$')

if [ "${1:-}" = --list ]; then
  for p in $parts; do echo "$p may use: ${allowed[$p]:-nothing}${test_extra[$p]:+; its tests also: ${test_extra[$p]}}"; done
fi
if [ $violations -gt 0 ]; then
  echo "check-structure: $violations violation(s)"
  exit 1
fi
echo "check-structure: arrows, file sizes and function sizes hold"
