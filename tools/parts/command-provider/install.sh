#!/usr/bin/env bash
# Installs the project's STAND-IN for pulumi-command (not the real provider: no package registry
# serves it, see docs/command-provider.md) as a Pulumi plugin.
#
#   install.sh <plugin-dir> <version>           write <plugin-dir>/pulumi-resource-command, a
#                                               launcher that runs this checkout's provider with
#                                               this checkout's node and node_modules, and its
#                                               stamp
#   install.sh --check <plugin-dir> <version>   exit 0 when what is installed there is current
#
# The plugin directory is $PULUMI_HOME/plugins/resource-command-v<version>; <version> is what the
# provider reports to GetPluginInfo. The stamp names the version, the hash of the provider's
# sources, the checkout and node, so editing the provider, moving to another clone or another
# node makes --check fail and the next install rewrite the launcher.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
say() { printf '[command-provider] %s\n' "$*" >&2; }
usage() {
  echo "usage: $0 [--check] <plugin-dir> <version>   (e.g. ~/.cache/nightscout-stack/pulumi/home/plugins/resource-command-v1.2.1 1.2.1)" >&2
  exit 2
}

mode=install
if [ "${1:-}" = --check ]; then
  mode=check
  shift
fi
[ $# -eq 2 ] || usage
plugin_dir=$1
version=$2
# The engine parses the directory name's version as semver; anything else would never be found.
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || {
  say "version '$version' is not a semver version like 1.2.1 (the @pulumi/command pin in package.json)"
  exit 2
}

node="$(command -v node || true)"
[ -n "$node" ] || {
  say "node is not on PATH (Node.js 20 or 22 is needed)"
  exit 1
}
node="$(readlink -f "$node")"
# The launcher embeds these paths in a JavaScript string inside single quotes.
for p in "$repo" "$node"; do
  case "$p" in
    *[\'\"\\]* | *$'\n'*)
      say "path '$p' contains a quote, backslash or newline, which the launcher cannot embed; use a checkout path without them"
      exit 1
      ;;
  esac
done

launcher="$plugin_dir/pulumi-resource-command"
stamp="$launcher.stamp"

sources_hash() {
  (cd "$here" && find . -type f \( -name '*.ts' -o -name '*.sh' \) -print | LC_ALL=C sort |
    xargs sha256sum) | sha256sum | cut -d' ' -f1
}

# The launcher's own text counts too: it names main.ts's path, which a move of this folder changes.
expected_stamp() {
  printf 'version %s\nsources sha256:%s\ncheckout %s\nnode %s\nlauncher sha256:%s\n' \
    "$version" "$(sources_hash)" "$repo" "$node" "$(launcher_text | sha256sum | cut -d' ' -f1)"
}

launcher_text() {
  cat <<EOF
#!/bin/sh
# pulumi-resource-command v$version: the nightscout-stack project's STAND-IN for pulumi-command,
# not the real provider (docs/command-provider.md). Written by tools/parts/command-provider/install.sh
# from $repo; runs that checkout's tools/parts/command-provider/main.ts with its node_modules.
exec '$node' -e 'require("$repo/node_modules/ts-node").register({ transpileOnly: true, project: "$repo/tsconfig.json" }); require("$repo/tools/parts/command-provider/main.ts").start("$version", process.argv.slice(1)).catch((e) => { console.error(e); process.exit(1); });' -- "\$@"
EOF
}

if [ "$mode" = check ]; then
  [ -x "$launcher" ] || exit 1
  [ "$(cat "$stamp" 2>/dev/null)" = "$(expected_stamp)" ] || exit 1
  [ "$(cat "$launcher")" = "$(launcher_text)" ] || exit 1
  exit 0
fi

for m in ts-node @pulumi/pulumi @grpc/grpc-js; do
  [ -e "$repo/node_modules/$m/package.json" ] || {
    say "$repo/node_modules/$m is missing. Fix: (cd $repo && npm ci)"
    exit 1
  }
done

mkdir -p "$plugin_dir"
tmp="$(mktemp "$plugin_dir/.pulumi-resource-command.XXXXXX")"
trap 'rm -f "$tmp" "$tmp.out" "$tmp.err"' EXIT
launcher_text >"$tmp"
chmod 755 "$tmp"

# Smoke test before it replaces anything: the engine reads the gRPC port from the first line.
"$tmp" >"$tmp.out" 2>"$tmp.err" </dev/null &
pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(head -n1 "$tmp.out" 2>/dev/null || true)"
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
[[ "$port" =~ ^[0-9]+$ ]] || {
  say "the launcher did not print a port within 10 s; its stderr:"
  cat "$tmp.err" >&2
  exit 1
}

mv -f "$tmp" "$launcher"
expected_stamp >"$stamp"
say "installed $launcher (v$version, the project's stand-in for pulumi-command, from $repo)"
