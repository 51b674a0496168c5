#!/usr/bin/env bash
# The project's own network namespace, `nightscout-local`, for the local cluster and everything
# that talks to it (the API server, controllers, kwok, the CloudNative-PG operator, relays, the
# engine, the post-deploy check, the e2e tests).
#
# Why: kwok hands pods addresses in 10.244.0.0/16 and the API server gives Services addresses in
# 10.96.0.0/16. The operator dials every instance pod at https://<podIP>:8000, and other parts
# dial Service IPs. On the machine's own network those packets would leave towards a private
# range that is not ours. Inside this namespace only loopback exists, so such a dial fails at
# once ("Network is unreachable") and nothing leaves the machine.
#
#   tools/parts/netns.sh exec <cmd...>   run <cmd> inside (creating the namespace first); when this
#                                  process is already inside, just run it
#   tools/parts/netns.sh inside          exit 0 when this process is inside the namespace
#   tools/parts/netns.sh ensure          create it if missing: a fresh namespace, loopback up, nothing else
#   tools/parts/netns.sh delete          remove it (processes still inside keep it alive until they end)
#
# The namespace is a named one (`unshare --net=/run/netns/<name>`, the same file `ip netns`
# uses), so that separate commands, `npm run up:local` and later `npm run down:local` or a
# `kubectl` by hand, can enter the same one. Creating and entering it needs root (CAP_SYS_ADMIN);
# without root it goes through `sudo -n` and drops back to the calling user inside. Builds and
# downloads happen before entering: inside, no registry is reachable.
#
# Env: NIGHTSCOUT_NETNS (default nightscout-local).
set -euo pipefail

name="${NIGHTSCOUT_NETNS:-nightscout-local}"
file="/run/netns/$name"
log() { printf '[netns] %s\n' "$*" >&2; }

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo -n --preserve-env)

inside() {
  [ -e "$file" ] &&
    [ "$(stat -L -c %i "$file" 2>/dev/null)" = "$(stat -L -c %i /proc/self/ns/net 2>/dev/null)" ]
}

# Only loopback, and it is up: a namespace someone else gave more interfaces is not ours to use.
sealed() {
  local links
  links="$(nsenter --net="$file" ip -o link show 2>/dev/null | awk -F': ' '{print $2}')" || return 1
  [ "$links" = lo ] && nsenter --net="$file" ip -o link show lo | grep -q 'UP'
}

ensure() {
  if [ -e "$file" ] && "${as_root[@]}" bash -c "$(declare -f sealed); file=$file; sealed"; then
    return 0
  fi
  if [ -e "$file" ]; then
    log "$file exists but is not a loopback-only namespace; refusing to use it (remove it with: $0 delete)"
    exit 1
  fi
  "${as_root[@]}" mkdir -p /run/netns
  # --net=<file> binds the new namespace to the file, so it outlives this command.
  "${as_root[@]}" touch "$file"
  "${as_root[@]}" unshare --net="$file" ip link set lo up || {
    "${as_root[@]}" rm -f "$file"
    log "could not create the network namespace $name (needs root: unshare --net)"
    exit 1
  }
  log "created $name: loopback only"
}

case "${1:-}" in
  inside)
    inside
    ;;
  ensure)
    ensure
    ;;
  delete)
    if [ -e "$file" ]; then
      "${as_root[@]}" umount "$file" 2>/dev/null || true
      "${as_root[@]}" rm -f "$file"
      log "removed $name"
    fi
    ;;
  exec)
    shift
    [ $# -gt 0 ] || {
      echo "usage: $0 exec <cmd...>" >&2
      exit 2
    }
    if inside; then exec "$@"; fi
    ensure
    if [ "$(id -u)" -eq 0 ]; then
      exec nsenter --net="$file" -- "$@"
    fi
    # Enter as root, then run the command as the calling user again, with this environment.
    exec sudo -n --preserve-env nsenter --net="$file" -- \
      setpriv --reuid="$(id -u)" --regid="$(id -g)" --init-groups -- "$@"
    ;;
  *)
    echo "usage: $0 exec <cmd...> | inside | ensure | delete" >&2
    exit 2
    ;;
esac
