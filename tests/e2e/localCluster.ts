/**
 * Shared set-up of the e2e tests on the local cluster (tools/local-cluster): a cluster of the
 * tests' own (state in .cache/e2e/local-cluster, never the one `npm run up:local` uses),
 * stacks on it, the local FerretDB behind the port-forward route, and small readers of what
 * the engine and the API server say. The cluster is stopped by the e2e global teardown.
 */
import * as path from "node:path";
import {
  ROOT,
  ensurePolicyPackDeps,
  toolchainEnv,
  type RunResult,
} from "../../tools/offline-engine";
import { startLocalCluster, type LocalCluster } from "../../tools/local-cluster/cluster";

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
