#!/usr/bin/env bash
# Builds the Pulumi engine for offline use from the Go module proxy (the only source of Go code
# these machines reach), into a cache keyed by version. A warm cache makes this a fast no-op.
#
#   tools/pulumi-toolchain.sh            build what is missing, then print the env to use
#   eval "$(tools/pulumi-toolchain.sh --env)"   or   source tools/pulumi-env.sh
#
# What it builds (docs/offline-engine.md explains every choice and every refusal):
#   - pulumi CLI               github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION (wrapper module)
#   - pulumi-language-nodejs   source of github.com/pulumi/pulumi/sdk/v3@v3.68.0 (the last release
#                              whose module still contains it; the proxy refuses the separate
#                              .../pulumi-language-nodejs/v3 module), patched for the new SDK
#   - resource-kubernetes      github.com/pulumi/pulumi-kubernetes/provider/v4 at the v4.25.0 commit
#   - resource-random          an offline STAND-IN (tools/pulumi-toolchain/random-standin): the
#                              proxy refuses pulumi-random and terraform-bridge
#   - resource-command         not built: the proxy refuses github.com/pulumi/pulumi-command/*
#
# Env: PULUMI_TOOLCHAIN_CACHE (default ~/.cache/nightscout-stack/pulumi), GOPATH/GOMODCACHE as usual
# (module downloads land in the standard module cache so CI on the same machine shares them).
set -euo pipefail

PULUMI_VERSION=3.274.1
LANGHOST_SDK_VERSION=3.68.0
K8S_VERSION=4.25.0
K8S_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
K8S_SDK_MODULE_VERSION=v4.25.0
RANDOM_VERSION=4.19.1 # must equal the @pulumi/random version in package.json

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cache="${PULUMI_TOOLCHAIN_CACHE:-$HOME/.cache/nightscout-stack/pulumi}"
mode=build
case "${1:-}" in
  --env) mode=env ;;
  --check) mode=check ;;
  "") ;;
  *)
    echo "usage: $0 [--env|--check]" >&2
    exit 2
    ;;
esac

bin="$cache/cli-v$PULUMI_VERSION/bin"
home="$cache/home"
k8s_plugin="$home/plugins/resource-kubernetes-v$K8S_VERSION/pulumi-resource-kubernetes"
random_plugin="$home/plugins/resource-random-v$RANDOM_VERSION/pulumi-resource-random"

print_env() {
  cat <<EOF
export PATH="$bin:\$PATH"
export PULUMI_HOME="$home"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
EOF
}

if [ "$mode" = env ]; then
  print_env
  exit 0
fi

log() { printf '[pulumi-toolchain] %s\n' "$*" >&2; }

# Source stamps: a stand-in or patch edited in the repo rebuilds its binary.
sha() { sha256sum "$@" | sha256sum | cut -c1-16; }
langhost_stamp="lh$LANGHOST_SDK_VERSION-$(sha "$here/pulumi-toolchain/pulumi-language-nodejs-v$LANGHOST_SDK_VERSION.patch")"
random_stamp="standin-$(sha "$here/pulumi-toolchain/random-standin/main.go")"

fresh() { # fresh <binary> <stamp>
  [ -x "$1" ] && [ "$(cat "$1.stamp" 2>/dev/null)" = "$2" ]
}

if fresh "$bin/pulumi" "v$PULUMI_VERSION" && fresh "$bin/pulumi-language-nodejs" "$langhost_stamp" &&
  fresh "$k8s_plugin" "$K8S_MODULE_VERSION" && fresh "$random_plugin" "$random_stamp"; then
  [ "$mode" = check ] && exit 0
  log "cache is warm: $cache"
  print_env
  exit 0
fi
if [ "$mode" = check ]; then
  log "toolchain missing or stale in $cache (run tools/pulumi-toolchain.sh)"
  exit 1
fi

command -v go >/dev/null || {
  log "go is not on PATH (Go >= 1.26 needed)"
  exit 1
}
command -v patch >/dev/null || {
  log "patch is not on PATH (apt-get install patch)"
  exit 1
}
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
# One build at a time (2-core machines); each go build already uses every core.
mkdir -p "$bin" "$home/plugins" "$cache/src"

timed() { # timed <label> <cmd...>
  local label=$1 start=$SECONDS
  shift
  log "$label: building"
  "$@"
  log "$label: done in $((SECONDS - start)) s"
}

# --- the CLI, the language host and the random stand-in share one wrapper module -------------
engine_src="$cache/src/engine-v$PULUMI_VERSION"
prepare_engine_module() {
  [ -f "$engine_src/.ready" ] && return 0
  rm -rf "$engine_src"
  mkdir -p "$engine_src"
  (
    cd "$engine_src"
    cat >go.mod <<EOF
module local/pulumi-engine-build

go 1.26

// As in github.com/pulumi/pulumi/pkg/v3's own go.mod (replace directives of dependencies are
// ignored, so the wrapper must repeat it).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
    cat >tools.go <<'EOF'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
EOF
    go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
    # Source of the old in-SDK language host, patched (see the patch header in docs/offline-engine.md).
    go mod download "github.com/pulumi/pulumi/sdk/v3@v$LANGHOST_SDK_VERSION"
    sdkdir="$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$LANGHOST_SDK_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    mkdir -p langhost random
    cp "$sdkdir/nodejs/cmd/pulumi-language-nodejs/main.go" langhost/main.go
    chmod u+w langhost/main.go
    (cd langhost && patch -s -p1 <"$here/pulumi-toolchain/pulumi-language-nodejs-v$LANGHOST_SDK_VERSION.patch")
    touch .ready
  )
}

build_cli() {
  prepare_engine_module
  (cd "$engine_src" && go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  echo "v$PULUMI_VERSION" >"$bin/pulumi.stamp"
}

build_langhost() {
  prepare_engine_module
  (cd "$engine_src" && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$bin/pulumi-language-nodejs" ./langhost)
  echo "$langhost_stamp" >"$bin/pulumi-language-nodejs.stamp"
}

build_random() {
  prepare_engine_module
  cp "$here/pulumi-toolchain/random-standin/main.go" "$engine_src/random/main.go"
  mkdir -p "$(dirname "$random_plugin")"
  (cd "$engine_src" && go build -trimpath -ldflags "-s -w -X main.version=$RANDOM_VERSION" \
    -o "$random_plugin" ./random)
  echo "$random_stamp" >"$random_plugin.stamp"
}

build_kubernetes() {
  local src="$cache/src/kubernetes-v$K8S_VERSION"
  if [ ! -f "$src/.ready" ]; then
    rm -rf "$src"
    mkdir -p "$src"
    (
      cd "$src"
      printf 'module local/pulumi-resource-kubernetes-build\n\ngo 1.24.7\n' >go.mod
      # The provider's go.mod replaces sdk/v4 with ../sdk; require the released sdk/v4 instead.
      go get "github.com/pulumi/pulumi-kubernetes/provider/v4@$K8S_MODULE_VERSION" \
        "github.com/pulumi/pulumi-kubernetes/sdk/v4@$K8S_SDK_MODULE_VERSION"
      moddir="$(go mod download -json "github.com/pulumi/pulumi-kubernetes/provider/v4@$K8S_MODULE_VERSION" |
        sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
      cp "$moddir"/cmd/pulumi-resource-kubernetes/{main.go,generate.go,schema.json,terraform-mapping.json} .
      chmod u+w ./*.go ./*.json
      # generate.go writes schema-embed.json (with the version) and terraform-mapping-embed.json.
      VERSION="$K8S_VERSION" go run -trimpath generate.go
      touch .ready
    )
  fi
  mkdir -p "$(dirname "$k8s_plugin")"
  (cd "$src" && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_VERSION" \
    -o "$k8s_plugin" .)
  echo "$K8S_MODULE_VERSION" >"$k8s_plugin.stamp"
}

fresh "$bin/pulumi" "v$PULUMI_VERSION" || timed "pulumi CLI v$PULUMI_VERSION" build_cli
fresh "$bin/pulumi-language-nodejs" "$langhost_stamp" || timed "pulumi-language-nodejs ($langhost_stamp)" build_langhost
fresh "$random_plugin" "$random_stamp" || timed "resource-random v$RANDOM_VERSION stand-in" build_random
fresh "$k8s_plugin" "$K8S_MODULE_VERSION" || timed "resource-kubernetes v$K8S_VERSION" build_kubernetes

log "installed into $cache:"
du -h "$bin/pulumi" "$bin/pulumi-language-nodejs" "$k8s_plugin" "$random_plugin" >&2
print_env
