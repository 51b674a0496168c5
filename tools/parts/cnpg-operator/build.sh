#!/usr/bin/env bash
# Builds the CloudNative-PG operator's manager binary (cmd/manager of
# github.com/cloudnative-pg/cloudnative-pg v$CNPG_VERSION) into a cache keyed by version and
# prints its bin directory. A warm cache makes this a fast no-op.
#
#   tools/parts/cnpg-operator/build.sh           build if missing, print the bin directory
#   tools/parts/cnpg-operator/build.sh --check   exit 0 when the cached binary is current
#
# Env: CNPG_OPERATOR_CACHE (default ~/.cache/nightscout-stack). Takes the shared build lock
# ~/.cache/nightscout-stack/.build.lock while building.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../go-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/../go-build.sh"
log_tag="cnpg-operator build"

CNPG_VERSION=1.30.0
MODULE=github.com/cloudnative-pg/cloudnative-pg

cache="${CNPG_OPERATOR_CACHE:-$HOME/.cache/nightscout-stack}"
bin="$cache/cnpg-v$CNPG_VERSION/bin"

case "${1:-}" in
  --check)
    fresh "$bin/manager" "v$CNPG_VERSION"
    exit
    ;;
esac
if fresh "$bin/manager" "v$CNPG_VERSION"; then
  echo "$bin"
  exit 0
fi
take_build_lock "$@"
require_go

cnpg_wrapper_module() {
  printf 'module local/cnpg-build\n\ngo 1.26\n' >go.mod
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s/cmd/manager"\n' "$MODULE" >tools.go
  go get "$MODULE@v$CNPG_VERSION"
}

build_manager() {
  local src="$cache/cnpg-v$CNPG_VERSION/src"
  wrapper_module "$src" cnpg_wrapper_module
  mkdir -p "$bin"
  (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$bin/manager" "$MODULE/cmd/manager")
  "$bin/manager" version >&2
  echo "v$CNPG_VERSION" >"$bin/manager.stamp"
}

total=$SECONDS
timed "CloudNative-PG manager v$CNPG_VERSION" build_manager
log "operator ready in $((SECONDS - total)) s: $(du -sh "$bin/manager" | awk '{print $1}') in $bin"
echo "$bin"
