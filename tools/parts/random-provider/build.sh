#!/usr/bin/env bash
# Builds the project's own pulumi-resource-random (Terraform's random provider bridged from
# registry modules; see main.go and docs/random-provider.md) into the given path.
#
#   tools/parts/random-provider/build.sh <output binary> <version>
#   tools/parts/random-provider/build.sh --stamp <version>   print the stamp a build of these sources
#                                                      should carry (version + sources' hash)
#   e.g. tools/parts/random-provider/build.sh \
#     ~/.cache/nightscout-stack/pulumi/home/plugins/resource-random-v4.19.1/pulumi-resource-random 4.19.1
#
# tools/parts/pulumi-toolchain.sh calls it (holding the build lock) and stamps the binary; run alone, it
# takes the machine-wide build lock itself. Sources only from the Go module proxy: this
# directory is copied into a cache directory and built there, so the indirect requirements and
# go.sum Go writes (checked against sum.golang.org) stay out of the repo.
#
# Env: PULUMI_TOOLCHAIN_CACHE (default ~/.cache/nightscout-stack/pulumi); the work directory is
# $PULUMI_TOOLCHAIN_CACHE/src/random-v<version>/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/../go-build.sh
source "$here/../go-build.sh"
log_tag=random-provider

# The module pins in go.mod and shim/go.mod are the ones pulumi-random 4.19.1 builds with; any
# other version needs its own pins, so refuse it instead of building a mislabelled plugin.
PINNED_VERSION=4.19.1

# The glue's own sources: a change to any of them must rebuild the plugin, not only a new version.
sources_hash() {
  (cd "$here" && cat main.go go.mod shim/go.mod shim/shim.go) | sha256sum | cut -c1-16
}

if [ $# -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
  echo "usage: $0 <output binary path> <version>   (version: $PINNED_VERSION, the @pulumi/random pin in package.json)" >&2
  echo "       $0 --stamp <version>" >&2
  exit 2
fi
out=$1
version=${2#v}
if [ "$version" != "$PINNED_VERSION" ]; then
  log "version $2 is not the one this build is pinned to ($PINNED_VERSION): set @pulumi/random in package.json to $PINNED_VERSION, or re-pin go.mod and shim/go.mod (the terraform-provider-random commit and bridge version pulumi-random $version uses) and PINNED_VERSION in $0"
  exit 2
fi
if [ "$out" = --stamp ]; then
  echo "v$version+$(sources_hash)"
  exit 0
fi
case "$out" in
  /*) ;;
  *) out="$PWD/$out" ;;
esac

take_build_lock "$@"
require_go

src="${PULUMI_TOOLCHAIN_CACHE:-$HOME/.cache/nightscout-stack/pulumi}/src/random-v$version"
mkdir -p "$src/shim" "$(dirname "$out")"
# Fresh copies of the project's sources every time (a warm build is then still incremental);
# go.sum stays, so a warm build checks no hash twice.
cp "$here/main.go" "$here/go.mod" "$src/"
cp "$here/shim/shim.go" "$here/shim/go.mod" "$src/shim/"

# Checksums: every module, including the two that only the pins of pulumi-random name
# (github.com/pulumi/pulumi-terraform-bridge/v3 v3.119.0 and the terraform-provider-random
# pseudo-version), is checked against sum.golang.org as usual; both lookups were measured to
# answer here, so no GONOSUMDB is set. Should the checksum database ever answer 404 for them,
# GONOSUMDB=github.com/pulumi/pulumi-terraform-bridge/v3,github.com/terraform-providers/terraform-provider-random
# (exactly those two paths) lets the build go on, with go.sum still recording the proxy's hashes.
start=$SECONDS
(cd "$src" && go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$out" .)
log "built $out (v$version) in $((SECONDS - start)) s"
