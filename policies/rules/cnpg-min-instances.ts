import { integer, resourcePolicy } from "../lib/define";
import { TYPES, at } from "../lib/k8s";

const settings = {
  minInstances: integer(
    1,
    "Fewest PostgreSQL instances a Cluster may run (production: 3, staging: 1).",
    { minimum: 1 },
  ),
};

export const cnpgMinInstances = resourcePolicy(
  { name: "cnpg-min-instances", enforcementLevel: "mandatory", settings, appliesTo: TYPES.cluster },
  "CloudNative-PG Clusters run at least the configured number of instances.",
  (args, reportViolation, { minInstances }) => {
    const raw = at(args.props, "spec", "instances");
    // CNPG defaults spec.instances to 1.
    const instances = raw === undefined ? 1 : raw;
    if (typeof instances !== "number" || !Number.isInteger(instances)) {
      reportViolation(`spec.instances must be an integer, got ${JSON.stringify(instances)}.`);
    } else if (instances < minInstances) {
      reportViolation(
        `The Cluster runs ${instances} instance(s); at least ${minInstances} are required.`,
      );
    }
  },
);
