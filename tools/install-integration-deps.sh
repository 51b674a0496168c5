#!/usr/bin/env bash
# Installs and builds what the integration, migration and local-cluster tests need, each cached
# under ~/.cache/nightscout-stack by version, one after the other. Idempotent, no prompts.
#   - the real data path (tools/data-path/build.sh): Debian's PostgreSQL 15 and build packages,
#     pgvector, DocumentDB, FerretDB v2.5.0 and v2.7.0, Nightscout 15.0.7;
#   - FerretDB v1.24.2 (tools/ferretdb.sh): the migration tests' stand-in for a target that
#     refuses documents FerretDB v2 stores (tests/migrate/servers/ferretdbV1.ts).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "${here}/data-path/build.sh" >/dev/null
echo "install-integration-deps: FerretDB v1 at $(bash "${here}/ferretdb.sh")" >&2
