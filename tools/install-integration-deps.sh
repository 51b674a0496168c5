#!/usr/bin/env bash
# Installs and builds what `npm run test:integration`, `npm run bench:check` and a local FerretDB
# for `npm run up:local` need: the real data path from tools/data-path/build.sh (Debian's
# PostgreSQL 15 and build packages, pgvector, DocumentDB, FerretDB v2.5.0 and v2.7.0, Nightscout
# 15.0.7), each cached under ~/.cache/nightscout-stack by version. Idempotent, no prompts.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "${here}/data-path/build.sh"
