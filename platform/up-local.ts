/**
 * `npm run up:platform`: the platform stack for real on a private local cluster
 * (tools/parts/local-cluster: a real kube-apiserver, kwok in place of kubelets), then the app's
 * staging stack reading its outputs through a StackReference, twice:
 *
 * 1. `pulumi up` of platform/ (stack `local`: CloudNative-PG 1.30.0 into `db-operators`, the
 *    prometheus-operator CRDs; no plugin, the local cluster has no cert-manager), then kubectl
 *    lists what it created;
 * 2. `pulumi up` of a second platform stack `old` that installs nothing and reports an operator
 *    1.25.3 managed elsewhere;
 * 3. `pulumi preview` of staging with `platformStack` = local (renders manifests instead of
 *    applying them: kwok runs no webhook server, and the CNPG webhooks now guard Clusters): the
 *    database's network policy admits `db-operators`, read from the platform stack;
 * 4. the same with `platformStack` = old: refused with the config error, nothing deployed.
 *
 * The cluster is private (.cache/platform-local/cluster), started fresh and stopped at the end
 * (`--keep` leaves it running), so the CRDs it preinstalls for the app's own tests are removed
 * first and nobody else's cluster gets the operator's webhooks.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { enterNetns } from "../tools/lib/netns";
import { ROOT, runPulumi, scratchStack, toolchainEnv } from "../tools/lib/offline-engine";
import { CONTEXT, startLocalCluster } from "../tools/parts/local-cluster/cluster";

const BASE = path.join(ROOT, ".cache", "platform-local");
const PASSPHRASE = "platform-local-passphrase";
const PLATFORM_FILES = [
  "index.ts",
  "program.ts",
  "config.ts",
  "manifests.ts",
  "transforms.ts",
  "components",
];
/** The CRDs start.sh installs for the app's tests; the platform stack installs its own. */
const PREINSTALLED_CRDS = [
  "clusters.postgresql.cnpg.io",
  "backups.postgresql.cnpg.io",
  "scheduledbackups.postgresql.cnpg.io",
  "objectstores.barmancloud.cnpg.io",
  "podmonitors.monitoring.coreos.com",
  "prometheusrules.monitoring.coreos.com",
];

const CLUSTER_DIR = path.join(BASE, "cluster");

/** Stops this script's own cluster (never the shared one), so each run starts clean. */
function stopPrivateCluster(): void {
  spawnSync("bash", [path.join(ROOT, "tools", "parts", "local-cluster", "stop.sh")], {
    stdio: "inherit",
    env: { ...process.env, LOCAL_CLUSTER_DIR: CLUSTER_DIR },
  });
}

function step(what: string): () => void {
  const started = Date.now();
  console.log(`\n=== ${what}`);
  return () => console.log(`=== ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** A scratch copy of platform/ (symlinks, so imports resolve to the real files) with its own stacks. */
function platformProject(env: NodeJS.ProcessEnv) {
  const dir = path.join(BASE, "platform");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of PLATFORM_FILES) fs.symlinkSync(path.join(ROOT, "platform", f), path.join(dir, f));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
  fs.copyFileSync(path.join(ROOT, "platform", "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  let selected: string | undefined;
  const pulumi = (args: string[]) => {
    const r = runPulumi(dir, env, args, selected);
    if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed:\n${r.output}`);
    return r.output;
  };
  /** A new stack, selected from then on, on the private cluster's context with `config` set. */
  const initStack = (stack: string, config: Record<string, string>) => {
    pulumi(["stack", "init", stack, "--secrets-provider", "passphrase"]);
    selected = stack;
    for (const [k, v] of Object.entries({ kubeContext: CONTEXT, ...config }))
      pulumi(["config", "set", k, v]);
  };
  return { dir, pulumi, initStack };
}

function main(): number {
  // Builds first; then the cluster and the engine run where only loopback exists.
  const outside = enterNetns();
  if (outside !== undefined) return outside;
  const backend = path.join(BASE, "backend");
  fs.rmSync(backend, { recursive: true, force: true });
  fs.mkdirSync(backend, { recursive: true });

  let done = step("local cluster (private, fresh)");
  stopPrivateCluster();
  const cluster = startLocalCluster({ dir: CLUSTER_DIR });
  const deleted = cluster.kubectl(["delete", "crd", "--ignore-not-found", ...PREINSTALLED_CRDS]);
  if (deleted.status !== 0) throw new Error(`kubectl delete crd failed: ${deleted.stderr}`);
  done();

  const env: NodeJS.ProcessEnv = {
    ...toolchainEnv(),
    ...cluster.env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
  };
  const platform = platformProject(env);

  done = step("pulumi up: platform stack local");
  platform.initStack("local", {
    operatorNamespace: "db-operators",
    installBarmanPlugin: "false",
    monitoringCrds: "install",
  });
  console.log(platform.pulumi(["up", "--yes", "--skip-preview"]).split("\n").slice(-12).join("\n"));
  console.log(platform.pulumi(["stack", "output", "--json"]));
  done();
  for (const args of [
    ["get", "crd", "-o", "name"],
    ["get", "deploy,svc,sa,cm", "-n", "db-operators"],
    [
      "get",
      "clusterrole,mutatingwebhookconfiguration,validatingwebhookconfiguration",
      "-o",
      "name",
    ],
  ]) {
    const r = cluster.kubectl(args);
    console.log(`$ kubectl ${args.join(" ")}\n${r.stdout}${r.stderr}`);
  }

  done = step("pulumi up: platform stack old (installs nothing, operator 1.25.3 elsewhere)");
  platform.initStack("old", {
    installCnpg: "false",
    externalOperatorVersion: "1.25.3",
    installBarmanPlugin: "false",
  });
  platform.pulumi(["up", "--yes", "--skip-preview"]);
  console.log(platform.pulumi(["stack", "output", "--json"]));
  done();

  done = step("app stack staging, platformStack = organization/nightscout-platform/local");
  const rendered = path.join(BASE, "rendered");
  fs.rmSync(rendered, { recursive: true, force: true });
  const app = scratchStack("staging", {
    area: "platform-local",
    name: "app",
    // No KUBECONFIG: the provider refuses it beside renderYamlToDirectory.
    env: { PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
    config: {
      platformStack: "organization/nightscout-platform/local",
      renderYamlToDirectory: rendered,
      postDeployCheck: "off",
    },
  });
  const good = app.pulumi(["up", "--yes", "--skip-preview"]);
  console.log(good.output.split("\n").slice(-8).join("\n"));
  const policies = fs
    .readdirSync(path.join(rendered, "1-manifest"))
    .filter((f) => f.includes("networkpolicy"))
    .map((f) => fs.readFileSync(path.join(rendered, "1-manifest", f), "utf8"));
  const admitsOperator = policies.some((p) => p.includes("db-operators"));
  console.log(`rendered NetworkPolicies admitting db-operators: ${admitsOperator}`);
  done();

  done = step("app stack staging, platformStack = organization/nightscout-platform/old");
  app.pulumi(["config", "set", "platformStack", "organization/nightscout-platform/old"]);
  const refused = app.pulumi(["preview"]);
  const message = refused.output.split("\n").find((l) => l.includes("older than")) ?? "";
  console.log(`exit ${refused.status}: ${message.trim()}`);
  done();

  if (!process.argv.includes("--keep")) stopPrivateCluster();
  const ok = good.status === 0 && admitsOperator && refused.status !== 0 && message !== "";
  console.log(`\nup:platform ${ok ? "passed" : "FAILED"}`);
  return ok ? 0 : 1;
}

process.exitCode = main();
