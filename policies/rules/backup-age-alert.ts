import { LAST_BACKUP_METRIC } from "../../domain/alerts";
import { on, stackPolicy } from "../lib/define";
import { TYPES, asArr, asStr, at, nameOf } from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";

const settings = {
  requireBackupAgeAlert: on`A stack with a ScheduledBackup has a PrometheusRule alerting on the age of the newest base backup (production: true, staging: true).`,
};

export const backupAgeAlert = stackPolicy(
  { name: "backup-age-alert", enforcementLevel: "advisory", settings },
  `Backups that silently stop are found at restore time: a stack that takes them alerts on ${LAST_BACKUP_METRIC}.`,
  (args, reportViolation, { requireBackupAgeAlert }) => {
    const scheduled = args.resources.filter((r) => r.type === TYPES.scheduledBackup);
    if (!requireBackupAgeAlert) args.notApplicable("requireBackupAgeAlert is off");
    if (scheduled.length === 0) args.notApplicable("The stack takes no scheduled backups");
    let alerted = false;
    runChecks(
      args.resources
        .filter((r) => r.type === PROMETHEUS_RULE)
        .map((rule) => () => {
          for (const group of asArr(at(rule.props, "spec", "groups"))) {
            for (const r of asArr(at(group, "rules"))) {
              const expr = asStr(at(r, "expr"));
              if (at(r, "alert") !== undefined && expr?.includes(LAST_BACKUP_METRIC))
                alerted = true;
            }
          }
        }),
    );
    if (!alerted) {
      for (const backup of scheduled) {
        reportViolation(
          `ScheduledBackup "${nameOf(backup.props) ?? backup.name}" runs, but no PrometheusRule alerts when the newest backup grows old (${LAST_BACKUP_METRIC}); turn monitoring on (pulumi config set monitoring true).`,
          backup.urn,
        );
      }
    }
  },
);
