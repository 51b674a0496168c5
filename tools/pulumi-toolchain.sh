#!/usr/bin/env bash
# Builds the complete Pulumi engine for offline use into a cache keyed by version; a warm cache
# makes this a fast no-op.
#
#   tools/pulumi-toolchain.sh            build what is missing, then print the env to use
#   eval "$(tools/pulumi-toolchain.sh --env)"   or   source tools/pulumi-env.sh
#   tools/pulumi-toolchain.sh --check    exit 1 if anything is missing or stale
#
# What it builds (docs/offline-engine.md explains every choice and every refusal):
#   - pulumi CLI               github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION (Go module proxy,
#                              wrapper module)
#   - pulumi-language-nodejs   pulumi/pulumi v$LANGHOST_VERSION, sdk/nodejs/cmd/pulumi-language-nodejs
#   - resource-command         pulumi/pulumi-command v<@pulumi/command in package.json>, provider/
#   - resource-random          pulumi/pulumi-random v<@pulumi/random in package.json>, provider/ + shim/
#   - resource-kubernetes      github.com/pulumi/pulumi-kubernetes/provider/v4 (Go module proxy)
# The proxy refuses the modules of the last three sources (403), so their sources come from
# release tarballs: $NIGHTSCOUT_VENDOR_DIR (default ../shared/vendor beside the repository, an
# unmodified `git archive` of each tag) or, when that is absent, a shallow git clone of the
# upstream tag. Their dependencies come from the proxy.
#
# Env: PULUMI_TOOLCHAIN_CACHE (default ~/.cache/nightscout-stack/pulumi), NIGHTSCOUT_VENDOR_DIR,
# GOPATH/GOMODCACHE as usual (module downloads land in the standard module cache).
# Heavy builds take ~/.cache/nightscout-stack/.build.lock (flock) so that builds on a shared
# machine run one at a time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/go-build.sh
source "$here/lib/go-build.sh"
log_tag=pulumi-toolchain

npm_pin() { # the exact version of an npm dependency in package.json
  sed -n "s|^[[:space:]]*\"$1\": \"\([0-9][^\"]*\)\",\{0,1\}$|\1|p" "$repo/package.json"
}

PULUMI_VERSION=3.274.1
LANGHOST_VERSION=3.259.0
K8S_VERSION=4.25.0
K8S_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
K8S_SDK_MODULE_VERSION=v4.25.0
COMMAND_VERSION="$(npm_pin @pulumi/command)"
RANDOM_VERSION="$(npm_pin @pulumi/random)"
[ -n "$COMMAND_VERSION" ] && [ -n "$RANDOM_VERSION" ] || {
  echo "[pulumi-toolchain] cannot read the @pulumi/command and @pulumi/random pins from $repo/package.json" >&2
  exit 1
}
# Checksum lookups of these two module paths answer 404 at sum.golang.org; the proxy serves them.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi-terraform-bridge/v3,github.com/terraform-providers/terraform-provider-random"

cache="${PULUMI_TOOLCHAIN_CACHE:-$HOME/.cache/nightscout-stack/pulumi}"
vendor_dir="${NIGHTSCOUT_VENDOR_DIR:-$repo/../shared/vendor}"
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
langhost="$bin/pulumi-language-nodejs"
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

all_fresh() {
  fresh "$bin/pulumi" "v$PULUMI_VERSION" && fresh "$langhost" "v$LANGHOST_VERSION" &&
    fresh "$k8s_plugin" "$K8S_MODULE_VERSION" && fresh "$random_plugin" "v$RANDOM_VERSION" &&
    fresh "$command_plugin" "v$COMMAND_VERSION"
}

if all_fresh; then
  [ "$mode" = check ] && exit 0
  log "cache is warm: $cache"
  print_env
  exit 0
fi
if [ "$mode" = check ]; then
  log "toolchain missing or stale in $cache (run tools/pulumi-toolchain.sh)"
  exit 1
fi

# One heavy build at a time on a shared machine: take the build lock for the rest of the run.
take_build_lock "$@"
require_go
mkdir -p "$bin" "$home/plugins" "$cache/src"

# unpack_release <name> <git url> <tag> <dest>: the release's source tree into <dest>, from
# $vendor_dir/<name>.tar.gz when present, else from a shallow clone of the upstream tag.
unpack_release() {
  local name=$1 url=$2 tag=$3 dest=$4 tarball="$vendor_dir/$1.tar.gz"
  rm -rf "$dest"
  mkdir -p "$dest"
  if [ -f "$tarball" ]; then
    log "$name: source $tarball (sha256 $(sha256sum "$tarball" | cut -c1-64))"
    tar -xzf "$tarball" -C "$dest" --strip-components=1
  else
    log "$name: no $tarball; cloning $url at $tag"
    git clone --quiet --depth 1 --branch "$tag" "$url" "$dest"
  fi
  chmod -R u+w "$dest"
}

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

# --- the Node.js language host: its own module, with the released SDK and pkg ----------------
build_langhost() {
  local src="$cache/src/language-nodejs-v$LANGHOST_VERSION"
  local dir="$src/sdk/nodejs/cmd/pulumi-language-nodejs"
  if [ ! -f "$src/.ready" ]; then
    unpack_release "pulumi-language-nodejs-v$LANGHOST_VERSION" https://github.com/pulumi/pulumi.git \
      "v$LANGHOST_VERSION" "$src"
    # Upstream builds it inside the monorepo (replace => ../../.. and ../../../../pkg); here the
    # released modules of the same tag stand in for the checkout.
    (cd "$dir" &&
      go mod edit -dropreplace github.com/pulumi/pulumi/sdk/v3 -dropreplace github.com/pulumi/pulumi/pkg/v3 &&
      go get "github.com/pulumi/pulumi/sdk/v3@v$LANGHOST_VERSION" "github.com/pulumi/pulumi/pkg/v3@v$LANGHOST_VERSION" &&
      go mod tidy)
    touch "$src/.ready"
  fi
  (cd "$dir" && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$LANGHOST_VERSION" \
    -o "$langhost" .)
  echo "v$LANGHOST_VERSION" >"$langhost.stamp"
}

# build_release_provider <repo> <version> <src> <plugin> <-X version flag> [<prepare cmd...>]:
# the provider of the release tag v<version> of github.com/pulumi/<repo>. Unpacks it into <src>
# and downloads its provider/ module once (then runs <prepare cmd...>, if any); builds
# provider/cmd/<plugin's file name> into <plugin> and stamps it v<version>.
build_release_provider() {
  local name=$1 version=$2 src=$3 plugin=$4 version_flag=$5
  shift 5
  if [ ! -f "$src/.ready" ]; then
    unpack_release "$name-v$version" "https://github.com/pulumi/$name.git" "v$version" "$src"
    (cd "$src/provider" && go mod download)
    "$@"
    touch "$src/.ready"
  fi
  mkdir -p "$(dirname "$plugin")"
  (cd "$src/provider" && go build -trimpath -ldflags "-s -w -X $version_flag" \
    -o "$plugin" "./cmd/$(basename "$plugin")")
  echo "v$version" >"$plugin.stamp"
}

# --- the command provider (pulumi-go-provider) ------------------------------------------------
build_command() {
  build_release_provider pulumi-command "$COMMAND_VERSION" "$cache/src/command-v$COMMAND_VERSION" \
    "$command_plugin" "github.com/pulumi/pulumi-command/provider/pkg/version.Version=v$COMMAND_VERSION"
}

# --- the random provider (Terraform's random, bridged; shim/ is replaced in by its go.mod) ---
# generate.go writes schema-embed.json: the committed schema.json with the version set.
random_generate() {
  (cd "$cache/src/random-v$RANDOM_VERSION/provider/cmd/pulumi-resource-random" &&
    VERSION="$RANDOM_VERSION" go run -trimpath generate.go)
}
build_random() {
  build_release_provider pulumi-random "$RANDOM_VERSION" "$cache/src/random-v$RANDOM_VERSION" \
    "$random_plugin" "github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version=$RANDOM_VERSION" \
    random_generate
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
fresh "$langhost" "v$LANGHOST_VERSION" || timed "pulumi-language-nodejs v$LANGHOST_VERSION" build_langhost
fresh "$command_plugin" "v$COMMAND_VERSION" || timed "resource-command v$COMMAND_VERSION" build_command
fresh "$random_plugin" "v$RANDOM_VERSION" || timed "resource-random v$RANDOM_VERSION" build_random
fresh "$k8s_plugin" "$K8S_MODULE_VERSION" || timed "resource-kubernetes v$K8S_VERSION" build_kubernetes

log "toolchain ready in $((SECONDS - total_start)) s, in $cache:"
du -h "$bin/pulumi" "$langhost" "$k8s_plugin" "$random_plugin" "$command_plugin" >&2
print_env
