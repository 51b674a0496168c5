import { MIN_INSTANCES, PRODUCTION_MIN_INSTANCES } from "../names";
import { fixWithAlternative, rule } from "./rule";

/** Fact 11: a Cluster with fewer instances than its environment needs loses data with a node. */
export const minInstances = rule({
  id: "min-instances",
  fact: 11,
  onSettings: true,
  policy: "cnpg-min-instances",
  summary:
    "A CloudNative-PG Cluster runs at least the environment's number of PostgreSQL instances.",
  limits: {
    production: { minInstances: PRODUCTION_MIN_INSTANCES },
    staging: { minInstances: MIN_INSTANCES },
  },
  check(model: { instances: number }, words, { minInstances }: { minInstances: number }) {
    if (!(model.instances < minInstances)) return [];
    return [
      {
        field: "instances" as const,
        value: String(model.instances),
        why:
          minInstances > MIN_INSTANCES
            ? `production needs at least ${minInstances} PostgreSQL instances so losing one node loses no data`
            : `a Cluster needs at least ${minInstances} PostgreSQL instance`,
        fix: fixWithAlternative(
          words.set("instances", String(minInstances)),
          minInstances > MIN_INSTANCES ? words.set("environment", "staging") : undefined,
        ),
      },
    ];
  },
});
