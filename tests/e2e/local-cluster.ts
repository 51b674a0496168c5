/**
 * Shared set-up of the e2e tests on the local cluster (tools/parts/local-cluster): a cluster of the
 * tests' own (state in .cache/e2e/local-cluster, never the one `npm run up:local` uses),
 * stacks on it, the local FerretDB behind the port-forward route, and small readers of what
 * the engine and the API server say. The cluster is stopped by the e2e global teardown.
 * Also examples/consumer deployed beside a scratch stack, for the engine tests as well.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  PROJECT,
  ROOT,
  ensurePolicyPackDeps,
  policyArgs,
  runPulumi,
  toolchainEnv,
  type RunResult,
  type ScratchStack,
} from "../../tools/lib/offline-engine";
import {
  localStack,
  stackNamespace,
  startLocalCluster,
  type LocalCluster,
} from "../../tools/parts/local-cluster/cluster";
import { startLocalFerretDb, type LocalFerretDb } from "../../tools/parts/local-cluster/ferretdb";

export const E2E_CLUSTER_DIR = path.join(ROOT, ".cache", "e2e", "local-cluster");

/** The tests' cluster, started (and built, the first time) if it does not run. */
export function e2eCluster(): LocalCluster {
  toolchainEnv();
  ensurePolicyPackDeps();
  return startLocalCluster({ dir: E2E_CLUSTER_DIR });
}

/**
 * Removes a namespace left by an earlier run on a kept cluster (E2E_KEEP_CLUSTER), so a fresh
 * stack never meets objects it did not create.
 */
export function freshNamespace(cluster: LocalCluster, namespace: string): void {
  const r = cluster.kubectl([
    "delete",
    "namespace",
    namespace,
    "--ignore-not-found",
    "--wait=true",
    "--timeout=120s",
  ]);
  if (r.status !== 0) throw new Error(`kubectl delete namespace ${namespace}: ${r.stderr}`);
}

/**
 * A test file's stack on the tests' cluster (stackOnE2eCluster). `cluster`, `stack` and
 * `ferretdb` exist once the file's beforeAll has run, and throw before.
 */
export interface E2eClusterStack {
  /** The namespace the stack deploys into (its committed stack file's). */
  readonly namespace: string;
  readonly cluster: LocalCluster;
  /** The scratch stack (area e2e-cluster) deploying to `cluster`. */
  readonly stack: ScratchStack;
  /** The local FerretDB behind the port-forward route, serving `namespace`. */
  readonly ferretdb: LocalFerretDb;
  /** Every engine output of up() and refresh(), for the secrecy tests. */
  readonly outputs: string[];
  /** `pulumi up --yes --skip-preview` with the stack's policy pack, then `args`. */
  up(args?: string[]): Promise<RunResult>;
  /** `pulumi refresh --yes`, then `args`. */
  refresh(args?: string[]): Promise<RunResult>;
}

/**
 * A test file's stack on the tests' cluster. Registers the file's beforeAll (the cluster
 * started, the stack's namespace emptied, a fresh scratch stack with `config` on top of the
 * committed stack file's, the local FerretDB for that namespace started) and afterAll (that
 * FerretDB stopped; the cluster is the global teardown's). Nothing is deployed until up().
 */
export function stackOnE2eCluster(stack: string, config?: Record<string, string>): E2eClusterStack {
  const namespace = stackNamespace(stack);
  let started: { cluster: LocalCluster; stack: ScratchStack; ferretdb: LocalFerretDb } | undefined;
  const ready = () => {
    if (!started) throw new Error(`the ${stack} stack is not set up (its beforeAll failed)`);
    return started;
  };
  beforeAll(async () => {
    const cluster = e2eCluster();
    freshNamespace(cluster, namespace);
    const s = localStack(cluster, stack, { area: "e2e-cluster", config });
    const ferretdb = await startLocalFerretDb({
      clusterDir: cluster.dir,
      kubeconfig: cluster.kubeconfig,
      namespaces: [namespace],
      log: () => undefined,
    });
    started = { cluster, stack: s, ferretdb };
  });
  afterAll(async () => {
    await started?.ferretdb.stop();
  });
  const outputs: string[] = [];
  const recorded = async (args: string[]): Promise<RunResult> => {
    const r = await ready().stack.pulumiAsync(args);
    outputs.push(r.output);
    return r;
  };
  return {
    namespace,
    get cluster() {
      return ready().cluster;
    },
    get stack() {
      return ready().stack;
    },
    get ferretdb() {
      return ready().ferretdb;
    },
    outputs,
    up: (args = []) => recorded(["up", "--yes", "--skip-preview", ...policyArgs(stack), ...args]),
    refresh: (args = []) => recorded(["refresh", "--yes", ...args]),
  };
}

/**
 * examples/consumer deployed (`pulumi up`) as a project beside a scratch stack's project, on
 * the same local backend and passphrase, so that its StackReference reads and decrypts that
 * stack's outputs. Returns the pulumi CLI in the consumer's project, to read what it exports.
 */
export function deployConsumer(s: ScratchStack): (args: string[]) => RunResult {
  const dir = path.join(s.base, "consumer");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  const example = path.join(ROOT, "examples", "consumer");
  for (const f of ["index.ts", "nightscout-outputs.ts", "package.json"])
    fs.symlinkSync(path.join(example, f), path.join(dir, f));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.copyFileSync(path.join(example, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
  const run = (args: string[]): RunResult => runPulumi(dir, s.env, args, "dev");
  expectOk(run(["stack", "init", "dev", "--secrets-provider", "passphrase"]));
  expectOk(run(["config", "set", "nightscoutStack", `organization/${PROJECT}/${s.stack}`]));
  expectOk(run(["up", "--yes", "--skip-preview"]));
  return run;
}

export function expectOk(r: RunResult): void {
  if (r.status !== 0) throw new Error(`pulumi exited ${r.status}:\n${r.output}`);
}

/** The post-deploy check's success line (check/outcome.ts) as the engine showed it. */
export function checkResultLine(output: string): Record<string, unknown> | undefined {
  const m = /\{"ok":true,[^\n]*\}/.exec(output);
  return m ? (JSON.parse(m[0]) as Record<string, unknown>) : undefined;
}

/** `N created`, `N updated`, ... from an update's summary. */
export function summary(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of output.matchAll(
    /^\s*[+~\-±]*\s*(\d+) (created|updated|deleted|replaced|unchanged)\b/gm,
  ))
    counts[m[2]] = Number(m[1]);
  return counts;
}

interface PreviewStep {
  op: string;
  urn: string;
}

/** The steps of `pulumi preview --json` that change something: `<op> <type>::<name>`. */
export function changedSteps(previewJson: string): string[] {
  const steps = (JSON.parse(previewJson) as { steps?: PreviewStep[] }).steps ?? [];
  return steps
    .filter((s) => s.op !== "same")
    .map((s) => {
      const parts = s.urn.split("::");
      const type = (parts[2] ?? "").split("$").pop();
      return `${s.op} ${type}::${parts[3]}`;
    })
    .sort();
}

/** Every object of the kinds the stack creates, in a namespace, as `kind/name`. */
export function objectsIn(cluster: LocalCluster, namespace: string): string[] {
  const r = cluster.kubectl([
    "get",
    "deployments,services,secrets,networkpolicies,poddisruptionbudgets,ingresses,clusters.postgresql.cnpg.io,scheduledbackups.postgresql.cnpg.io,objectstores.barmancloud.cnpg.io,middlewares.traefik.io",
    "-n",
    namespace,
    "-o",
    "name",
  ]);
  if (r.status !== 0) throw new Error(`kubectl get failed: ${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l.trim().length > 0);
}

export function secretData(
  cluster: LocalCluster,
  namespace: string,
  name: string,
): Record<string, string> {
  const r = cluster.kubectl(["get", "secret", name, "-n", namespace, "-o", "json"]);
  if (r.status !== 0) throw new Error(`kubectl get secret ${name}: ${r.stderr}`);
  const data = (JSON.parse(r.stdout) as { data?: Record<string, string> }).data ?? {};
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
  );
}
