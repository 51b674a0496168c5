#!/usr/bin/env bash
# Measures what CI's builds cost on a fresh machine: every build script runs one after the other,
# as .ci/run runs them, with HOME pointed at an empty directory, so the project caches
# (~/.cache/nightscout-stack), the Go module and build caches and the npm cache all start cold.
# Debian packages are system-wide and stay installed: their install time is measured once in
# docs/data-path.md (about 50 s) and is not repeated here.
#
#   bash tools/measure-cold-builds.sh [clone-dir]     prints one line per build, then the total
#
# Runs on a fresh clone of the repository (the working tree's committed state), so nothing of
# the working copy's node_modules or caches is reused. Removes its HOME afterwards.
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d /tmp/nightscout-cold-XXXXXX)}"
cold_home="${work}/home"
mkdir -p "$cold_home"
git clone -q "$repo" "${work}/repo"
# ../shared (the vendored upstream sources) stays reachable from the clone, as in the workplace.
[[ -d "${repo}/../shared" && ! -e "${work}/shared" ]] && ln -s "$(cd "${repo}/../shared" && pwd)" "${work}/shared"
cd "${work}/repo"

export HOME="$cold_home" CI=true
unset GOPATH GOMODCACHE GOCACHE npm_config_cache
total_started=$SECONDS
failed=0

measure() {
  local name=$1 started=$SECONDS
  shift
  if "$@" >"${work}/${name// /-}.log" 2>&1; then
    printf '%-28s %5d s\n' "$name" $((SECONDS - started))
  else
    printf '%-28s %5d s  FAILED (see %s)\n' "$name" $((SECONDS - started)) "${work}/${name// /-}.log"
    failed=1
  fi
}

measure "npm ci" npm ci --no-audit --no-fund
measure "data path + FerretDB v1" bash tools/install-integration-deps.sh
measure "pulumi toolchain" bash tools/pulumi-toolchain.sh
[[ -f tools/local-cluster/build.sh ]] && measure "local cluster" bash tools/local-cluster/build.sh
printf '%-28s %5d s (%d min)\n' "total" $((SECONDS - total_started)) $(((SECONDS - total_started + 59) / 60))
if [[ "${KEEP_COLD_HOME:-}" != 1 ]]; then
  chmod -R u+w "$cold_home" 2>/dev/null
  rm -rf "$cold_home"
fi
exit "$failed"
