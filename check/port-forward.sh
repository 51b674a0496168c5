#!/usr/bin/env bash
# Runs the post-deploy check through `kubectl port-forward` to the FerretDB Service.
#
# Environment (all from PostDeployCheck; nothing secret is ever on the command line):
#   MONGODB_URI            in-cluster URI; its host:port is replaced by the forward's local end
#   CHECK_PF_NAMESPACE     namespace of the Service (required)
#   CHECK_PF_SERVICE       Service name (required)
#   CHECK_PF_SERVICE_PORT  Service port (default 27017)
#   CHECK_KUBE_CONTEXT     kubeconfig context (default: kubectl's current context)
#   CHECK_DEADLINE_MS      overall deadline, port-forward setup included (required: the
#                          component always sets it, and the default lives in domain/check.ts)
#   KUBECTL, NODE          binaries to use (default: kubectl and node from PATH)
# Exit codes: those of check/cli.ts; 2 also when the forward cannot be set up, 64 on bad usage.
set -uo pipefail

prefix="post-deploy-check:"
started_ms=$(date +%s%3N)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

namespace="${CHECK_PF_NAMESPACE:-}"
service="${CHECK_PF_SERVICE:-}"
service_port="${CHECK_PF_SERVICE_PORT:-27017}" # FERRETDB_PORT in domain/, MongoDB's port
context="${CHECK_KUBE_CONTEXT:-}"
deadline_ms="${CHECK_DEADLINE_MS:-}"
kubectl="${KUBECTL:-kubectl}"
node="${NODE:-node}"

# Exit codes are CHECK_EXIT_CODES in domain/check.ts: 64 usage, 2 unreachable, 4 deadline.
usage() {
  echo "${prefix} usage: $*" >&2
  exit 64
}
[[ -n "$namespace" ]] || usage "CHECK_PF_NAMESPACE is empty: set the FerretDB Service's namespace"
[[ -n "$service" ]] || usage "CHECK_PF_SERVICE is empty: set the FerretDB Service's name"
[[ "$service_port" =~ ^[0-9]+$ ]] || usage "CHECK_PF_SERVICE_PORT=${service_port} is not a port number"
[[ -n "$deadline_ms" ]] ||
  usage "CHECK_DEADLINE_MS is not set: pass the deadline in milliseconds (PostDeployCheck always does)"
[[ "$deadline_ms" =~ ^[1-9][0-9]*$ ]] || usage "CHECK_DEADLINE_MS=${deadline_ms} is not a positive integer"
command -v "$kubectl" >/dev/null 2>&1 ||
  usage "'${kubectl}' is not on PATH: install kubectl, or use the check's direct mode"
command -v "$node" >/dev/null 2>&1 || usage "'${node}' is not on PATH"

workdir="$(mktemp -d "${TMPDIR:-/tmp}/postdeploy-pf.XXXXXX")"
pf_pid=""
watchdog_pid=""
cli_pid=""

# TERM, then up to 2 s (10 x 0.2 s) to exit, then KILL: kubectl and node exit on TERM in
# milliseconds, so waiting longer would only delay the verdict.
stop_pid() {
  local pid="$1"
  kill "$pid" 2>/dev/null || return 0
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # only ever called by the EXIT trap
cleanup() {
  local pid
  for pid in "$watchdog_pid" "$cli_pid" "$pf_pid"; do
    if [[ -n "$pid" ]]; then stop_pid "$pid"; fi
  done
  rm -rf "$workdir"
}
trap cleanup EXIT
# Turning signals into exits makes the EXIT trap run for them too; 128 + the signal's
# number, as a shell reports a child killed by it.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

elapsed_ms() { echo $(($(date +%s%3N) - started_ms)); }

free_port() {
  "$node" -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });'
}

# Starts the forward on a fresh port; returns 0 once kubectl reports it, 1 if kubectl died
# (the port was taken between picking and binding), 2 on any other failure.
start_forward() {
  port="$(free_port)" || return 2
  local args=(port-forward --address 127.0.0.1)
  [[ -n "$context" ]] && args+=(--context "$context")
  args+=(-n "$namespace" "svc/${service}" "${port}:${service_port}")
  # kubectl writes to a file, never to our stdout/stderr: an inherited pipe would keep the
  # Pulumi command waiting for as long as kubectl lives.
  "$kubectl" "${args[@]}" >"${workdir}/pf.log" 2>&1 </dev/null &
  pf_pid=$!
  # SIGKILL (how Pulumi cancels a command) skips the EXIT trap; this watchdog still stops
  # kubectl and the check once this script is gone. The check would otherwise hold the
  # output pipe, and Pulumi waits for it to close.
  (
    # Once a second: the check and kubectl outlive a SIGKILLed wrapper by at most that.
    while kill -0 $$ 2>/dev/null; do sleep 1; done
    kill "$pf_pid" 2>/dev/null
    [[ -f "${workdir}/cli.pid" ]] && kill "$(cat "${workdir}/cli.pid")" 2>/dev/null
    rm -rf "$workdir"
  ) >/dev/null 2>&1 </dev/null &
  watchdog_pid=$!

  # kubectl reports a forward within a second or two; 30 s covers a slow API server, and a
  # forward that takes longer will not carry a check either.
  local forward_wait_ms=30000
  local wait_until=$(($(date +%s%3N) + (deadline_ms < forward_wait_ms ? deadline_ms : forward_wait_ms)))
  while (($(date +%s%3N) < wait_until)); do
    if grep -q "Forwarding from 127.0.0.1:${port}" "${workdir}/pf.log" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$pf_pid" 2>/dev/null; then
      wait "$pf_pid" 2>/dev/null
      pf_pid=""
      stop_pid "$watchdog_pid"
      watchdog_pid=""
      grep -qi "address already in use" "${workdir}/pf.log" && return 1
      return 2
    fi
    sleep 0.1 # 100 ms: the forward is noticed quickly without a busy loop
  done
  return 2
}

show_kubectl_log() {
  echo "${prefix} kubectl port-forward said:" >&2
  tail -n 5 "${workdir}/pf.log" | sed "s/^/${prefix}   /" >&2
}

target="svc/${service} in namespace ${namespace}${context:+ (context ${context})}"
status=1
# Three tries: the port picked can be taken before kubectl binds it, twice in a row at most
# on a busy machine; a third failure is something else.
for _ in 1 2 3; do
  start_forward
  status=$?
  ((status == 1)) || break
done
if ((status != 0)); then
  echo "${prefix} unreachable: kubectl port-forward to ${target} port ${service_port} did not start" >&2
  show_kubectl_log
  exit 2
fi

remaining=$((deadline_ms - $(elapsed_ms)))
if ((remaining <= 0)); then
  echo "${prefix} deadline exceeded: setting up the port-forward took the whole ${deadline_ms} ms" >&2
  exit 4
fi

cd "${here}/.." || exit 1
# In the background and waited for: bash runs a signal trap at once during `wait`, but only
# after a foreground child exits, which could be the whole deadline later.
CHECK_HOST_OVERRIDE="127.0.0.1:${port}" CHECK_DEADLINE_MS="$remaining" \
  "$node" -r ts-node/register/transpile-only "${here}/cli.ts" </dev/null &
cli_pid=$!
echo "$cli_pid" >"${workdir}/cli.pid"
rc=0
wait "$cli_pid" || rc=$?
cli_pid=""
if ((rc != 0)); then
  echo "${prefix} the check ran through kubectl port-forward to ${target}" >&2
  show_kubectl_log
fi
exit "$rc"
