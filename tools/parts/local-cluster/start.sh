#!/usr/bin/env bash
# Starts the local cluster (a real kube-apiserver, kube-controller-manager, kube-scheduler and
# etcd; kwok in place of kubelets) on free loopback ports, and prints the kubeconfig's path.
# A no-op that prints the same path when it already runs. Stop it with stop.sh.
#
#   tools/parts/local-cluster/start.sh           build what is missing (build.sh), start, wait for a Ready node
#
# State (certificates, etcd data, logs, pids, kubeconfig) lives in $LOCAL_CLUSTER_DIR (default
# .cache/local-cluster in the repository). docs/local-cluster.md describes what runs and what
# is a stand-in.
#
# The port-forward route: kwok answers every `kubectl port-forward` to a pod's port 27017 (the
# FerretDB port) by connecting to 127.0.0.1:<ferretdb-relay port>, a free port picked here and
# written to $LOCAL_CLUSTER_DIR/ferretdb-relay.port; tools/parts/local-cluster/ferretdb.ts listens
# there and passes connections on to a local FerretDB.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
dir="${LOCAL_CLUSTER_DIR:-$repo/.cache/local-cluster}"
log() { printf '[local-cluster] %s\n' "$*" >&2; }
# kwok hands pods 10.244.0.0/16 and Services get 10.96.0.0/16: whatever dials them (the operator,
# the controllers, port-forwards) must find only loopback, so the cluster never starts outside
# the project's network namespace.
if ! bash "$repo/tools/parts/netns.sh" inside; then
  log "refusing to start outside the network namespace nightscout-local: its parts dial pod and Service addresses. Fix: bash tools/parts/netns.sh exec bash tools/parts/local-cluster/start.sh (npm run up:local, test:e2e and up:platform enter it themselves)"
  exit 1
fi
CONTEXT=nightscout-local
FERRETDB_PORT=27017 # FERRETDB_PORT in domain/: the port the check forwards to
NIGHTSCOUT_PORT=1337 # NIGHTSCOUT_PORT in domain/: the port the access reconciler forwards to
# The CRDs of the objects the program creates, from the operators' Go modules: the fetcher
# checks them against tools/parts/upstream-files.txt (docs/upstream-files.md); a warm cache needs no network.
CRDS=(postgresql.cnpg.io_clusters.yaml postgresql.cnpg.io_backups.yaml
  postgresql.cnpg.io_scheduledbackups.yaml barmancloud.cnpg.io_objectstores.yaml
  traefik.io_middlewares.yaml monitoring.coreos.com_prometheusrules.yaml
  monitoring.coreos.com_podmonitors.yaml)
crd_dir="$(bash "$repo/tools/parts/upstream-files.sh" --crd-dir)"
# kwok's own Stages (nodes Ready, pods Ready, deletion), from its Go module, the same way.
stage_dir="$(bash "$repo/tools/parts/upstream-files.sh" --stage-dir)"

started=$SECONDS
mapfile -t bins < <(bash "$here/build.sh")
export PATH="${bins[0]}:${bins[1]}:${bins[2]}:$PATH"
kubeconfig="$dir/kubeconfig"

running() {
  [ -f "$dir/pids" ] && [ -f "$kubeconfig" ] || return 1
  local pid
  while read -r pid _; do kill -0 "$pid" 2>/dev/null || return 1; done <"$dir/pids"
  kubectl --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1
}
if running; then
  log "already running ($dir)"
  echo "$kubeconfig"
  exit 0
fi
if [ -e "$dir" ]; then
  log "stale state in $dir: stopping what is left and starting afresh"
  bash "$here/stop.sh" >&2
fi
mkdir -p "$dir"/{pki,logs,etcd}
: >"$dir/pids"
# Whatever fails from here on leaves nothing running.
trap 'rc=$?; if [ $rc -ne 0 ]; then log "start failed (exit $rc); logs: $dir/logs"; for f in "$dir"/logs/*.log; do echo "--- $f" >&2; tail -n 15 "$f" >&2; done; bash "$here/stop.sh" --keep-logs >&2; fi' EXIT

# --- free loopback ports (the kernel's pick, all distinct) ------------------------------------
read -r etcd_port etcd_peer_port api_port kcm_port sched_port kwok_port relay_port nightscout_relay_port < <(node -e '
  const net = require("net"); const ports = new Set(); const want = 8;
  (async () => { while (ports.size < want) ports.add(await new Promise((ok) => {
    const s = net.createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); });
  })); console.log([...ports].join(" ")); })();')
echo "$relay_port" >"$dir/ferretdb-relay.port"
# Nothing listens there unless a test does: kwok runs no Nightscout, so an e2e test that needs
# one starts its own stand-in for Nightscout's API on this port (tests/e2e/cluster-access.test.ts).
echo "$nightscout_relay_port" >"$dir/nightscout-relay.port"

# --- certificates: one CA, a serving certificate each for the API server and kwok, a client
# certificate per component (RBAC's default bindings know these identities) ---------------
pki="$dir/pki"
openssl_quiet() { openssl "$@" 2>/dev/null; }
openssl_quiet req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=nightscout-local-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt"
cert() { # cert <name> <subject> <extensions>
  openssl_quiet req -newkey rsa:2048 -nodes -subj "$2" -keyout "$pki/$1.key" -out "$pki/$1.csr"
  printf '%s\n' "$3" >"$pki/$1.ext"
  openssl_quiet x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 30 -extfile "$pki/$1.ext" -out "$pki/$1.crt"
}
serving='extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local'
client='extendedKeyUsage=clientAuth'
cert apiserver "/CN=kube-apiserver" "$serving"
cert kwok-serving "/CN=kwok" "$serving"
cert admin "/O=system:masters/CN=nightscout-local-admin" "$client"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
cert controller-manager "/CN=system:kube-controller-manager" "$client"
cert scheduler "/CN=system:kube-scheduler" "$client"
cert kwok "/O=system:masters/CN=kwok-controller" "$client"
openssl_quiet genrsa -out "$pki/sa.key" 2048
openssl_quiet rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

write_kubeconfig() { # write_kubeconfig <file> <client cert name>
  kubectl config --kubeconfig "$1" set-cluster "$CONTEXT" --server "https://127.0.0.1:$api_port" \
    --certificate-authority "$pki/ca.crt" --embed-certs >/dev/null
  kubectl config --kubeconfig "$1" set-credentials "$2" --client-certificate "$pki/$2.crt" \
    --client-key "$pki/$2.key" --embed-certs >/dev/null
  kubectl config --kubeconfig "$1" set-context "$CONTEXT" --cluster "$CONTEXT" --user "$2" >/dev/null
  kubectl config --kubeconfig "$1" use-context "$CONTEXT" >/dev/null
}
write_kubeconfig "$dir/admin.kubeconfig" admin
write_kubeconfig "$dir/controller-manager.kubeconfig" controller-manager
write_kubeconfig "$dir/scheduler.kubeconfig" scheduler
write_kubeconfig "$dir/kwok.kubeconfig" kwok

daemon() { # daemon <name> <cmd...>: in its own session, logged, its pid recorded
  local name=$1
  shift
  setsid "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo "$! $name" >>"$dir/pids"
}
wait_for() { # wait_for <what> <seconds> <cmd...>
  local what=$1 until=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $until ]; then
      log "$what: not ready after $((SECONDS - started)) s"
      return 1
    fi
    sleep 0.2
  done
}

daemon etcd etcd --name local --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "local=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync --log-level warn
daemon kube-apiserver kube-apiserver --bind-address 127.0.0.1 --advertise-address 127.0.0.1 \
  --secure-port "$api_port" --etcd-servers "http://127.0.0.1:$etcd_port" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" --authorization-mode Node,RBAC \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-cluster-ip-range 10.96.0.0/16 --allow-privileged \
  --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
  --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types InternalIP
wait_for "kube-apiserver" 60 kubectl --kubeconfig "$dir/admin.kubeconfig" get --raw /readyz
log "kube-apiserver ready on 127.0.0.1:$api_port after $((SECONDS - started)) s"

daemon kube-controller-manager kube-controller-manager --kubeconfig "$dir/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$dir/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$kcm_port" --leader-elect=false \
  --use-service-account-credentials --service-account-private-key-file "$pki/sa.key" \
  --root-ca-file "$pki/ca.crt" --cluster-signing-cert-file "$pki/ca.crt" \
  --cluster-signing-key-file "$pki/ca.key" --controllers '*,-bootstrapsigner,-tokencleaner'
daemon kube-scheduler kube-scheduler --kubeconfig "$dir/scheduler.kubeconfig" \
  --authentication-kubeconfig "$dir/scheduler.kubeconfig" \
  --authorization-kubeconfig "$dir/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$sched_port" --leader-elect=false

# CRDs before kwok: kwok only plays Stages for kinds that exist when it starts.
crd_args=()
for f in "${CRDS[@]}"; do crd_args+=(-f "$crd_dir/$f"); done
# Server-side: the CNPG Cluster CRD is too large for client-side apply's annotation.
kubectl --kubeconfig "$dir/admin.kubeconfig" apply --server-side --field-manager local-cluster \
  "${crd_args[@]}" >"$dir/logs/crds.log"
# Retried: just after the apply a CRD may have no status.conditions yet, and kubectl wait then
# fails at once ("accessor error: <nil>") instead of waiting; seen on a cold CI run.
wait_for "the CRDs Established" 60 kubectl --kubeconfig "$dir/admin.kubeconfig" wait \
  --for condition=Established --timeout 10s "${crd_args[@]}"
# Established is not yet published: kwok reads the OpenAPI v3 index and exits ("GroupVersion
# (postgresql.cnpg.io/v1) not found as OpenAPI V3 path") if a CRD's group is not in it yet,
# which a loaded machine showed. Wait for every served group/version to be listed.
openapi_lists() { # openapi_lists <group/version...>
  local index
  index="$(kubectl --kubeconfig "$dir/admin.kubeconfig" get --raw /openapi/v3)" || return 1
  for gv in "$@"; do grep -q "\"apis/$gv\"" <<<"$index" || return 1; done
}
mapfile -t served < <(kubectl --kubeconfig "$dir/admin.kubeconfig" get "${crd_args[@]}" \
  -o go-template='{{range .items}}{{$g := .spec.group}}{{range .spec.versions}}{{if .served}}{{$g}}/{{.name}}{{"\n"}}{{end}}{{end}}{{end}}')
[ "${#served[@]}" -gt 0 ] || { log "the CRDs serve no version"; exit 1; }
wait_for "the CRDs in the OpenAPI v3 index" 60 openapi_lists "${served[@]}"

port_forward() { # port_forward <name> <pod port> <loopback port>: a kwok ClusterPortForward
  cat <<EOF
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata:
  name: $1
spec:
  forwards:
    - ports: [$2]
      target:
        address: 127.0.0.1
        port: $3
EOF
}
{
  for f in "$stage_dir"/*.yaml "$here"/stages/*.yaml; do
    # LOCAL_CLUSTER_CNPG_STAND_IN=off: the real CloudNative-PG operator writes the Cluster's
    # status (tests/operator), and the stand-in would fight it over status.conditions.
    if [ "${LOCAL_CLUSTER_CNPG_STAND_IN:-on}" = off ] && [ "${f##*/}" = stand-in-cnpg-cluster-ready.yaml ]; then
      continue
    fi
    echo "---"
    cat "$f"
  done
  # Every port-forward to a pod's FerretDB port goes to the local relay (ferretdb.ts); every one
  # to a pod's Nightscout port to whatever a test started on the Nightscout relay port.
  port_forward ferretdb-to-local-relay "$FERRETDB_PORT" "$relay_port"
  port_forward nightscout-to-local-relay "$NIGHTSCOUT_PORT" "$nightscout_relay_port"
} >"$dir/kwok.yaml"
daemon kwok kwok --kubeconfig "$dir/kwok.kubeconfig" --config "$dir/kwok.yaml" \
  --manage-all-nodes=true --node-ip 127.0.0.1 --node-port "$kwok_port" \
  --server-address "127.0.0.1:$kwok_port" --tls-cert-file "$pki/kwok-serving.crt" \
  --tls-private-key-file "$pki/kwok-serving.key" --node-lease-duration-seconds 40 \
  --cidr 10.244.0.0/16

kubectl --kubeconfig "$dir/admin.kubeconfig" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: kwok-node-0
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
EOF
wait_for "node kwok-node-0" 60 kubectl --kubeconfig "$dir/admin.kubeconfig" wait --for condition=Ready \
  --timeout 2s node/kwok-node-0
# Pods need their namespace's default ServiceAccount (the controller manager makes it).
wait_for "default ServiceAccount" 60 kubectl --kubeconfig "$dir/admin.kubeconfig" get serviceaccount default

cp "$dir/admin.kubeconfig" "$kubeconfig"
trap - EXIT
log "ready in $((SECONDS - started)) s: kube-apiserver https://127.0.0.1:$api_port, node kwok-node-0 Ready"
log "  it listens inside the network namespace only: bash tools/parts/netns.sh exec kubectl --kubeconfig $kubeconfig get nodes"
echo "$kubeconfig"
