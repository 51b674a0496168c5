/** Monitoring objects for policy specs: what the program renders with monitoring on. */
import { NS } from "./fixtures";
import type { TestResource } from "./helpers";

export function backupAgeAlertRule(): TestResource {
  return {
    type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
    name: "alerts",
    props: {
      metadata: { name: "alerts", namespace: NS },
      spec: {
        groups: [
          {
            name: "db",
            rules: [
              {
                alert: "PostgresBackupTooOld",
                expr: "time() - max(barman_cloud_cloudnative_pg_io_last_available_backup_timestamp) > 90000",
                for: "1h",
              },
            ],
          },
        ],
      },
    },
  };
}
