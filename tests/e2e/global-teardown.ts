/**
 * Stops the e2e tests' own local cluster (tests/e2e/local-cluster.ts) after every e2e file ran,
 * and removes its state; a no-op when no test started it.
 */
import { stopLocalCluster } from "../../tools/parts/local-cluster/cluster";
import { E2E_CLUSTER_DIR } from "./local-cluster";

export default function globalTeardown(): void {
  if (process.env.E2E_KEEP_CLUSTER) return;
  stopLocalCluster({ dir: E2E_CLUSTER_DIR });
}
