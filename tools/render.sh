#!/usr/bin/env bash
# Renders a stack's Kubernetes manifests with the real Pulumi engine, offline:
#
#   npm run render -- <stack> [extra pulumi up flags]      (staging | production)
#
# `pulumi up --yes` of the stack on a local file backend under .cache/ (gitignored), with
# renderYamlToDirectory=rendered/<stack> and postDeployCheck=off, and the policy pack enforced
# (--policy-pack policies --policy-pack-config policies/config/<stack>.json). Nothing in the repo
# is modified: the run uses a scratch copy of the project directory (.cache/render/<stack>/project)
# whose Pulumi.<stack>.yaml is a copy of the committed one plus generated test secrets.
# Every run starts from an empty stack and an empty rendered/<stack>, so the output is complete.
# rendered/ holds Secrets in plaintext (test values): it is gitignored, never commit it.
#
# Env: RENDER_KEEP_STATE=1 keeps the previous state (an update instead of a fresh create);
# PULUMI_TOOLCHAIN_CACHE as for tools/pulumi-toolchain.sh (built on first use).
set -euo pipefail

stack="${1:-}"
[ $# -gt 0 ] && shift
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "$stack" ] || [ ! -f "$repo/Pulumi.$stack.yaml" ]; then
  echo "usage: npm run render -- <stack> (one of: $(cd "$repo" && ls Pulumi.*.yaml | sed -n 's/^Pulumi\.\(.*\)\.yaml$/\1/p' | grep -v '^$' | tr '\n' ' '))" >&2
  exit 2
fi
policy_config="$repo/policies/config/$stack.json"
[ -f "$policy_config" ] || {
  echo "render: no policy config $policy_config" >&2
  exit 2
}

toolchain_env="$("$repo/tools/pulumi-toolchain.sh")" # builds the engine on first use
eval "$toolchain_env"

if [ ! -d "$repo/policies/node_modules/@pulumi/policy" ]; then
  echo "render: installing the policy pack's dependencies (npm ci in policies/)" >&2
  (cd "$repo/policies" && npm ci --no-audit --no-fund >&2)
fi

work="$repo/.cache/render/$stack"
proj="$work/project"
export PULUMI_BACKEND_URL="file://$work/backend"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-offline-render-$stack}"
unset PULUMI_CONFIG_PASSPHRASE_FILE

if [ "${RENDER_KEEP_STATE:-0}" != 1 ]; then
  rm -rf "$work" "$repo/rendered/$stack"
fi
mkdir -p "$proj" "$work/backend" "$repo/rendered"

# Scratch project: links to the program, copies of the project and stack files.
for f in index.ts outputs.ts components config node_modules package.json tsconfig.json rendered; do
  ln -sfn "$repo/$f" "$proj/$f"
done
cp "$repo/Pulumi.yaml" "$proj/Pulumi.yaml"
cd "$proj"

if ! pulumi stack select "$stack" --non-interactive 2>/dev/null; then
  cp "$repo/Pulumi.$stack.yaml" "$proj/Pulumi.$stack.yaml"
  pulumi stack init "$stack" --non-interactive --secrets-provider passphrase >&2
  # Test secrets, generated per stack and kept in the scratch stack file only (as ciphertext).
  gen() { node -e 'process.stdout.write(require("crypto").randomBytes(18).toString("base64url"))'; }
  pulumi config set --secret apiSecret "$(gen)" >/dev/null
  if grep -Eq '^[[:space:]]*nightscout:(backupDestinationPath|restoreFromServerName):' "Pulumi.$stack.yaml"; then
    pulumi config set --secret backupAccessKeyId "offline-$(gen)" >/dev/null
    pulumi config set --secret backupSecretAccessKey "$(gen)" >/dev/null
  fi
fi
pulumi config set renderYamlToDirectory "rendered/$stack" >/dev/null
pulumi config set postDeployCheck off >/dev/null

start=$SECONDS
pulumi up --yes --non-interactive --skip-preview \
  --policy-pack "$repo/policies" --policy-pack-config "$policy_config" "$@"
echo "render: $stack rendered into rendered/$stack in $((SECONDS - start)) s" \
  "($(find "$repo/rendered/$stack" -type f | wc -l) files)" >&2
