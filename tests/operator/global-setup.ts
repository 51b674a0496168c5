/**
 * Starts the operator suite's own local cluster without the stand-in that marks CNPG Clusters
 * Ready (LOCAL_CLUSTER_CNPG_STAND_IN=off: the real operator writes their status here), then
 * the real CloudNative-PG operator against it (tools/parts/cnpg-operator/operator.ts), and records
 * where the tests find them. Runs inside the network namespace (npm run test:operator).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  Kubectl,
  kubeBinDir,
  killRecordedOperator,
  operatorParts,
  startOperator,
  type K8sObject,
  type RunningOperator,
} from "../../tools/parts/cnpg-operator/operator";
import { CLUSTER_DIR, STATE_DIR, STATE_FILE, localCluster, type SuiteState } from "./suite";

declare global {
  // The teardown stops what the setup started; jest runs both in its parent process.
  var cnpgOperator: RunningOperator | undefined;
}

/** Volumes for the instances' claims (no provisioner runs; kwok never mounts them). */
function persistentVolumes(count: number): K8sObject[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: `operator-test-pv-${i}` },
    spec: {
      capacity: { storage: "20Gi" },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Delete",
      hostPath: { path: `/nonexistent/operator-test-pv-${i}` },
    },
  }));
}

export default async function globalSetup(): Promise<void> {
  const netns = path.join(__dirname, "../../tools/parts/netns.sh");
  if (spawnSync("bash", [netns, "inside"], { stdio: "ignore" }).status !== 0) {
    throw new Error(
      "the operator suite talks to pod and Service addresses: run it inside the network " +
        "namespace (npm run test:operator, or bash tools/parts/netns.sh exec jest -c jest.operator.config.js)",
    );
  }
  // Before anything starts: a missing build is one clear error, not a cluster left running.
  operatorParts();
  const kubectlBinary = path.join(kubeBinDir(), "kubectl");
  const operatorDir = path.join(STATE_DIR, "operator");
  // What an earlier run that was killed outright may have left.
  killRecordedOperator(operatorDir);
  localCluster("stop.sh");
  fs.rmSync(STATE_DIR, { recursive: true, force: true });
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const started = Date.now();
  let kubeconfig: string;
  let operator: RunningOperator;
  try {
    kubeconfig = localCluster("start.sh");
    const kubectl = new Kubectl(kubectlBinary, kubeconfig);
    kubectl.apply(persistentVolumes(6));
    operator = await startOperator(kubectl, operatorDir);
  } catch (error) {
    // globalTeardown does not run when globalSetup fails.
    killRecordedOperator(operatorDir);
    localCluster("stop.sh");
    throw error;
  }
  globalThis.cnpgOperator = operator;
  const state: SuiteState = {
    kubectl: kubectlBinary,
    kubeconfig,
    operatorLog: operator.logFile,
    webhookPort: operator.webhookPort,
  };
  fs.writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
  process.stderr.write(
    `\n[operator suite] cluster (${CLUSTER_DIR}) and operator up in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
}
