/**
 * `npm run up:local -- <stack>`: a real `pulumi up` of the stack against the local cluster.
 *
 * Starts the local cluster if it does not run (tools/parts/local-cluster/start.sh; builds it the
 * first time), starts a local FerretDB behind the cluster's port-forward route
 * (tools/parts/local-cluster/ferretdb.ts), and runs `pulumi up` with the policy pack on a local file
 * backend under .cache/up-local/<stack>/ (kept between runs, so a second run shows what
 * changed). The post-deploy check runs inside the update, through `kubectl port-forward`.
 * Then prints the outputs (secrets stay hidden) and how to look at what was deployed.
 * `npm run down:local` stops the cluster and removes that state.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { enterNetns } from "../../lib/netns";
import { ROOT, ensurePolicyPackDeps, policyArgs, toolchainEnv } from "../../lib/offline-engine";
import { localStack, stackNamespace, startLocalCluster } from "./cluster";
import { startLocalFerretDb } from "./ferretdb";

function stacks(): string[] {
  return fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);
}

async function main(): Promise<number> {
  const [stack, ...extra] = process.argv.slice(2);
  if (!stack || !stacks().includes(stack)) {
    console.error(`usage: npm run up:local -- <stack> (one of: ${stacks().join(", ")})`);
    return 2;
  }
  const started = Date.now();
  // Builds first; then the cluster, the engine and the check run where only loopback exists.
  const outside = enterNetns();
  if (outside !== undefined) return outside;
  toolchainEnv();
  ensurePolicyPackDeps();
  const cluster = startLocalCluster();
  const namespace = stackNamespace(stack);
  const s = localStack(cluster, stack, { keep: true });
  console.log(
    [
      "up:local: the engine runs the program through the Automation API, inline (no language host);",
      "  the policy pack runs through tools/parts/engine/run-policy-pack;",
      "  resource-command is the project's own STAND-IN for pulumi-command (tools/parts/command-provider),",
      "  not the real provider, which no package registry serves;",
      "  everything below runs inside the network namespace nightscout-local (loopback only).",
    ].join("\n"),
  );
  const ferretdb = await startLocalFerretDb({
    clusterDir: cluster.dir,
    kubeconfig: cluster.kubeconfig,
    namespaces: [namespace],
  });
  let status: number | null;
  try {
    const up = await s.pulumiAsync(
      ["up", "--yes", "--skip-preview", ...policyArgs(stack), ...extra],
      {
        echo: true,
      },
    );
    status = up.status;
  } finally {
    await ferretdb.stop();
  }
  if (status !== 0) {
    console.error(`up:local: pulumi up of ${stack} failed (exit ${status})`);
    return status ?? 1;
  }
  const outputs = s.pulumi(["stack", "output", "--json"]);
  console.log(`\nOutputs of ${stack} (secrets hidden):\n${outputs.stdout}`);
  console.log(
    [
      `up:local: ${stack} deployed to the local cluster in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
      "How to look (the cluster listens inside the network namespace nightscout-local only):",
      `  bash tools/parts/netns.sh exec ${path.join(cluster.binDirs[0], "kubectl")} --kubeconfig ${cluster.kubeconfig} \\`,
      `    get all,cluster.postgresql.cnpg.io,ingress,networkpolicy,secret -n ${namespace}`,
      `  The stack's project and state: ${s.base} (a local file backend)`,
      "Pods run on kwok (no containers start); the CNPG Cluster and the Ingress are marked ready by",
      "stand-ins; FerretDB behind the port-forward was local and stopped with this command.",
      "See docs/local-cluster.md. Tear down: npm run down:local",
    ].join("\n"),
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(`up:local: ${err.message}`);
    process.exitCode = 1;
  },
);
