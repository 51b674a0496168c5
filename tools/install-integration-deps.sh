#!/usr/bin/env bash
# Installs what `npm run test:integration` and `npm run bench:check` need, idempotently and
# without prompts: Debian's PostgreSQL 15 (server binaries, psql, the postgres user the tests
# run it as when root) and a FerretDB v1.24.2 binary built into the cache (tools/ferretdb.sh).
# Go itself comes with the machine; FerretDB v1.24.2 needs Go >= 1.24.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  sudo=(sudo -n)
fi

packages=()
[[ -x "${pg_bin}/initdb" && -x "${pg_bin}/psql" ]] || packages+=(postgresql-15 postgresql-client-15)
command -v ps >/dev/null 2>&1 || packages+=(procps)
command -v flock >/dev/null 2>&1 || packages+=(util-linux)

if ((${#packages[@]} > 0)); then
  echo "install-integration-deps: installing ${packages[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  # --no-upgrade: an already installed PostgreSQL is left at its version.
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends --no-upgrade "${packages[@]}" >&2
else
  echo "install-integration-deps: PostgreSQL 15 already installed" >&2
fi

if [[ "$(id -u)" -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
  # PostgreSQL refuses to run as root; the harness runs it as this user.
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-integration-deps: 'go' is not on PATH; FerretDB v1.24.2 needs Go >= 1.24" >&2
  exit 1
fi

bash "${here}/ferretdb.sh" >/dev/null
echo "install-integration-deps: FerretDB at $(bash "${here}/ferretdb.sh")" >&2
