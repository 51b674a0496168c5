import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import { TYPES, at } from "../lib/k8s";

interface Config {
  minInstances: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    minInstances: {
      type: "integer",
      minimum: 1,
      default: 1,
      description: "Fewest PostgreSQL instances a Cluster may run (production: 3, staging: 1).",
    },
  },
};

export const cnpgMinInstances: ResourceValidationPolicy = {
  name: "cnpg-min-instances",
  description: "CloudNative-PG Clusters run at least the configured number of instances.",
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    if (args.type !== TYPES.cluster) args.notApplicable(`Policy only applies to ${TYPES.cluster}`);
    const { minInstances } = configOf<Config>(args, configSchema);
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
};
