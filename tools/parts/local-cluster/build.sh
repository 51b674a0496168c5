#!/usr/bin/env bash
# Builds the local cluster's binaries into caches keyed by version and prints the bin
# directories (one per line). A warm cache makes this a fast no-op.
#
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl   k8s.io/kubernetes v$KUBE_VERSION
#   etcd                                                               go.etcd.io/etcd/server/v3 v$ETCD_VERSION
#   kwok (fakes the nodes and the pods on them: no kubelet, no images)  sigs.k8s.io/kwok v$KWOK_VERSION
#
# k8s.io/kubernetes cannot be built with `go install` (its go.mod replaces every staging module
# with ./staging/src/...): a wrapper module requires it and points each staging module at its
# released v0.x version instead. etcd builds in the same wrapper (Kubernetes pins the same
# etcd release, so the module graph agrees). kwok's own go.mod has no replace: `go build` of
# its main package from a second small wrapper.
#
# Env: LOCAL_CLUSTER_CACHE (default ~/.cache/nightscout-stack). Takes the shared build lock
# ~/.cache/nightscout-stack/.build.lock while building.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../go-build.sh
source "$(dirname "${BASH_SOURCE[0]}")/../go-build.sh"
log_tag="local-cluster build"

KUBE_VERSION=1.34.4
ETCD_VERSION=3.6.4
KWOK_VERSION=0.8.0

cache="${LOCAL_CLUSTER_CACHE:-$HOME/.cache/nightscout-stack}"
kube_bin="$cache/kube-v$KUBE_VERSION/bin"
etcd_bin="$cache/etcd-v$ETCD_VERSION/bin"
kwok_bin="$cache/kwok-v$KWOK_VERSION/bin"
KUBE_CMDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl)

kube_fresh() {
  local c
  for c in "${KUBE_CMDS[@]}"; do fresh "$kube_bin/$c" "v$KUBE_VERSION" || return 1; done
}
all_fresh() {
  kube_fresh && fresh "$etcd_bin/etcd" "v$ETCD_VERSION" && fresh "$kwok_bin/kwok" "v$KWOK_VERSION"
}
print_dirs() { printf '%s\n' "$kube_bin" "$etcd_bin" "$kwok_bin"; }

if [ "${1:-}" = --check ]; then
  all_fresh
  exit
fi
if all_fresh; then
  print_dirs
  exit 0
fi
take_build_lock "$@"
require_go

# Run in the empty wrapper module's directory (wrapper_module): writes and resolves it.
kube_wrapper_module() {
  local gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  {
    printf 'module local/kube-build\n\ngo 1.26\n\n'
    # Every `k8s.io/<m> => ./staging/src/k8s.io/<m>` of k8s.io/kubernetes, as the released
    # module; the two sample modules are refused by the proxy (403) and nothing here uses them.
    sed -n 's|^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*$|\1|p' "$gomod" |
      grep -v -e '^k8s.io/sample-cli-plugin$' -e '^k8s.io/sample-controller$' |
      while read -r m; do printf 'replace %s => %s v0.%s\n' "$m" "$m" "${KUBE_VERSION#1.}"; done
  } >go.mod
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for c in "${KUBE_CMDS[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$c"; done
    printf '\t_ "go.etcd.io/etcd/server/v3"\n)\n'
  } >tools.go
  go get "k8s.io/kubernetes@v$KUBE_VERSION" "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
}

build_kube_and_etcd() {
  local src="$cache/kube-v$KUBE_VERSION/src"
  wrapper_module "$src" kube_wrapper_module
  mkdir -p "$kube_bin" "$etcd_bin"
  local c version_flags
  version_flags="-X k8s.io/component-base/version.gitVersion=v$KUBE_VERSION"
  version_flags+=" -X k8s.io/component-base/version.gitMajor=${KUBE_VERSION%%.*}"
  version_flags+=" -X k8s.io/component-base/version.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2)"
  version_flags+=" -X k8s.io/client-go/pkg/version.gitVersion=v$KUBE_VERSION"
  for c in "${KUBE_CMDS[@]}"; do
    fresh "$kube_bin/$c" "v$KUBE_VERSION" && continue
    local start=$SECONDS
    (cd "$src" && go build -trimpath -ldflags "-s -w $version_flags" -o "$kube_bin/$c" "k8s.io/kubernetes/cmd/$c")
    echo "v$KUBE_VERSION" >"$kube_bin/$c.stamp"
    log "  $c v$KUBE_VERSION: $((SECONDS - start)) s"
  done
  if ! fresh "$etcd_bin/etcd" "v$ETCD_VERSION"; then
    local start=$SECONDS
    (cd "$src" && go build -trimpath \
      -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v$ETCD_VERSION" \
      -o "$etcd_bin/etcd" go.etcd.io/etcd/server/v3)
    echo "v$ETCD_VERSION" >"$etcd_bin/etcd.stamp"
    log "  etcd v$ETCD_VERSION: $((SECONDS - start)) s"
  fi
}

kwok_wrapper_module() {
  printf 'module local/kwok-build\n\ngo 1.26\n' >go.mod
  printf '//go:build tools\n\npackage tools\n\nimport _ "sigs.k8s.io/kwok/cmd/kwok"\n' >tools.go
  go get "sigs.k8s.io/kwok@v$KWOK_VERSION"
}

build_kwok() {
  local src="$cache/kwok-v$KWOK_VERSION/src"
  wrapper_module "$src" kwok_wrapper_module
  mkdir -p "$kwok_bin"
  (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$kwok_bin/kwok" sigs.k8s.io/kwok/cmd/kwok)
  echo "v$KWOK_VERSION" >"$kwok_bin/kwok.stamp"
}

total=$SECONDS
{ kube_fresh && fresh "$etcd_bin/etcd" "v$ETCD_VERSION"; } ||
  timed "kube-apiserver, kube-controller-manager, kube-scheduler, kubectl v$KUBE_VERSION + etcd v$ETCD_VERSION" build_kube_and_etcd
fresh "$kwok_bin/kwok" "v$KWOK_VERSION" || timed "kwok v$KWOK_VERSION" build_kwok
log "control plane ready in $((SECONDS - total)) s: $(du -sh "$kube_bin" "$etcd_bin" "$kwok_bin" | awk '{print $1}' | paste -sd+) in $cache"
print_dirs
