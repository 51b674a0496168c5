import { minInstances } from "../../domain";
import { enforceOnObject, limitSettings } from "../lib/catalogue";
import { resourcePolicy } from "../lib/define";
import { TYPES, at } from "../lib/k8s";

const settings = limitSettings(minInstances, {
  minInstances:
    "Fewest PostgreSQL instances a Cluster may run (the pack's config files hold each environment's, from the rule catalogue).",
});

export const cnpgMinInstances = resourcePolicy(
  { name: "cnpg-min-instances", enforcementLevel: "mandatory", settings, appliesTo: TYPES.cluster },
  minInstances.summary,
  (args, reportViolation, limits) => {
    const raw = at(args.props, "spec", "instances");
    // CNPG defaults spec.instances to 1.
    const instances = raw === undefined ? 1 : raw;
    if (typeof instances !== "number" || !Number.isInteger(instances)) {
      reportViolation(`spec.instances must be an integer, got ${JSON.stringify(instances)}.`);
      return;
    }
    enforceOnObject(
      minInstances,
      { instances: "spec.instances", environment: undefined },
      { instances },
      limits,
      reportViolation,
    );
  },
);
