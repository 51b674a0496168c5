#!/usr/bin/env bash
# The upstream files (tools/parts/upstream-files.txt: CRDs, release manifests, kwok Stages), from the
# Go modules of the projects that publish them, in the cache and checked against the table's
# sha256. Prints where they are:
#
#   tools/parts/upstream-files.sh --crd-dir           the folder holding every `crd` row under its name
#   tools/parts/upstream-files.sh --manifest-dir      the folder holding every `manifest` row
#   tools/parts/upstream-files.sh --manifest <name>   the path of one release manifest
#   tools/parts/upstream-files.sh --stage-dir         the folder holding every `stage` row (kwok Stages)
#   tools/parts/upstream-files.sh --all               all three folders, one a line
#
# A warm run hashes the cached files and touches no network. A file that is missing or whose
# sha256 is not the table's is fetched again: `go mod download -json <module>@<version>` (the
# Go module proxy; Go's checksum database verifies the zip), then the file is copied out of the
# module and checked. Nothing is ever used without its hash matching.
#
# Cache: $NIGHTSCOUT_UPSTREAM_CACHE (default ~/.cache/nightscout-stack/upstream), laid out as
#   <module>@<version>/<path in the module>        the copies, by version
#   crds/<name>, manifests/<name>, stages/<name>   links to them under the names the project uses
# UPSTREAM_FILES_TABLE names another table (the tests use it).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
table="${UPSTREAM_FILES_TABLE:-$here/upstream-files.txt}"
cache="${NIGHTSCOUT_UPSTREAM_CACHE:-$HOME/.cache/nightscout-stack/upstream}"

die() {
  printf 'upstream-files: %s\n' "$*" >&2
  exit 1
}

usage="usage: tools/parts/upstream-files.sh --crd-dir | --manifest-dir | --manifest <name> | --stage-dir | --all"
want=""
manifest=""
case "${1:-}" in
  --crd-dir | --manifest-dir | --stage-dir | --all) want="$1" ;;
  --manifest)
    want="$1"
    manifest="${2:-}"
    [ -n "$manifest" ] || die "--manifest needs a name. $usage"
    ;;
  *) die "unknown argument '${1:-}'. $usage" ;;
esac

kinds=() names=() modules=() paths=() sums=()
while read -r kind name module path sum rest; do
  case "$kind" in '' | '#'*) continue ;; esac
  [[ "$kind" =~ ^(crd|manifest|stage)$ && "$module" == *@* && "$sum" =~ ^[0-9a-f]{64}$ && -z "$rest" ]] ||
    die "$table: malformed row for '$name' (want: kind name module@version path sha256)"
  kinds+=("$kind") names+=("$name") modules+=("$module") paths+=("$path") sums+=("$sum")
done <"$table"

if [ "$want" = --manifest ]; then
  found=""
  for i in "${!names[@]}"; do
    [ "${kinds[$i]}" = manifest ] && [ "${names[$i]}" = "$manifest" ] && found=1
  done
  [ -n "$found" ] || die "no release manifest '$manifest' in $table"
fi

view_of() {
  case "$1" in
    crd) echo "$cache/crds" ;;
    manifest) echo "$cache/manifests" ;;
    stage) echo "$cache/stages" ;;
  esac
}
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# The rows whose file in its view is missing or not the table's (one sha256sum for all).
stale() {
  local i file sum present=()
  local -A actual=()
  for i in "${!names[@]}"; do
    file="$(view_of "${kinds[$i]}")/${names[$i]}"
    [ -f "$file" ] && present+=("$file")
  done
  if [ "${#present[@]}" -gt 0 ]; then
    while read -r sum file; do actual[$file]="$sum"; done < <(sha256sum "${present[@]}")
  fi
  for i in "${!names[@]}"; do
    file="$(view_of "${kinds[$i]}")/${names[$i]}"
    [ "${actual[$file]:-}" = "${sums[$i]}" ] || echo "$i"
  done
}

mapfile -t todo < <(stale)
if [ "${#todo[@]}" -gt 0 ]; then
  command -v go >/dev/null ||
    die "the upstream files (CRDs, release manifests, kwok Stages) come from Go modules, and go is not on PATH. Fix: install Go (https://go.dev/dl/), then run bash tools/parts/upstream-files.sh --all"
  mkdir -p "$cache/crds" "$cache/manifests" "$cache/stages"
  # One fetch at a time: jest's global setup, start.sh and a shell may all ask at once.
  exec 9>"$cache/.lock"
  flock 9
  mapfile -t todo < <(stale)
  declare -A dirs=()
  for i in "${todo[@]}"; do
    module="${modules[$i]}"
    if [ -z "${dirs[$module]:-}" ]; then
      printf '[upstream-files] go mod download %s\n' "$module" >&2
      # Outside any module, so no go.mod or go.work of the caller's applies.
      if ! json="$(cd / && GOWORK=off GOFLAGS=-mod=mod go mod download -json "$module" 2>&1)"; then
        reason="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' | tail -n 1 | sed 's/\\n\\t\{0,1\}/ /g; s/\.$//')"
        die "go mod download $module failed: ${reason:-$(printf '%s\n' "$json" | tail -n 1)}. Fix: let go reach its module proxy ($(go env GOPROXY)), then run bash tools/parts/upstream-files.sh --all"
      fi
      dirs[$module]="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
      [ -d "${dirs[$module]}" ] || die "go mod download $module printed no module directory"
    fi
    src="${dirs[$module]}/${paths[$i]}"
    [ -f "$src" ] || die "$module has no ${paths[$i]} (row '${names[$i]}' of $table)"
    actual="$(sha_of "$src")"
    [ "$actual" = "${sums[$i]}" ] ||
      die "$module ${paths[$i]} has sha256 $actual, $table records ${sums[$i]} for '${names[$i]}'. Fix: if you are moving to this version on purpose, compare the file with the old one and update the row (docs/upstream-files.md)"
    copy="$cache/$module/${paths[$i]}"
    mkdir -p "$(dirname "$copy")"
    # Write beside, then rename: a reader never sees half a file.
    cp "$src" "$copy.tmp.$$" && chmod 644 "$copy.tmp.$$" && mv -f "$copy.tmp.$$" "$copy"
    link="$(view_of "${kinds[$i]}")/${names[$i]}"
    ln -sfn "$copy" "$link.tmp.$$" && mv -Tf "$link.tmp.$$" "$link"
  done
  mapfile -t todo < <(stale)
  [ "${#todo[@]}" -eq 0 ] || die "still not matching the table after fetching: ${names[${todo[0]}]}"
  flock -u 9
fi

case "$want" in
  --crd-dir) echo "$cache/crds" ;;
  --manifest-dir) echo "$cache/manifests" ;;
  --manifest) echo "$cache/manifests/$manifest" ;;
  --stage-dir) echo "$cache/stages" ;;
  --all) printf '%s\n' "$cache/crds" "$cache/manifests" "$cache/stages" ;;
esac
