#!/usr/bin/env bash
# Installs the Debian packages LwCL needs (scripts/debian-packages.txt) that
# are not installed yet, then builds the web dashboard (npm ci, npm run build
# -> web/dist) when it is missing or stale. Idempotent and silent when
# everything is present, so `make demo` and `make test` can call it every time.
#
#   scripts/bootstrap.sh            install what is missing
#   scripts/bootstrap.sh --check    list what is missing, exit 1 if anything is
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list="$here/debian-packages.txt"

case "${1:-}" in
  -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  ""|--check) ;;
  *) echo "bootstrap: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

# The dashboard: npm ci when web/node_modules is missing or older than the
# lock file, then npm run build (web/dist, which `lwcl server --web` serves)
# when a source is newer than the last build. Needs node and npm.
build_web() {
  local web
  web=$(cd "$here/../web" && pwd) || return 0
  [ -f "$web/package.json" ] || return 0
  command -v npm >/dev/null || { echo "bootstrap: npm is missing: cannot build web/" >&2; return 1; }
  if [ ! -d "$web/node_modules" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
    echo "bootstrap: npm ci in web/"
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || return 1
  fi
  if [ ! -f "$web/dist/index.html" ] ||
     [ -n "$(cd "$web" && find index.html vite.config.ts tsconfig.json package-lock.json src ../lwm2m/objects \
              -newer dist/index.html 2>/dev/null | head -1)" ]; then
    echo "bootstrap: building the dashboard (web/dist)"
    (cd "$web" && npm run build --silent >/dev/null) || return 1
  fi
}

mapfile -t wanted < <(grep -v '^\s*#' "$list" | sed 's/\s.*//' | grep -v '^$')
# Virtual packages count when an installed package provides them (NodeSource's
# nodejs provides npm and conflicts with Debian's npm).
provided=" $(dpkg-query -W -f='${db:Status-Status} ${Provides}\n' 2>/dev/null | sed -n 's/^installed //p' |
             tr ',' '\n' | sed 's/(.*)//; s/^ *//; s/ *$//' | tr '\n' ' ') "
missing=()
for p in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || [[ "$provided" == *" $p "* ]] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  [ "${1:-}" = "--check" ] && exit 0
  build_web
  exit
fi

if [ "${1:-}" = "--check" ]; then
  printf 'missing: %s\n' "${missing[@]}"; exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "bootstrap: installing ${#missing[@]} Debian package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
build_web
echo "bootstrap: done"
