/**
 * The program's Cluster as the API server stored it after the operator's mutating webhook
 * (mcluster.cnpg.io) and validating webhook (vcluster.cnpg.io) let it in.
 */
import { waitFor } from "../../tools/parts/cnpg-operator/operator";
import type { StackOnOperator } from "./stack";
import { operatorLog } from "./suite";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function describeClusterAdmission(stack: StackOnOperator): void {
  test("the Cluster is admitted, with fields the operator's defaulting webhook wrote", async () => {
    const rendered = stack.rendered("Cluster") as Obj;
    const { name } = rendered.metadata;
    const stored = await waitFor("the stored Cluster", 30_000, () =>
      stack.kubectl.get("cluster", name, stack.namespace()),
    );
    const renderedParameters = rendered.spec.postgresql.parameters as Record<string, string>;
    // Neither the program nor the CRD schema (it cannot default entries of a free-form map)
    // sets these; CNPG's defaulting (Cluster.Default, run by the mutating webhook) does.
    expect(renderedParameters.archive_timeout).toBeUndefined();
    expect(renderedParameters.dynamic_shared_memory_type).toBeUndefined();
    expect(stored.spec.postgresql.parameters).toEqual(
      expect.objectContaining({
        ...renderedParameters,
        archive_timeout: "5min",
        dynamic_shared_memory_type: "posix",
      }),
    );
    // From the operator's MONITORING_QUERIES_CONFIGMAP (the release's env): only the webhook
    // knows the operator's configuration.
    expect(rendered.spec.monitoring).toBeUndefined();
    expect(stored.spec.monitoring.customQueriesConfigMap).toEqual([
      { name: "cnpg-default-monitoring", key: "queries" },
    ]);
    // What the program set is kept as it set it.
    expect(stored.spec.postgresql.shared_preload_libraries).toEqual(
      rendered.spec.postgresql.shared_preload_libraries,
    );
    expect(stored.spec.bootstrap.initdb).toEqual(
      expect.objectContaining(rendered.spec.bootstrap.initdb),
    );
    expect(stored.spec.imageName).toBe(rendered.spec.imageName);
    expect(stored.spec.instances).toBe(rendered.spec.instances);
    const defaulted = operatorLog()
      .split("\n")
      .filter((l) => l.includes("Defaulting for Cluster"))
      .filter(
        (l) => l.includes(`"name":"${name}"`) && l.includes(`"namespace":"${stack.namespace()}"`),
      );
    expect(defaulted.length).toBeGreaterThan(0);
  });
}
