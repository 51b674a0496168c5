# Source this file (bash) to use the offline Pulumi engine built by tools/parts/pulumi-toolchain.sh:
#   source tools/parts/pulumi-env.sh
# It sets PATH, PULUMI_HOME, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION and PULUMI_SKIP_UPDATE_CHECK;
# the backend (PULUMI_BACKEND_URL) and the passphrase are left to the caller.
eval "$("$(dirname "${BASH_SOURCE[0]}")/pulumi-toolchain.sh" --env)"
"$(dirname "${BASH_SOURCE[0]}")/pulumi-toolchain.sh" --check ||
  echo "pulumi-env: run tools/parts/pulumi-toolchain.sh first" >&2
