/**
 * The program's Cluster with three instances and no backups (staging's stack file with
 * postgresInstances=3, in a namespace of its own), on the real CloudNative-PG operator: the
 * shape production has, without production's Barman Cloud plugin, which does not run here (so
 * the operator stops at production's Cluster: production.optest.ts). This is where the
 * replicas' PodDisruptionBudget is seen. The Cluster cannot become Ready without an instance
 * manager (kwok runs no container); see staging.optest.ts.
 */
import { describeClusterAdmission } from "./admission";
import { describeControllerOutputs } from "./outputs";
import { stackOnOperator } from "./stack";

const stack = stackOnOperator("staging", {
  postgresInstances: "3",
  namespace: "nightscout-staging-ha",
});

describe("three instances on the real CloudNative-PG operator", () => {
  describeClusterAdmission(stack);
  describeControllerOutputs(stack, 3);
});
