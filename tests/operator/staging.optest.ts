/**
 * Staging's CloudNative-PG Cluster on the real CloudNative-PG operator v1.30.0 (built from its
 * Go module by tools/parts/cnpg-operator/build.sh, run out of cluster against this suite's local
 * cluster, inside the project's network namespace).
 *
 * Proven here: the program's Cluster passes the operator's own defaulting and validating
 * webhooks, and the controller creates from it what the program counts on (the -rw Service
 * FerretDB's URL names, -ro and -r, the initdb Job with the program's bootstrap SQL, the
 * PodDisruptionBudget), and keeps pg_ident where the instance manager reads it.
 *
 * Not proven: that PostgreSQL starts. kwok stands in for kubelets, so no container runs: no
 * instance manager answers the operator at https://<podIP>:8000, and the Cluster can never
 * become Ready here. This suite runs on its own (npm run test:operator), separately from the
 * full-stack `npm run up:local`, whose cluster marks Clusters Ready with a kwok stand-in
 * instead of running this operator.
 */
import { waitFor } from "../../tools/parts/cnpg-operator/operator";
import { describeClusterAdmission } from "./admission";
import { describeControllerOutputs } from "./outputs";
import { stackOnOperator } from "./stack";
import { operatorLog } from "./suite";

const stack = stackOnOperator("staging");

describe("staging on the real CloudNative-PG operator", () => {
  describeClusterAdmission(stack);
  describeControllerOutputs(stack, 1);

  test("the operator's call to the instance pod fails at once: its address is unreachable here", async () => {
    // The initdb Job's pod "completes" (kwok), so the controller creates the first instance's
    // pod; kwok gives it a 10.244.x address, which the operator then dials on port 8000.
    const name = stack.rendered("Cluster")?.metadata.name as string;
    const pod = await waitFor("the first instance's pod with an IP", 120_000, () => {
      const p = stack.kubectl.get("pod", `${name}-1`, stack.namespace());
      return p?.status?.podIP ? p : undefined;
    });
    const ip = pod.status.podIP as string;
    expect(ip).toMatch(/^10\.244\./);
    const line = await waitFor("the operator's failed dial in its log", 60_000, () =>
      operatorLog()
        .split("\n")
        .find((l) => l.includes(`${ip}:8000`) && /network is unreachable/.test(l)),
    );
    expect(line).toContain(`dial tcp ${ip}:8000`);
  });
});
