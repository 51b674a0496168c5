# shellcheck shell=bash
# Shell functions shared by the Go build scripts tools/parts/pulumi-toolchain.sh and
# tools/parts/local-cluster/build.sh. Both build binaries from Go wrapper modules into caches keyed by
# version, take the same machine-wide build lock and report their steps the same way; this file
# exists so that those steps are written once and the two scripts cannot drift apart.
#
# Sourced, not run: each script sources it relative to its own directory, e.g.
#   source "$(dirname "${BASH_SOURCE[0]}")/go-build.sh"
# and sets log_tag (the prefix of its log lines) before calling anything here.

# log <words...>: one line on stderr, prefixed with the calling script's [$log_tag].
# shellcheck disable=SC2154 # log_tag is set by the script that sources this file
log() { printf '[%s] %s\n' "$log_tag" "$*" >&2; }

# fresh <binary> <stamp>: the binary is built and its .stamp file names exactly this version.
fresh() {
  [ -x "$1" ] && [ "$(cat "$1.stamp" 2>/dev/null)" = "$2" ]
}

# take_build_lock "$@": one heavy build at a time on a shared machine. Unless the lock is already
# held, re-runs the calling script ($0, with the same arguments) under flock of the shared lock.
take_build_lock() {
  local lock="$HOME/.cache/nightscout-stack/.build.lock"
  if [ -z "${NIGHTSCOUT_BUILD_LOCK_HELD:-}" ] && command -v flock >/dev/null; then
    mkdir -p "$(dirname "$lock")"
    log "waiting for the build lock $lock"
    export NIGHTSCOUT_BUILD_LOCK_HELD=1
    exec flock "$lock" "$0" "$@"
  fi
}

# require_go: exit 1 unless go is on PATH; then pin the build to the local toolchain, let go
# update the wrapper modules' go.mod, and build static binaries.
require_go() {
  command -v go >/dev/null || {
    log "go is not on PATH (Go >= 1.26 needed)"
    exit 1
  }
  export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
}

# timed <label> <cmd...>: runs a build step, says what it built and how long it took; on failure
# repeats the refusals (proxy 403/404, sumdb) exactly as Go printed them and exits 1.
timed() {
  local label=$1 start=$SECONDS out
  shift
  out="$(mktemp)"
  log "$label: building"
  # Not `if ! step`: bash ignores set -e inside a command tested by `if`, even in a subshell,
  # so a failing `go build` half-way through a step would be logged as built and stamped.
  local status=0
  set +e
  (
    set -e
    "$@"
  ) > >(tee "$out" >&2) 2>&1
  status=$?
  set -e
  if [ "$status" -ne 0 ]; then
    sleep 0.2
    log "$label: FAILED after $((SECONDS - start)) s"
    if grep -E '403|404|Forbidden|not available|SECURITY ERROR|verifying|invalid version|unable to access' "$out" >&2; then
      log "$label: the lines above are the refusal(s), exactly as Go reported them"
    fi
    rm -f "$out"
    exit 1
  fi
  rm -f "$out"
  log "$label: built in $((SECONDS - start)) s"
}

# wrapper_module <dir> <cmd...>: unless <dir>/.ready exists, empties <dir> and runs <cmd...> in
# it (in a subshell) to write and resolve the wrapper module, then marks it ready.
wrapper_module() {
  local src=$1
  shift
  if [ ! -f "$src/.ready" ]; then
    rm -rf "$src"
    mkdir -p "$src"
    (
      cd "$src" || exit
      "$@"
      touch .ready
    )
  fi
}
