#!/usr/bin/env bash
# Stops the local cluster started by start.sh and removes its state ($LOCAL_CLUSTER_DIR,
# default .cache/local-cluster). Safe when nothing runs. --keep-logs keeps the logs/ folder.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
dir="${LOCAL_CLUSTER_DIR:-$repo/.cache/local-cluster}"
log() { printf '[local-cluster] %s\n' "$*" >&2; }

if [ ! -e "$dir" ]; then
  log "not running (no $dir)"
  exit 0
fi
if [ -f "$dir/pids" ]; then
  # Reverse start order: kwok and the controllers before the API server, etcd last.
  mapfile -t entries < <(tac "$dir/pids")
  for entry in "${entries[@]}"; do
    read -r pid name <<<"$entry"
    # Only a process this script's start recorded, and only if it still runs that binary.
    if kill -0 "$pid" 2>/dev/null && grep -qa "$name" "/proc/$pid/cmdline" 2>/dev/null; then
      kill "$pid" 2>/dev/null
      for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -9 "$pid" 2>/dev/null
      log "stopped $name ($pid)"
    fi
  done
fi
if [ "${1:-}" = --keep-logs ]; then
  find "$dir" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
else
  rm -rf "$dir"
  log "removed $dir"
fi
