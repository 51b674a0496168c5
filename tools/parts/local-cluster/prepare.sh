#!/usr/bin/env bash
# Builds and downloads everything that the commands running inside the project's network
# namespace (tools/parts/netns.sh) need, before they enter it: inside, only loopback exists and no
# registry is reachable. Each step is a fast no-op when its cache is warm.
#   - the upstream CRDs, release manifests and kwok Stages (tools/parts/upstream-files.sh)
#   - the Pulumi engine and providers (tools/parts/pulumi-toolchain.sh)
#   - the control plane (tools/parts/local-cluster/build.sh)
#   - PostgreSQL 15 and FerretDB v1.24.2 for the local FerretDB behind the port-forward route
#     (tools/commands/install-integration-deps.sh)
#   - the policy pack's own dependencies (policies/node_modules)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
bash "$repo/tools/parts/upstream-files.sh" --all >/dev/null
bash "$repo/tools/parts/pulumi-toolchain.sh" >/dev/null
bash "$here/build.sh" >/dev/null
bash "$repo/tools/commands/install-integration-deps.sh" >/dev/null
if [ ! -e "$repo/policies/node_modules/@pulumi/policy" ]; then
  (cd "$repo/policies" && npm ci --no-audit --no-fund --loglevel=error)
fi
