#!/usr/bin/env bash
# Runs `promtool test rules` on the alert rules' unit tests (monitoring/tests/*.yaml).
#
# promtool comes from Debian's `prometheus` package. Installing that package would start a
# Prometheus server (its postinst enables the service), so the package is downloaded with
# apt and only its promtool binary is unpacked into the cache, keyed by the package version:
#   ~/.cache/nightscout-stack/prometheus-<version>/usr/bin/promtool
# A promtool already on PATH (any 2.x) is used as is; PROMTOOL=/path overrides both.
# Idempotent: a cached binary is reused; the download runs under the shared build lock.
#
# Usage: tools/parts/promtool.sh [--path-only] [promtool test rules args...]
#   --path-only  prints the promtool path (installing it if needed) and exits.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
cache="${HOME}/.cache/nightscout-stack"
mkdir -p "${cache}"

find_promtool() {
  if [[ -n "${PROMTOOL:-}" ]]; then
    echo "${PROMTOOL}"
    return
  fi
  if command -v promtool >/dev/null 2>&1; then
    command -v promtool
    return
  fi
  local cached
  cached=$(ls -1d "${cache}"/prometheus-*/usr/bin/promtool 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n "${cached}" && -x "${cached}" ]] && echo "${cached}"
}

install_promtool() {
  local started version dir tmp
  started=$(date +%s)
  if ! apt-cache policy prometheus 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt-get update -qq >&2
  fi
  version=$(apt-cache policy prometheus | sed -n 's/^ *Candidate: //p')
  if [[ -z "${version}" || "${version}" == "(none)" ]]; then
    echo "promtool.sh: apt knows no 'prometheus' package; set PROMTOOL=/path/to/promtool" >&2
    exit 1
  fi
  dir="${cache}/prometheus-${version}"
  if [[ ! -x "${dir}/usr/bin/promtool" ]]; then
    tmp=$(mktemp -d)
    # Downloaded as root into a private folder: no sandbox user needed.
    (cd "${tmp}" && apt-get download -qq -o APT::Sandbox::User=root "prometheus=${version}" >&2)
    rm -rf "${dir}.partial"
    dpkg-deb -x "${tmp}"/prometheus_*.deb "${dir}.partial"
    rm -rf "${tmp}"
    mv "${dir}.partial" "${dir}"
    echo "promtool.sh: unpacked promtool from Debian prometheus ${version} into ${dir} in $(($(date +%s) - started)) s" >&2
  fi
}

promtool=$(find_promtool || true)
if [[ -z "${promtool}" ]]; then
  # Another agent may be installing the same thing: one at a time, then look again.
  flock "${cache}/.build.lock" bash -c "$(declare -f install_promtool); cache='${cache}'; install_promtool"
  promtool=$(find_promtool)
fi

if [[ "${1:-}" == "--path-only" ]]; then
  echo "${promtool}"
  exit 0
fi

cd "${root}"
if [[ $# -eq 0 ]]; then
  set -- monitoring/tests/*.yaml
fi
exec "${promtool}" test rules "$@"
