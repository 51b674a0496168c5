/**
 * The engine floor for bench/preview.ts, on the local cluster (tools/parts/local-cluster, a cluster of
 * the benchmark's own, stopped at the end): the preview of a one-resource program (a ConfigMap
 * through an explicit Kubernetes provider, as the program registers everything) on the same
 * engine, language host and provider, beside each stack's real preview (before anything
 * exists), its first `up` (post-deploy check included, through the port-forward to a local
 * FerretDB) and a no-change `up`. Every figure but the first is reported as a multiple of it.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, policyArgs, type RunResult, type ScratchStack } from "../tools/lib/offline-engine";
import {
  localStack,
  stackNamespace,
  startLocalCluster,
  stopLocalCluster,
  type LocalCluster,
} from "../tools/parts/local-cluster/cluster";
import { startLocalFerretDb } from "../tools/parts/local-cluster/ferretdb";

export interface FloorRow {
  label: string;
  ms: number[];
}

const BENCH_CLUSTER_DIR = path.join(ROOT, ".cache", "bench", "local-cluster");

const FLOOR_PROGRAM = `import * as k8s from "@pulumi/kubernetes";
const provider = new k8s.Provider("k8s", {});
new k8s.core.v1.ConfigMap("floor", { metadata: { namespace: "default" }, data: { a: "b" } }, { provider });
`;

/** The one-resource project on its own local backend, with the same env as the stacks. */
function floorProject(cluster: LocalCluster, env: NodeJS.ProcessEnv): (args: string[]) => number {
  const base = path.join(ROOT, ".cache", "bench", "floor");
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(path.join(base, "backend"), { recursive: true });
  fs.writeFileSync(
    path.join(base, "Pulumi.yaml"),
    "name: bench-floor\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
  );
  fs.writeFileSync(path.join(base, "index.ts"), FLOOR_PROGRAM);
  fs.writeFileSync(
    path.join(base, "package.json"),
    '{ "name": "bench-floor", "main": "index.ts" }\n',
  );
  fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(base, "tsconfig.json"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(base, "node_modules"));
  const floorEnv = {
    ...env,
    ...cluster.env,
    PULUMI_BACKEND_URL: `file://${path.join(base, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: "bench-floor",
  };
  const run = (args: string[]): number => {
    const start = Date.now();
    execFileSync("pulumi", [...args, "--non-interactive"], {
      cwd: base,
      env: floorEnv,
      stdio: "pipe",
    });
    return Date.now() - start;
  };
  run(["stack", "init", "floor", "--secrets-provider", "passphrase"]);
  return run;
}

function ok(r: RunResult, what: string): number {
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.output}`);
  return r.ms;
}

export async function engineFloor(runs: number): Promise<FloorRow[]> {
  const cluster = startLocalCluster({ dir: BENCH_CLUSTER_DIR });
  try {
    const rows: FloorRow[] = [];
    const stacks: ScratchStack[] = ["staging", "production"].map((stack) =>
      localStack(cluster, stack, { area: "bench-cluster" }),
    );
    const floor = floorProject(cluster, stacks[0].env);
    rows.push({
      label: "floor: pulumi preview (one ConfigMap)",
      ms: Array.from({ length: runs }, () => floor(["preview"])),
    });
    for (const s of stacks) {
      const ferretdb = await startLocalFerretDb({
        clusterDir: cluster.dir,
        kubeconfig: cluster.kubeconfig,
        namespaces: [stackNamespace(s.stack)],
        log: () => undefined,
      });
      try {
        const previews: number[] = [];
        for (let i = 0; i < runs; i++)
          previews.push(ok(await s.pulumiAsync(["preview"]), "preview"));
        rows.push({ label: `${s.stack}: pulumi preview`, ms: previews });
        const packed: number[] = [];
        for (let i = 0; i < runs; i++)
          packed.push(ok(await s.pulumiAsync(["preview", ...policyArgs(s.stack)]), "preview"));
        rows.push({ label: `${s.stack}: pulumi preview --policy-pack`, ms: packed });
        const first = ok(await s.pulumiAsync(["up", "--yes", "--skip-preview"]), "up");
        rows.push({
          label: `${s.stack}: pulumi up, creating everything (check included)`,
          ms: [first],
        });
        const again: number[] = [];
        for (let i = 0; i < runs; i++)
          again.push(ok(await s.pulumiAsync(["up", "--yes", "--skip-preview"]), "up"));
        rows.push({ label: `${s.stack}: pulumi up, no change`, ms: again });
      } finally {
        await ferretdb.stop();
      }
    }
    return rows;
  } finally {
    stopLocalCluster({ dir: BENCH_CLUSTER_DIR });
  }
}
