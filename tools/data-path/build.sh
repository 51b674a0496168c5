#!/usr/bin/env bash
# Builds the real data path the program deploys, for the integration tests and benchmarks on
# this machine, one part after the other (two cores), each cached under
# ~/.cache/nightscout-stack/ by version (and, for DocumentDB, by the patches' content):
#
#   pgvector 0.8.0            DocumentDB needs `vector`; Debian 12 does not package it
#   DocumentDB core + API     FerretDB's fork, tag v0.106.0-ferretdb-2.5.0, for PostgreSQL 15,
#                             patched for Debian's older libbson (tools/data-path/patches/)
#   FerretDB v2.5.0           the exact pair of that DocumentDB (the tests' server)
#   FerretDB v2.7.0           the version the program deploys (domain/images.ts)
#   Nightscout 15.0.7         the source with its npm dependencies installed (and its bundle built)
#   json_exporter v0.7.0      what monitoring deploys to read Nightscout's newest entry
#
# The extensions are then installed into Debian's PostgreSQL 15 from the cached trees (a copy,
# seconds). PostgreSQL 16 and 17 are not in Debian 12: the tests run 15, the cluster runs 17.
#
#   tools/data-path/build.sh          build what is missing, install the extensions, print env
#   tools/data-path/build.sh --env    only print the env lines (fails if something is missing)
#
# Sources: ../shared/vendor when present (unmodified tag archives); otherwise the upstream tags.
# Env: DATA_PATH_CACHE (default ~/.cache/nightscout-stack), PG_BIN.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
vendor="${repo}/../shared/vendor"
cache="${DATA_PATH_CACHE:-${HOME}/.cache/nightscout-stack}"
pg_major=15
pg_bin="${PG_BIN:-/usr/lib/postgresql/${pg_major}/bin}"
pg_config="${pg_bin}/pg_config"

PGVECTOR_VERSION=0.8.0
PGVECTOR_SHA256=867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0
DOCUMENTDB_TAG=v0.106.0-ferretdb-2.5.0
DOCUMENTDB_SHA256=4cf4471666f28b82bd1f85aa82e58d1bc039cf7efdea8c548f422f95750ac5fb
# What FerretDB 2.5.0 expects the extension to report (binary_extended_version).
DOCUMENTDB_GIT_REF=HEAD
DOCUMENTDB_GIT_SHA=beb9d25d98
DOCUMENTDB_BUILD_ID=0
NIGHTSCOUT_VERSION=15.0.7
NIGHTSCOUT_SHA256=8c43b8dc2bc11ec3107cc06c5e639bee441fe194efa02e87fde072cd1d803ee3
# FerretDB v2 does not build with Go 1.26 (undefined: setGOMAXPROCS); the Go module proxy serves
# the toolchains these releases were built with.
FERRETDB_PAIRED=v2.5.0
FERRETDB_PAIRED_GO=go1.24.6
FERRETDB_DEPLOYED=v2.7.0
FERRETDB_DEPLOYED_GO=go1.25.4
# The tag of DEFAULT_GLUCOSE_EXPORTER_IMAGE (domain/platform.ts); a test holds them equal.
JSON_EXPORTER_VERSION=v0.7.0

mode=build
case "${1:-}" in
  --env) mode=env ;;
  "") ;;
  *)
    echo "usage: $0 [--env]" >&2
    exit 2
    ;;
esac

log() { echo "data-path: $*" >&2; }
die() {
  log "$*"
  exit 1
}

sudo=()
[[ "$(id -u)" -eq 0 ]] || sudo=(sudo -n)

patches_sum="$(cat "${here}"/patches/*.patch | sha256sum | cut -c1-12)"
pgvector_dir="${cache}/pgvector-${PGVECTOR_VERSION}-pg${pg_major}"
documentdb_dir="${cache}/documentdb-${DOCUMENTDB_TAG#v}-pg${pg_major}-${patches_sum}"
ferretdb_dir() { echo "${cache}/ferretdb-$1"; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
nightscout_dir="${cache}/nightscout-${NIGHTSCOUT_VERSION}-node${node_major}"
json_exporter_dir="${cache}/json-exporter-${JSON_EXPORTER_VERSION}"

print_env() {
  echo "DATA_PATH_PG_BIN=${pg_bin}"
  echo "FERRETDB_PAIRED_BIN=$(ferretdb_dir "${FERRETDB_PAIRED}")/ferretdb"
  echo "FERRETDB_DEPLOYED_BIN=$(ferretdb_dir "${FERRETDB_DEPLOYED}")/ferretdb"
  echo "NIGHTSCOUT_DIR=${nightscout_dir}/app"
  echo "JSON_EXPORTER_BIN=${json_exporter_dir}/json_exporter"
}

if [[ "$mode" == env ]]; then
  for f in "${pgvector_dir}/.done" "${documentdb_dir}/.done" \
    "$(ferretdb_dir "${FERRETDB_PAIRED}")/ferretdb" "$(ferretdb_dir "${FERRETDB_DEPLOYED}")/ferretdb" \
    "${nightscout_dir}/.done" "${json_exporter_dir}/json_exporter"; do
    [[ -e "$f" ]] || die "not built: ${f} (run tools/data-path/build.sh)"
  done
  print_env
  exit 0
fi

mkdir -p "$cache"
# Two runs on a cold machine must not build into the same trees (nor fight for two cores).
exec 9>"${cache}/.data-path.lock"
flock 9

timed() {
  local what=$1 started=$SECONDS
  shift
  "$@"
  log "built ${what} in $((SECONDS - started)) s"
}

# A tag archive: the vendored copy (checked against its sha256), else the upstream download.
fetch() {
  local name=$1 sha=$2 url=$3 out=$4
  if [[ -f "${vendor}/${name}" ]]; then
    echo "${sha}  ${vendor}/${name}" | sha256sum -c --quiet - >&2 ||
      die "${vendor}/${name} does not match its sha256 ${sha}"
    cp "${vendor}/${name}" "$out"
  else
    log "no ${vendor}/${name}: downloading ${url}"
    curl -fsSL "$url" -o "$out" || die "download of ${url} failed"
  fi
}

install_packages() {
  local wanted=(postgresql-${pg_major} postgresql-server-dev-${pg_major} postgresql-contrib
    postgresql-${pg_major}-cron postgresql-${pg_major}-rum postgresql-${pg_major}-postgis-3
    libbson-dev libpcre2-dev libintelrdfpmath-dev libkrb5-dev libicu-dev
    build-essential pkg-config procps util-linux curl)
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}" >&2
  fi
  if [[ "$(id -u)" -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
    # PostgreSQL refuses to run as root; the harness runs it as this user.
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

build_pgvector() {
  local work
  work="$(mktemp -d)"
  fetch "pgvector_${PGVECTOR_VERSION}.orig.tar.gz" "$PGVECTOR_SHA256" \
    "https://github.com/pgvector/pgvector/archive/refs/tags/v${PGVECTOR_VERSION}.tar.gz" "${work}/src.tar.gz"
  tar -xzf "${work}/src.tar.gz" -C "$work" --strip-components=1
  rm -rf "${pgvector_dir}"
  # OPTFLAGS="": no -march=native, so the cache stays valid on another CPU of the same arch.
  make -C "$work" -s PG_CONFIG="$pg_config" OPTFLAGS="" -j2 >&2
  make -C "$work" -s PG_CONFIG="$pg_config" OPTFLAGS="" install DESTDIR="${pgvector_dir}/root" >&2
  rm -rf "$work"
  touch "${pgvector_dir}/.done"
}

build_documentdb() {
  local work pc
  work="$(mktemp -d)"
  if [[ -f "${vendor}/documentdb-${DOCUMENTDB_TAG}.tar.gz" ]]; then
    fetch "documentdb-${DOCUMENTDB_TAG}.tar.gz" "$DOCUMENTDB_SHA256" "" "${work}/src.tar.gz"
    mkdir "${work}/src"
    tar -xzf "${work}/src.tar.gz" -C "${work}/src"
  else
    log "no vendored DocumentDB: cloning FerretDB/documentdb ${DOCUMENTDB_TAG}"
    git -c advice.detachedHead=false clone -q --depth 1 --branch "$DOCUMENTDB_TAG" \
      https://github.com/FerretDB/documentdb "${work}/src" || die "git clone of ${DOCUMENTDB_TAG} failed"
    rm -rf "${work}/src/.git"
  fi
  for p in "${here}"/patches/documentdb-*.patch; do
    patch -s -p1 -d "${work}/src" <"$p" || die "patch ${p} does not apply to ${DOCUMENTDB_TAG}"
  done
  # Debian ships Intel's decimal library as a static archive without a pkg-config file.
  pc="${work}/pkgconfig"
  mkdir -p "$pc"
  cat >"${pc}/intelmathlib.pc" <<'EOF'
Name: intelmathlib
Description: Intel decimal floating-point math library (Debian libintelrdfpmath-dev)
Version: 2.0
Cflags: -I/usr/include
Libs: -l:libbidgcc000.a
EOF
  rm -rf "${documentdb_dir}"
  for ext in pg_documentdb_core pg_documentdb; do
    PKG_CONFIG_PATH="$pc" DOCUMENTDB_GIT_REF="$DOCUMENTDB_GIT_REF" DOCUMENTDB_GIT_SHA="$DOCUMENTDB_GIT_SHA" \
      DOCUMENTDB_BUILD_ID="$DOCUMENTDB_BUILD_ID" make -C "${work}/src/${ext}" -s PG_CONFIG="$pg_config" -j2 >&2
    PKG_CONFIG_PATH="$pc" make -C "${work}/src/${ext}" -s PG_CONFIG="$pg_config" install \
      DESTDIR="${documentdb_dir}/root" >&2
  done
  rm -rf "$work"
  touch "${documentdb_dir}/.done"
}

# Installs a cached tree into PostgreSQL's library and extension directories. Only files that
# differ are written, each through a rename: a server running on the old library keeps its
# mapping instead of crashing on a file rewritten under it.
install_tree() {
  local root="$1/root" rel
  while IFS= read -r -d '' rel; do
    rel="${rel#"$root"}"
    cmp -s "${root}${rel}" "$rel" && continue
    "${sudo[@]}" mkdir -p "$(dirname "$rel")"
    "${sudo[@]}" cp -p "${root}${rel}" "${rel}.data-path.tmp"
    "${sudo[@]}" mv -f "${rel}.data-path.tmp" "$rel"
  done < <(find "$root" -type f -print0)
}

build_ferretdb() {
  local version=$1 toolchain=$2 dir
  dir="$(ferretdb_dir "$version")"
  rm -rf "${dir}/module"
  mkdir -p "${dir}/module"
  (
    cd "${dir}/module"
    export GOTOOLCHAIN="$toolchain" GOFLAGS=-mod=mod
    go mod init local/ferretdb-build >/dev/null 2>&1
    # A wrapper module keeps FerretDB out of the main module (v2 has no version.txt to write).
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/FerretDB/FerretDB/v2/cmd/ferretdb"\n' >tools.go
    go get "github.com/FerretDB/FerretDB/v2@${version}" >&2
    go build -trimpath -o "${dir}/ferretdb.tmp" github.com/FerretDB/FerretDB/v2/cmd/ferretdb
  )
  mv -f "${dir}/ferretdb.tmp" "${dir}/ferretdb"
  rm -rf "${dir}/module"
  "${dir}/ferretdb" --version >/dev/null 2>&1 || die "built ${dir}/ferretdb but --version fails"
}

build_nightscout() {
  local work="${nightscout_dir}.tmp"
  rm -rf "$work" "${nightscout_dir}"
  mkdir -p "$work"
  fetch "cgm-remote-monitor-${NIGHTSCOUT_VERSION}.tar.gz" "$NIGHTSCOUT_SHA256" \
    "https://github.com/nightscout/cgm-remote-monitor/archive/refs/tags/${NIGHTSCOUT_VERSION}.tar.gz" \
    "${work}/src.tar.gz"
  mkdir "${work}/app"
  tar -xzf "${work}/src.tar.gz" -C "${work}/app" --strip-components=1
  rm "${work}/src.tar.gz"
  # Its lockfile, as the image does; postinstall builds the client bundle with webpack.
  (cd "${work}/app" && npm ci --no-audit --no-fund --loglevel=error >&2)
  mv "$work" "${nightscout_dir}"
  touch "${nightscout_dir}/.done"
}

build_json_exporter() {
  rm -rf "${json_exporter_dir}/module"
  mkdir -p "${json_exporter_dir}/module"
  (
    cd "${json_exporter_dir}/module"
    export GOFLAGS=-mod=mod
    go mod init local/json-exporter-build >/dev/null 2>&1
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/prometheus-community/json_exporter"\n' >tools.go
    go get "github.com/prometheus-community/json_exporter@${JSON_EXPORTER_VERSION}" >&2
    go build -trimpath -ldflags "-X github.com/prometheus/common/version.Version=${JSON_EXPORTER_VERSION#v}" \
      -o "${json_exporter_dir}/json_exporter.tmp" github.com/prometheus-community/json_exporter
  )
  mv -f "${json_exporter_dir}/json_exporter.tmp" "${json_exporter_dir}/json_exporter"
  rm -rf "${json_exporter_dir}/module"
}

install_packages
[[ -e "${pgvector_dir}/.done" ]] || timed "pgvector ${PGVECTOR_VERSION}" build_pgvector
[[ -e "${documentdb_dir}/.done" ]] || timed "DocumentDB ${DOCUMENTDB_TAG}" build_documentdb
install_tree "$pgvector_dir"
install_tree "$documentdb_dir"
for pair in "${FERRETDB_PAIRED}:${FERRETDB_PAIRED_GO}" "${FERRETDB_DEPLOYED}:${FERRETDB_DEPLOYED_GO}"; do
  version=${pair%%:*}
  if ! "$(ferretdb_dir "$version")/ferretdb" --version >/dev/null 2>&1; then
    timed "FerretDB ${version}" build_ferretdb "$version" "${pair#*:}"
  fi
done
[[ -e "${nightscout_dir}/.done" ]] || timed "Nightscout ${NIGHTSCOUT_VERSION}" build_nightscout
[[ -x "${json_exporter_dir}/json_exporter" ]] ||
  timed "json_exporter ${JSON_EXPORTER_VERSION}" build_json_exporter
print_env
