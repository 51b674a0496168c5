#!/usr/bin/env bash
# Builds the complete Pulumi engine for offline use into a cache keyed by version; a warm cache
# makes this a fast no-op.
#
#   tools/parts/pulumi-toolchain.sh            build what is missing, then print the env to use
#   eval "$(tools/parts/pulumi-toolchain.sh --env)"   or   source tools/parts/pulumi-env.sh
#   tools/parts/pulumi-toolchain.sh --check    exit 1 if anything is missing or stale
#
# What it builds or installs (docs/offline-engine.md explains every choice and every refusal),
# every source from a package registry:
#   - pulumi CLI               github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION (Go module proxy,
#                              wrapper module)
#   - resource-kubernetes      github.com/pulumi/pulumi-kubernetes/provider/v4 (Go module proxy)
#   - resource-random          Terraform's random provider bridged by the project's own glue, from
#                              registry modules only (tools/parts/random-provider/)
#   - resource-command         the project's own STAND-IN for pulumi-command, on the Node SDK's
#                              provider server (tools/parts/command-provider/): no registry serves the
#                              real provider
# No language host: the project runs its programs through the Automation API with the program
# inline (tools/parts/engine/), which hosts the Node.js runtime in its own process.
#
# Env: PULUMI_TOOLCHAIN_CACHE (default ~/.cache/nightscout-stack/pulumi), GOPATH/GOMODCACHE as
# usual (module downloads land in the standard module cache).
# Heavy builds take ~/.cache/nightscout-stack/.build.lock (flock) so that builds on a shared
# machine run one at a time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=SCRIPTDIR/go-build.sh
source "$here/go-build.sh"
log_tag=pulumi-toolchain

npm_pin() { # the exact version of an npm dependency in package.json
  sed -n "s|^[[:space:]]*\"$1\": \"\([0-9][^\"]*\)\",\{0,1\}$|\1|p" "$repo/package.json"
}

PULUMI_VERSION=3.274.1
K8S_VERSION=4.25.0
K8S_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
K8S_SDK_MODULE_VERSION=v4.25.0
COMMAND_VERSION="$(npm_pin @pulumi/command)"
RANDOM_VERSION="$(npm_pin @pulumi/random)"
[ -n "$COMMAND_VERSION" ] && [ -n "$RANDOM_VERSION" ] || {
  echo "[pulumi-toolchain] cannot read the @pulumi/command and @pulumi/random pins from $repo/package.json" >&2
  exit 1
}

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
command_plugin="$home/plugins/resource-command-v$COMMAND_VERSION/pulumi-resource-command"

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

# The random build's stamp names the version and its glue's hash, so an edit to the glue rebuilds.
random_stamp() { bash "$here/random-provider/build.sh" --stamp "$RANDOM_VERSION"; }

# The stand-in is installed from this checkout; its stamp names the version and its sources' hash.
command_fresh() {
  bash "$here/command-provider/install.sh" --check "$(dirname "$command_plugin")" "$COMMAND_VERSION"
}

all_fresh() {
  fresh "$bin/pulumi" "v$PULUMI_VERSION" &&
    fresh "$k8s_plugin" "$K8S_MODULE_VERSION" && fresh "$random_plugin" "$(random_stamp)" &&
    command_fresh
}

if all_fresh; then
  [ "$mode" = check ] && exit 0
  log "cache is warm: $cache"
  print_env
  exit 0
fi
if [ "$mode" = check ]; then
  log "toolchain missing or stale in $cache (run tools/parts/pulumi-toolchain.sh)"
  exit 1
fi

# One heavy build at a time on a shared machine: take the build lock for the rest of the run.
take_build_lock "$@"
require_go
mkdir -p "$bin" "$home/plugins" "$cache/src"

# --- the CLI: a wrapper module around the released pkg/v3 -----------------------------------
# Run in the empty wrapper module's directory (wrapper_module): writes and resolves it.
cli_wrapper_module() {
  cat >go.mod <<EOF
module local/pulumi-engine-build

go 1.26

// As in github.com/pulumi/pulumi/pkg/v3's own go.mod (replace directives of dependencies are
// ignored, so the wrapper must repeat it).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' >tools.go
  go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
}

build_cli() {
  local src="$cache/src/engine-v$PULUMI_VERSION"
  wrapper_module "$src" cli_wrapper_module
  (cd "$src" && go build -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  echo "v$PULUMI_VERSION" >"$bin/pulumi.stamp"
}

# --- the random provider: Terraform's random, bridged from registry modules -----------------
build_random() {
  bash "$here/random-provider/build.sh" "$random_plugin" "$RANDOM_VERSION"
  random_stamp >"$random_plugin.stamp"
}

# --- the command provider: the project's own stand-in (Node, no build) -----------------------
install_command() {
  bash "$here/command-provider/install.sh" "$(dirname "$command_plugin")" "$COMMAND_VERSION"
}

# --- the Kubernetes provider (module proxy, wrapper module) ----------------------------------
# Run in the empty wrapper module's directory (wrapper_module): writes and resolves it.
kubernetes_wrapper_module() {
  local moddir
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
}

build_kubernetes() {
  local src="$cache/src/kubernetes-v$K8S_VERSION"
  wrapper_module "$src" kubernetes_wrapper_module
  mkdir -p "$(dirname "$k8s_plugin")"
  (cd "$src" && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_VERSION" \
    -o "$k8s_plugin" .)
  echo "$K8S_MODULE_VERSION" >"$k8s_plugin.stamp"
}

total_start=$SECONDS
fresh "$bin/pulumi" "v$PULUMI_VERSION" || timed "pulumi CLI v$PULUMI_VERSION" build_cli
fresh "$k8s_plugin" "$K8S_MODULE_VERSION" || timed "resource-kubernetes v$K8S_VERSION" build_kubernetes
fresh "$random_plugin" "$(random_stamp)" || timed "resource-random v$RANDOM_VERSION (bridged from registry modules)" build_random
command_fresh ||
  timed "resource-command v$COMMAND_VERSION (the project's stand-in, not pulumi-command)" install_command

log "toolchain ready in $((SECONDS - total_start)) s, in $cache:"
du -h "$bin/pulumi" "$k8s_plugin" "$random_plugin" "$command_plugin" >&2
print_env
