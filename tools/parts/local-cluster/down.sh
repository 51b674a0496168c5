#!/usr/bin/env bash
# `npm run down:local`: stops the local cluster (tools/parts/local-cluster/stop.sh) and removes the
# state of the stacks `npm run up:local` deployed to it (.cache/up-local), which described
# objects that no longer exist.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
bash "$here/stop.sh"
rm -rf "$repo/.cache/up-local"
echo "[local-cluster] removed the up:local stacks' state ($repo/.cache/up-local)" >&2
