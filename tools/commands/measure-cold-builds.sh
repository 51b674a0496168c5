#!/usr/bin/env bash
# Measures what a fresh machine pays: every build script runs one after the other, as .ci/run
# runs them, with HOME pointed at an empty directory, so the project caches
# (~/.cache/nightscout-stack), the Go module and build caches and the npm cache all start cold.
# Then the README's main job, `npm run up:local -- staging`, on those caches: the builds up to
# the control plane plus that line are the first-run time of `npm ci && npm run up:local`.
# With --ci, it runs the whole of .ci/run instead (CI's cold total).
# Debian packages are system-wide and stay installed: their install time is measured once in
# docs/data-path.md (about 50 s) and is not repeated here.
#
#   bash tools/commands/measure-cold-builds.sh [clone-dir]     prints one line per build, then the total
#
# Runs on a fresh clone of the repository (the working tree's committed state), so nothing of
# the working copy's node_modules or caches is reused. Removes its HOME afterwards.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode=builds
if [[ "${1:-}" == --ci ]]; then
  mode=ci
  shift
fi
work="${1:-$(mktemp -d /tmp/nightscout-cold-XXXXXX)}"
cold_home="${work}/home"
mkdir -p "$cold_home"
# The committed state of this repository (its own history, nothing upstream), as CI checks it out.
git init -q "${work}/repo" && git -C "${work}/repo" fetch -q "$repo" HEAD && git -C "${work}/repo" checkout -q FETCH_HEAD
cd "${work}/repo"

export HOME="$cold_home" CI=true
unset GOPATH GOMODCACHE GOCACHE npm_config_cache
total_started=$SECONDS
failed=0

measure() {
  local name=$1 started=$SECONDS
  shift
  if "$@" >"${work}/${name//[ \/]/-}.log" 2>&1; then
    printf '%-28s %5d s\n' "$name" $((SECONDS - started))
  else
    printf '%-28s %5d s  FAILED (see %s)\n' "$name" $((SECONDS - started)) "${work}/${name//[ \/]/-}.log"
    failed=1
  fi
}

if [[ "$mode" == ci ]]; then
  measure ".ci/run" bash .ci/run
  tail -n 3 "${work}/.ci-run.log"
else
  measure "npm ci" npm ci --no-audit --no-fund
  measure "upstream files" bash tools/parts/upstream-files.sh --all
  measure "pulumi toolchain" bash tools/parts/pulumi-toolchain.sh
  measure "local cluster" bash tools/parts/local-cluster/build.sh
  measure "data path (FerretDB v1)" bash tools/commands/install-integration-deps.sh
  measure "up:local staging" npm run -s up:local -- staging
  measure "down:local" npm run -s down:local
  measure "cnpg operator" bash tools/parts/cnpg-operator/build.sh
fi
printf '%-28s %5d s (%d min)\n' "total" $((SECONDS - total_started)) $(((SECONDS - total_started + 59) / 60))
if [[ "${KEEP_COLD_HOME:-}" != 1 ]]; then
  chmod -R u+w "$cold_home" 2>/dev/null
  rm -rf "$cold_home"
fi
exit "$failed"
