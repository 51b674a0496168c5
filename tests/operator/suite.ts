/**
 * The operator suite's shared state: its own local cluster (.cache/operator/cluster, never the
 * one up:local or the e2e tests use) with the real CloudNative-PG operator running against it,
 * both started by global-setup.ts and stopped by global-teardown.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Kubectl } from "../../tools/parts/cnpg-operator/operator";

export const ROOT = path.resolve(__dirname, "../..");
export const STATE_DIR = path.join(ROOT, ".cache", "operator");
export const CLUSTER_DIR = path.join(STATE_DIR, "cluster");
export const STATE_FILE = path.join(STATE_DIR, "state.json");

export interface SuiteState {
  kubectl: string;
  kubeconfig: string;
  operatorLog: string;
  webhookPort: number;
}

export function suiteState(): SuiteState {
  if (!fs.existsSync(STATE_FILE)) {
    throw new Error(`${STATE_FILE} is missing: run the suite with npm run test:operator`);
  }
  return JSON.parse(fs.readFileSync(STATE_FILE, "utf8")) as SuiteState;
}

export function suiteKubectl(): Kubectl {
  const state = suiteState();
  return new Kubectl(state.kubectl, state.kubeconfig);
}

/** The operator's log so far. */
export function operatorLog(): string {
  return fs.readFileSync(suiteState().operatorLog, "utf8");
}

/** Runs a script of tools/parts/local-cluster with this suite's cluster directory. */
export function localCluster(script: "start.sh" | "stop.sh"): string {
  const result = spawnSync("bash", [path.join(ROOT, "tools/parts/local-cluster", script)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 300_000,
    env: { ...process.env, LOCAL_CLUSTER_DIR: CLUSTER_DIR, LOCAL_CLUSTER_CNPG_STAND_IN: "off" },
  });
  if (result.status !== 0)
    throw new Error(`tools/parts/local-cluster/${script} exited ${result.status}`);
  return result.stdout.trim().split("\n").pop() ?? "";
}
