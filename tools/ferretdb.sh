#!/usr/bin/env bash
# Builds FerretDB (v1.24.2 by default) into a per-version cache directory and prints the
# binary's path on stdout. A no-op when the cached binary already runs.
#
# Why not `go install ...@v1.24.2`, nor a wrapper module that requires FerretDB: either way
# the binary panics at start ("Invalid build/version/version.txt file content"). FerretDB
# reads build/version/version.txt, a generated file that the published module lacks, whenever
# the main package's module is FerretDB itself, which holds for a wrapper module too
# (debug.ReadBuildInfo reports the main package's module). So this script copies the
# module, exactly as the Go module proxy serves it, writes that one file and builds it.
#
# Environment: FERRETDB_CACHE (default ~/.cache/nightscout-stack), FERRETDB_VERSION.
set -euo pipefail

version="${FERRETDB_VERSION:-v1.24.2}"
cache="${FERRETDB_CACHE:-${HOME}/.cache/nightscout-stack}"
dir="${cache}/ferretdb-${version}"
bin="${dir}/ferretdb"

is_usable() {
  [[ -x "$bin" ]] && "$bin" --version >/dev/null 2>&1
}

if is_usable; then
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "ferretdb.sh: 'go' is not on PATH; install Go >= 1.24 to build FerretDB ${version}" >&2
  exit 1
fi

mkdir -p "$dir"
# Two test runs starting at once on a cold machine must not build into the same tree.
exec 9>"${dir}/.lock"
flock 9
if is_usable; then
  echo "$bin"
  exit 0
fi

echo "ferretdb.sh: building FerretDB ${version} (minutes on a cold Go cache)" >&2
started=$SECONDS
# Outside any module, and without VCS stamping: the copy below is not a git checkout.
export GO111MODULE=on GOFLAGS="-buildvcs=false"
cd "$dir"

module_dir="$(go mod download -json "github.com/FerretDB/FerretDB@${version}" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [[ -z "$module_dir" || ! -f "${module_dir}/go.mod" ]]; then
  echo "ferretdb.sh: 'go mod download github.com/FerretDB/FerretDB@${version}' gave no module" >&2
  exit 1
fi

src="${dir}/src"
rm -rf "$src"
cp -R "$module_dir" "$src"
# The module cache is read-only; the copy must be writable to add the version file.
chmod -R u+w "$src"
echo "$version" >"${src}/build/version/version.txt"

cd "$src"
go mod download
go build -trimpath -o "${bin}.tmp" ./cmd/ferretdb
mv -f "${bin}.tmp" "$bin"
cd "$dir"
rm -rf "$src"

if ! is_usable; then
  echo "ferretdb.sh: built ${bin} but '${bin} --version' fails:" >&2
  "$bin" --version >&2 || true
  exit 1
fi
echo "ferretdb.sh: built FerretDB ${version} in $((SECONDS - started)) s" >&2
echo "$bin"
