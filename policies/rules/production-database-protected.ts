import { on, stackPolicy } from "../lib/define";
import { TYPES } from "../lib/k8s";

const settings = {
  requireProtect: on`CNPG Clusters carry the protect resource option (production: true, staging: false).`,
};

export const productionDatabaseProtected = stackPolicy(
  { name: "production-database-protected", enforcementLevel: "mandatory", settings },
  "The PostgreSQL Cluster is protected, so no update or destroy can delete the database.",
  (args, reportViolation, { requireProtect }) => {
    const clusters = args.resources.filter((r) => r.type === TYPES.cluster);
    if (clusters.length === 0) args.notApplicable("The stack has no CNPG Cluster");
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
);
