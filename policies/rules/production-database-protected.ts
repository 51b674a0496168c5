import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { configOf } from "../lib/config";
import { TYPES } from "../lib/k8s";

interface Config {
  requireProtect: boolean;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    requireProtect: {
      type: "boolean",
      default: true,
      description:
        "CNPG Clusters carry the protect resource option (production: true, staging: false).",
    },
  },
};

export const productionDatabaseProtected: StackValidationPolicy = {
  name: "production-database-protected",
  description:
    "The PostgreSQL Cluster is protected, so no update or destroy can delete the database.",
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: (args, reportViolation) => {
    const clusters = args.resources.filter((r) => r.type === TYPES.cluster);
    if (clusters.length === 0) args.notApplicable("The stack has no CNPG Cluster");
    const { requireProtect } = configOf<Config>(args, configSchema);
    if (!requireProtect) args.notApplicable("requireProtect is off for this stack");
    for (const cluster of clusters) {
      if (cluster.opts?.protect !== true) {
        reportViolation(
          `Cluster "${cluster.name}" is not protected: set the protect resource option so no update or destroy deletes the database.`,
          cluster.urn,
        );
      }
    }
  },
};
