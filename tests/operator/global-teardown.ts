/**
 * Stops the operator (the process globalSetup started; its recorded pid as a fallback) and
 * the suite's local cluster, whatever the tests did. OPERATOR_KEEP_CLUSTER=1 keeps both, to
 * look at them by hand (kill the operator and run tools/parts/local-cluster/stop.sh afterwards).
 */
import { killRecordedOperator } from "../../tools/parts/cnpg-operator/operator";
import { STATE_DIR, localCluster } from "./suite";

export default async function globalTeardown(): Promise<void> {
  if (process.env.OPERATOR_KEEP_CLUSTER) return;
  try {
    await globalThis.cnpgOperator?.stop();
  } finally {
    killRecordedOperator(`${STATE_DIR}/operator`);
    localCluster("stop.sh");
  }
}
