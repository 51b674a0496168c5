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
lock="$HOME/.cache/nightscout-stack/.build.lock"
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

log() { printf '[pulumi-toolchain] %s\n' "$*" >&2; }

fresh() { # fresh <binary> <stamp>
  [ -x "$1" ] && [ "$(cat "$1.stamp" 2>/dev/null)" = "$2" ]
}
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
if [ -z "${NIGHTSCOUT_BUILD_LOCK_HELD:-}" ] && command -v flock >/dev/null; then
  mkdir -p "$(dirname "$lock")"
  log "waiting for the build lock $lock"
  export NIGHTSCOUT_BUILD_LOCK_HELD=1
  exec flock "$lock" "$0" "$@"
fi

command -v go >/dev/null || {
  log "go is not on PATH (Go >= 1.26 needed)"
  exit 1
}
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$bin" "$home/plugins" "$cache/src"

# timed <label> <cmd...>: runs a build step, says what it built and how long it took; on failure
# repeats the refusals (proxy 403/404, sumdb) exactly as Go printed them.
timed() {
  local label=$1 start=$SECONDS out
  shift
  out="$(mktemp)"
  log "$label: building"
  if ! "$@" > >(tee "$out" >&2) 2>&1; then
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
build_cli() {
  local src="$cache/src/engine-v$PULUMI_VERSION"
  if [ ! -f "$src/.ready" ]; then
    rm -rf "$src"
    mkdir -p "$src"
    cat >"$src/go.mod" <<EOF
module local/pulumi-engine-build

go 1.26

// As in github.com/pulumi/pulumi/pkg/v3's own go.mod (replace directives of dependencies are
// ignored, so the wrapper must repeat it).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' >"$src/tools.go"
    (cd "$src" && go get "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION")
    touch "$src/.ready"
  fi
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

# --- the command provider (pulumi-go-provider) ------------------------------------------------
build_command() {
  local src="$cache/src/command-v$COMMAND_VERSION"
  if [ ! -f "$src/.ready" ]; then
    unpack_release "pulumi-command-v$COMMAND_VERSION" https://github.com/pulumi/pulumi-command.git \
      "v$COMMAND_VERSION" "$src"
    (cd "$src/provider" && go mod download)
    touch "$src/.ready"
  fi
  mkdir -p "$(dirname "$command_plugin")"
  (cd "$src/provider" && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-command/provider/pkg/version.Version=v$COMMAND_VERSION" \
    -o "$command_plugin" ./cmd/pulumi-resource-command)
  echo "v$COMMAND_VERSION" >"$command_plugin.stamp"
}

# --- the random provider (Terraform's random, bridged; shim/ is replaced in by its go.mod) ---
build_random() {
  local src="$cache/src/random-v$RANDOM_VERSION"
  local cmd="$src/provider/cmd/pulumi-resource-random"
  if [ ! -f "$src/.ready" ]; then
    unpack_release "pulumi-random-v$RANDOM_VERSION" https://github.com/pulumi/pulumi-random.git \
      "v$RANDOM_VERSION" "$src"
    (cd "$src/provider" && go mod download)
    # generate.go writes schema-embed.json: the committed schema.json with the version set.
    (cd "$cmd" && VERSION="$RANDOM_VERSION" go run -trimpath generate.go)
    touch "$src/.ready"
  fi
  mkdir -p "$(dirname "$random_plugin")"
  (cd "$src/provider" && go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version=$RANDOM_VERSION" \
    -o "$random_plugin" ./cmd/pulumi-resource-random)
  echo "v$RANDOM_VERSION" >"$random_plugin.stamp"
}

# --- the Kubernetes provider (module proxy, wrapper module) ----------------------------------
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

total_start=$SECONDS
fresh "$bin/pulumi" "v$PULUMI_VERSION" || timed "pulumi CLI v$PULUMI_VERSION" build_cli
fresh "$langhost" "v$LANGHOST_VERSION" || timed "pulumi-language-nodejs v$LANGHOST_VERSION" build_langhost
fresh "$command_plugin" "v$COMMAND_VERSION" || timed "resource-command v$COMMAND_VERSION" build_command
fresh "$random_plugin" "v$RANDOM_VERSION" || timed "resource-random v$RANDOM_VERSION" build_random
fresh "$k8s_plugin" "$K8S_MODULE_VERSION" || timed "resource-kubernetes v$K8S_VERSION" build_kubernetes

log "toolchain ready in $((SECONDS - total_start)) s, in $cache:"
du -h "$bin/pulumi" "$langhost" "$k8s_plugin" "$random_plugin" "$command_plugin" >&2
print_env
