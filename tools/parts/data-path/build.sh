#!/usr/bin/env bash
# Builds the local data path the integration, migration and local-cluster tests run on, every
# part from a package registry through its ordinary client, each cached under
# ~/.cache/nightscout-stack/ by version:
#
#   PostgreSQL 15             Debian's apt (postgresql-15); 16 and 17 are not in Debian 12
#   FerretDB v1.24.2          Go module github.com/FerretDB/FerretDB, --handler=postgresql: the
#                             MongoDB wire protocol on plain PostgreSQL (JSONB tables)
#   json_exporter v0.7.0      Go module github.com/prometheus-community/json_exporter, what
#                             monitoring deploys to read Nightscout's newest entry
#
# What the program deploys is FerretDB v2 on PostgreSQL 17 with DocumentDB. No registry serves
# DocumentDB (a C extension), and FerretDB v2 cannot run without it, so neither is built here;
# docs/data-path.md lists what is therefore no longer verified live.
#
# json_exporter builds from a wrapper module of the project's own (`go mod init`, a tools.go
# import, `go get <module>@<version>`, `go build <package>`): the module is used exactly as the
# proxy serves it, verified by go.sum and the checksum database.
#
# FerretDB v1 cannot build that way (measured here): its build/version package embeds
# version.txt, a file FerretDB's own release build generates (`task gen-version`, from
# `git describe`) and the published module lacks, and version.go panics without it ("Invalid
# build/version/version.txt file content") whenever the main package's module is FerretDB. In a
# wrapper module it still is (`go version -m` names github.com/FerretDB/FerretDB as `mod`), so
# the wrapper's binary panics at start. `go build -overlay` cannot supply the file either ("Files
# beneath GOMODCACHE must not be replaced"). So the build copies the module, exactly as
# `go mod download` fetched and verified it (its h1: hash is recorded), writes that one file,
# "v1.24.2", into the copy, checks that the copy differs from the module in nothing else
# (`diff -r`), and builds it with its own go.mod and go.sum. This is not a patch of upstream
# code: no file of the module changes; the one added file is the version string FerretDB's own
# build writes, and the binary then reports exactly that version.
#
#   tools/parts/data-path/build.sh          install/build what is missing, then print the env lines
#   tools/parts/data-path/build.sh --env    only print the env lines (fails if something is missing)
#
# The env lines (KEY=value, one a line, on stdout) are what tools/parts/data-path/servers.ts reads:
#   DATA_PATH_PG_BIN, FERRETDB_BIN, FERRETDB_MODULE_VERSION, JSON_EXPORTER_BIN
# Env: DATA_PATH_CACHE (default ~/.cache/nightscout-stack), PG_BIN. Go builds take the shared
# build lock ~/.cache/nightscout-stack/.build.lock (tools/parts/go-build.sh), one at a time.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/../go-build.sh
source "${here}/../go-build.sh"
log_tag="data-path build"

cache="${DATA_PATH_CACHE:-${HOME}/.cache/nightscout-stack}"
pg_major=15
pg_bin="${PG_BIN:-/usr/lib/postgresql/${pg_major}/bin}"

FERRETDB_MODULE=github.com/FerretDB/FerretDB
FERRETDB_VERSION=v1.24.2
# The tag of DEFAULT_GLUCOSE_EXPORTER_IMAGE (domain/platform.ts); a test holds them equal.
JSON_EXPORTER_MODULE=github.com/prometheus-community/json_exporter
JSON_EXPORTER_VERSION=v0.7.0

ferretdb_dir="${cache}/ferretdb-${FERRETDB_VERSION}"
ferretdb_bin="${ferretdb_dir}/bin/ferretdb"
json_exporter_dir="${cache}/json-exporter-${JSON_EXPORTER_VERSION}"
json_exporter_bin="${json_exporter_dir}/bin/json_exporter"

mode=build
case "${1:-}" in
  --env) mode=env ;;
  "") ;;
  *)
    echo "usage: $0 [--env]" >&2
    exit 2
    ;;
esac

die() {
  log "$*"
  exit 1
}

print_env() {
  echo "DATA_PATH_PG_BIN=${pg_bin}"
  echo "FERRETDB_BIN=${ferretdb_bin}"
  # The version the binary reports (checked at build time), with the module's recorded hash.
  echo "FERRETDB_MODULE_VERSION=$(awk '{ print $2 }' "${ferretdb_bin}.module")"
  echo "JSON_EXPORTER_BIN=${json_exporter_bin}"
}

# The binary is there, names its version in .stamp, and (FerretDB) runs.
ferretdb_fresh() {
  fresh "$ferretdb_bin" "$FERRETDB_VERSION" && [[ -s "${ferretdb_bin}.module" ]] &&
    "$ferretdb_bin" --version >/dev/null 2>&1
}
json_exporter_fresh() { fresh "$json_exporter_bin" "$JSON_EXPORTER_VERSION"; }
postgres_ready() {
  [[ -x "${pg_bin}/initdb" && -x "${pg_bin}/pg_ctl" && -x "${pg_bin}/psql" ]] &&
    command -v ps >/dev/null && command -v script >/dev/null &&
    { [[ "$(id -u)" -ne 0 ]] || id -u postgres >/dev/null 2>&1; }
}

if [[ "$mode" == env ]]; then
  postgres_ready || die "PostgreSQL ${pg_major} is not installed in ${pg_bin} (run tools/parts/data-path/build.sh)"
  ferretdb_fresh || die "not built: ${ferretdb_bin} (run tools/parts/data-path/build.sh)"
  json_exporter_fresh || die "not built: ${json_exporter_bin} (run tools/parts/data-path/build.sh)"
  print_env
  exit 0
fi

install_packages() {
  # procps: ps, for the reaper and the outage tests; util-linux: script, for the migration's
  # terminal test.
  local wanted=("postgresql-${pg_major}" procps util-linux) missing=() p
  local sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo -n)
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "apt: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}" >&2
  fi
  if [[ "$(id -u)" -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
    # PostgreSQL refuses to run as root; the harness runs it as this user.
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

# wrapper_build <dir> <module> <version> <package> <binary> [go build flags...]
wrapper_build() {
  local dir=$1 module=$2 version=$3 package=$4 bin=$5
  shift 5
  local src="${dir}/src"
  rm -rf "$src"
  mkdir -p "$src" "$(dirname "$bin")"
  (
    cd "$src"
    go mod init "local/$(basename "$dir")-build" >/dev/null 2>&1
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" >tools.go
    go get "${module}@${version}"
    go build -trimpath "$@" -o "${bin}.tmp" "$package"
  )
  # The module the binary was really built from, with its go.sum hash.
  local dep
  dep="$(go version -m "${bin}.tmp" |
    awk -v m="$module" '($1 == "mod" || $1 == "dep") && $2 == m { print $3 " " $4; exit }')"
  [[ "${dep%% *}" == "$version" ]] ||
    die "${bin}.tmp was built from ${module} '${dep%% *}', not ${version}"
  mv -f "${bin}.tmp" "$bin"
  echo "${module} ${dep}" >"${bin}.module"
  echo "$version" >"${bin}.stamp"
  rm -rf "$src"
}

# The module copy plus version.txt (see the header for why).
build_ferretdb() {
  local json moddir sum src="${ferretdb_dir}/src" said
  json="$(go mod download -json "${FERRETDB_MODULE}@${FERRETDB_VERSION}")"
  moddir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")"
  sum="$(sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p' <<<"$json")"
  [[ -f "${moddir}/go.mod" && -f "${moddir}/build/version/version.go" && -n "$sum" ]] ||
    die "go mod download ${FERRETDB_MODULE}@${FERRETDB_VERSION} gave no usable module"
  rm -rf "$src"
  mkdir -p "$(dirname "$ferretdb_bin")"
  cp -R "$moddir" "$src"
  chmod -R u+w "$src" # the module cache is read-only
  echo "$FERRETDB_VERSION" >"${src}/build/version/version.txt"
  local differs
  differs="$(diff -r "$moddir" "$src" || true)"
  [[ "$differs" == "Only in ${src}/build/version: version.txt" ]] ||
    die "the copy of ${moddir} differs in more than version.txt: ${differs}"
  # Its own go.mod and go.sum, unchanged (-mod=readonly); -buildvcs=false: no VCS checkout.
  (cd "$src" && GOFLAGS=-mod=readonly go build -buildvcs=false -trimpath -o "${ferretdb_bin}.tmp" ./cmd/ferretdb)
  said="$("${ferretdb_bin}.tmp" --version 2>&1)" ||
    die "built ${ferretdb_bin}.tmp, but --version fails: ${said}"
  grep -qx "version: ${FERRETDB_VERSION}" <<<"$said" ||
    die "built ${ferretdb_bin}.tmp, but it reports: ${said}"
  mv -f "${ferretdb_bin}.tmp" "$ferretdb_bin"
  echo "${FERRETDB_MODULE} ${FERRETDB_VERSION} ${sum}" >"${ferretdb_bin}.module"
  echo "$FERRETDB_VERSION" >"${ferretdb_bin}.stamp"
  rm -rf "$src"
}

build_json_exporter() {
  wrapper_build "$json_exporter_dir" "$JSON_EXPORTER_MODULE" "$JSON_EXPORTER_VERSION" \
    "$JSON_EXPORTER_MODULE" "$json_exporter_bin" \
    -ldflags "-X github.com/prometheus/common/version.Version=${JSON_EXPORTER_VERSION#v}"
}

postgres_ready || install_packages
postgres_ready || die "PostgreSQL ${pg_major} is still missing in ${pg_bin} after apt-get install"
if ! ferretdb_fresh || ! json_exporter_fresh; then
  # Re-runs this script under the shared lock (one Go build at a time on the machine), then
  # checks again: another run may have built it meanwhile.
  take_build_lock "$@"
  require_go
  ferretdb_fresh || timed "FerretDB ${FERRETDB_VERSION}" build_ferretdb
  json_exporter_fresh || timed "json_exporter ${JSON_EXPORTER_VERSION}" build_json_exporter
fi
print_env
