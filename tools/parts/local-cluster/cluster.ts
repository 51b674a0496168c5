/**
 * The local cluster from TypeScript: start it (tools/parts/local-cluster/start.sh), the env a pulumi
 * run against it needs, kubectl, and a stack on it (a scratch copy of the project on a local
 * file backend, tools/lib/offline-engine.ts) with the local FerretDB behind the port-forward route.
 * Used by `npm run up:local`, the cluster e2e tests and the benchmark.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { ROOT, scratchStack, toolchainEnv, type ScratchStack } from "../../lib/offline-engine";

export const CONTEXT = "nightscout-local";
const HERE = path.join(ROOT, "tools", "parts", "local-cluster");

export interface LocalCluster {
  kubeconfig: string;
  /** The state directory (kubeconfig, ferretdb-relay.port, logs). */
  dir: string;
  /** kubectl, kube-apiserver, ... */
  binDirs: string[];
  /** The env for pulumi and kubectl: KUBECONFIG, and kubectl (before the engine) on PATH. */
  env: NodeJS.ProcessEnv;
  kubectl(args: string[]): { status: number | null; stdout: string; stderr: string };
}

/**
 * Starts the local cluster if it does not run (building it first if needed); `dir` is its
 * state directory (default .cache/local-cluster, the one `npm run up:local` uses).
 */
export function startLocalCluster(opts: { dir?: string } = {}): LocalCluster {
  const out = execFileSync("bash", [path.join(HERE, "start.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: opts.dir ? { ...process.env, LOCAL_CLUSTER_DIR: opts.dir } : process.env,
  });
  const kubeconfig = out.trim().split("\n").pop() ?? "";
  const binDirs = execFileSync("bash", [path.join(HERE, "build.sh")], { encoding: "utf8" })
    .trim()
    .split("\n");
  const env = {
    KUBECONFIG: kubeconfig,
    PATH: [...binDirs, toolchainEnv().PATH ?? ""].join(path.delimiter),
  };
  const kubectl = (args: string[]) => {
    const r = spawnSync(path.join(binDirs[0], "kubectl"), ["--kubeconfig", kubeconfig, ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { kubeconfig, dir: path.dirname(kubeconfig), binDirs, env, kubectl };
}

export function stopLocalCluster(opts: { dir?: string } = {}): void {
  execFileSync("bash", [path.join(HERE, "stop.sh")], {
    stdio: "inherit",
    env: opts.dir ? { ...process.env, LOCAL_CLUSTER_DIR: opts.dir } : process.env,
  });
}

/** The namespace a stack deploys into: its committed stack file's, else the default. */
export function stackNamespace(stack: string): string {
  const file = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config?: Record<string, unknown>;
  };
  const value = file.config?.["nightscout:namespace"];
  return typeof value === "string" ? value : "nightscout";
}

/**
 * A stack of this project deployed to the local cluster: the kubeconfig context of the local
 * cluster and the post-deploy check through `kubectl port-forward` (the committed stack files
 * already ask for it; set here so a local stack never depends on what they say).
 */
export function localStack(
  cluster: LocalCluster,
  stack: string,
  opts: { area?: string; name?: string; keep?: boolean; config?: Record<string, string> } = {},
): ScratchStack {
  return scratchStack(stack, {
    area: opts.area ?? "up-local",
    name: opts.name,
    keep: opts.keep,
    env: cluster.env,
    config: { kubeContext: CONTEXT, postDeployCheck: "portForward", ...opts.config },
  });
}
