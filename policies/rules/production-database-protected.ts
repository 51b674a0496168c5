import { databaseProtected } from "../../domain";
import { enforceOnObject, limitSettings } from "../lib/catalogue";
import { stackPolicy } from "../lib/define";
import { TYPES } from "../lib/k8s";

const settings = limitSettings(databaseProtected, {
  requireProtect:
    "CNPG Clusters carry the protect resource option (the pack's config files hold each environment's, from the rule catalogue).",
});

export const productionDatabaseProtected = stackPolicy(
  { name: "production-database-protected", enforcementLevel: "mandatory", settings },
  databaseProtected.summary,
  (args, reportViolation, limits) => {
    const clusters = args.resources.filter((r) => r.type === TYPES.cluster);
    if (clusters.length === 0) args.notApplicable("The stack has no CNPG Cluster");
    if (!limits.requireProtect) args.notApplicable("requireProtect is off for this stack");
    for (const cluster of clusters) {
      enforceOnObject(
        databaseProtected,
        {
          protect: `Cluster "${cluster.name}" opts.protect`,
          environment: undefined,
        },
        { protect: cluster.opts?.protect === true },
        limits,
        (message) => reportViolation(message, cluster.urn),
      );
    }
  },
);
