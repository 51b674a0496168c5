#!/usr/bin/env bash
# Installs and builds what the integration, migration and local-cluster tests need, each from a
# package registry and cached under ~/.cache/nightscout-stack by version. Idempotent, no prompts;
# a warm run takes about a second. The one build entry is tools/parts/data-path/build.sh (Debian's
# PostgreSQL 15, FerretDB v1.24.2 and json_exporter v0.7.0 from the Go module proxy); this
# script runs it and keeps its env lines off the terminal.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
started=$SECONDS
bash "${here}/../parts/data-path/build.sh" >/dev/null
echo "install-integration-deps: data path ready in $((SECONDS - started)) s" >&2
