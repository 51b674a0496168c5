/** Settings: Backups and restore (Barman Cloud plugin). */
import type { Setting } from "./setting";

export const BACKUP_SETTINGS = [
  {
    key: "backupDestinationPath",
    example: "s3://nightscout-backups/nightscout",
    format: "objectStoreUrl",
    type: "string",
    default: "",
    description:
      "Object store path for base backups and WAL, e.g. s3://bucket/nightscout (empty: no backups).",
  },
  {
    key: "backupEndpointUrl",
    example: "https://s3.example.org",
    format: "endpointUrl",
    type: "string",
    default: "",
    description: "S3-compatible endpoint URL (empty: AWS S3).",
  },
  {
    key: "backupRegion",
    example: "eu-central-1",
    type: "string",
    default: "",
    description: "Object store region, if it needs one.",
  },
  {
    key: "backupAccessKeyId",
    type: "string",
    secret: true,
    optionalSecret: true,
    description: "Object store access key id.",
  },
  {
    key: "backupSecretAccessKey",
    type: "string",
    secret: true,
    optionalSecret: true,
    description: "Object store secret access key.",
  },
  {
    key: "backupRetention",
    format: "retention",
    type: "string",
    default: "30d",
    description: "How long backups are kept (e.g. 30d, 4w, 6m).",
  },
  {
    key: "backupSchedule",
    format: "cron",
    type: "string",
    default: "0 45 2 * * *",
    description: "ScheduledBackup schedule: six cron fields, seconds first.",
  },
  {
    key: "restoreFromServerName",
    example: "nightscout-db",
    format: "clusterName",
    type: "string",
    default: "",
    description:
      "Bootstrap by restoring this server's backups from the object store (empty: a fresh cluster).",
  },
  {
    key: "restoreSourcePath",
    example: "s3://nightscout-backups/nightscout",
    format: "objectStoreUrl",
    type: "string",
    default: "",
    description: "Object store path to restore from (empty: backupDestinationPath).",
  },
  {
    key: "restoreTargetTime",
    example: "2026-11-20T03:00:00Z",
    format: "timestamp",
    type: "string",
    default: "",
    description: "Point in time to restore to, RFC 3339 with offset (empty: the end of the WAL).",
  },
] as const satisfies readonly Setting[];
