#!/usr/bin/env bash
# Builds and downloads everything that the commands running inside the project's network
# namespace (tools/netns.sh) need, before they enter it: inside, only loopback exists and no
# registry is reachable. Each step is a fast no-op when its cache is warm.
#   - the upstream CRDs, release manifests and kwok Stages (tools/upstream-files.sh)
#   - the Pulumi engine and providers (tools/pulumi-toolchain.sh)
#   - the control plane (tools/local-cluster/build.sh)
#   - PostgreSQL 15 and FerretDB v1.24.2 for the local FerretDB behind the port-forward route
#     (tools/install-integration-deps.sh)
#   - the policy pack's own dependencies (policies/node_modules)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bash "$repo/tools/upstream-files.sh" --all >/dev/null
bash "$repo/tools/pulumi-toolchain.sh" >/dev/null
bash "$here/build.sh" >/dev/null
bash "$repo/tools/install-integration-deps.sh" >/dev/null
if [ ! -e "$repo/policies/node_modules/@pulumi/policy" ]; then
  (cd "$repo/policies" && npm ci --no-audit --no-fund --loglevel=error)
fi
