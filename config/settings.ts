/**
 * Every configuration key the program reads, declared once. `Pulumi.yaml` must declare the
 * same keys with the same types, defaults and secrecy (a test compares them), so the engine
 * rejects a missing or plaintext secret before the program runs, and the README's table is
 * checked against this list too.
 */
import { DEFAULT_IMAGES } from "../domain";

export type SettingType = "string" | "integer" | "boolean" | "array";

export interface Setting {
  key: string;
  type: SettingType;
  description: string;
  /**
   * The engine treats a declared key without a default as required, so optional keys get an
   * empty default ("" or 0) that the program reads as unset.
   */
  default?: string | number | boolean | string[];
  secret?: true;
  /**
   * Optional secrets stay out of Pulumi.yaml: declared there without a default they would
   * become required. The program itself rejects them when they are stored in plaintext.
   */
  optionalSecret?: true;
}

export const SETTINGS: readonly Setting[] = [
  // Where and how the stack is deployed.
  {
    key: "kubeContext",
    type: "string",
    default: "",
    description: "kubeconfig context to deploy to (empty: the current context).",
  },
  {
    key: "renderYamlToDirectory",
    type: "string",
    default: "",
    description:
      "Write manifests to this directory instead of applying them (Secrets are written in plaintext there).",
  },
  {
    key: "namespace",
    type: "string",
    default: "nightscout",
    description: "Namespace for every resource of the stack.",
  },
  {
    key: "createNamespace",
    type: "boolean",
    default: true,
    description: "Create the namespace (false: it already exists).",
  },
  {
    key: "protectDatabase",
    type: "boolean",
    default: true,
    description:
      "Protect the database cluster from deletion and replacement, and keep it when the stack is destroyed.",
  },

  // Nightscout.
  {
    key: "hostname",
    type: "string",
    description: "Public DNS name of Nightscout (required), e.g. ns.example.org.",
  },
  {
    key: "apiSecret",
    type: "string",
    secret: true,
    description: "Nightscout API_SECRET, at least 12 characters (required).",
  },
  {
    key: "displayUnits",
    type: "string",
    default: "mmol/L",
    description: "Display units: mmol/L or mg/dL.",
  },
  {
    key: "bgHigh",
    type: "string",
    default: "",
    description: "Urgent high threshold, in the display unit. Set all four thresholds or none.",
  },
  {
    key: "bgTargetTop",
    type: "string",
    default: "",
    description: "Top of the target range, in the display unit.",
  },
  {
    key: "bgTargetBottom",
    type: "string",
    default: "",
    description: "Bottom of the target range, in the display unit.",
  },
  {
    key: "bgLow",
    type: "string",
    default: "",
    description: "Urgent low threshold, in the display unit.",
  },
  {
    key: "alarmTypes",
    type: "string",
    default: "simple",
    description: "ALARM_TYPES: simple, predict, or both separated by a space.",
  },
  {
    key: "authDefaultRoles",
    type: "array",
    default: ["status-only"],
    description: "Roles of unauthenticated visitors (readable makes all CGM data public).",
  },
  {
    key: "enabledPlugins",
    type: "array",
    default: [
      "careportal",
      "basal",
      "dbsize",
      "rawbg",
      "iob",
      "cob",
      "bwp",
      "cage",
      "sage",
      "iage",
      "bage",
      "pump",
      "openaps",
      "loop",
      "override",
      "boluscalc",
      "food",
      "profile",
    ],
    description: "Plugins listed in ENABLE.",
  },
  {
    key: "showPlugins",
    type: "array",
    default: ["careportal", "basal", "dbsize", "iob", "cob", "cage", "sage", "iage", "bage"],
    description: "Plugins shown by default (SHOW_PLUGINS); each must also be enabled.",
  },
  {
    key: "dbSizeMaxMiB",
    type: "integer",
    default: 0,
    description: "DBSIZE_MAX in MiB (0: 80% of the Postgres storage size).",
  },
  {
    key: "nightscoutImage",
    type: "string",
    default: DEFAULT_IMAGES.nightscout,
    description: "Nightscout image, pinned by tag or digest.",
  },
  {
    key: "nightscoutCpuRequest",
    type: "string",
    default: "100m",
    description: "Nightscout CPU request.",
  },
  {
    key: "nightscoutMemoryRequest",
    type: "string",
    default: "256Mi",
    description: "Nightscout memory request.",
  },
  {
    key: "nightscoutMemoryLimit",
    type: "string",
    default: "512Mi",
    description: "Nightscout memory limit.",
  },

  // PostgreSQL (CloudNative-PG + DocumentDB).
  {
    key: "upgradeInProgress",
    type: "boolean",
    default: false,
    description:
      "Let postgresImage and ferretdbImage differ during a DocumentDB + FerretDB upgrade (README: Upgrading); a warning instead of an error.",
  },
  {
    key: "postgresImage",
    type: "string",
    default: DEFAULT_IMAGES.postgres,
    description: "postgres-documentdb image; its ferretdb-<version> must match ferretdbImage.",
  },
  {
    key: "postgresClusterName",
    type: "string",
    default: "nightscout-db",
    description: "Name of the CNPG Cluster (also the backup server name).",
  },
  {
    key: "postgresInstances",
    type: "integer",
    default: 1,
    description: "PostgreSQL instances (3 for production).",
  },
  {
    key: "postgresStorageSize",
    type: "string",
    default: "5Gi",
    description: "Volume size per instance.",
  },
  {
    key: "postgresStorageClass",
    type: "string",
    default: "",
    description: "StorageClass of the volumes (empty: the cluster default).",
  },
  {
    key: "postgresCpuRequest",
    type: "string",
    default: "100m",
    description: "PostgreSQL CPU request.",
  },
  {
    key: "postgresMemoryRequest",
    type: "string",
    default: "384Mi",
    description: "PostgreSQL memory request.",
  },
  {
    key: "postgresMemoryLimit",
    type: "string",
    default: "1Gi",
    description: "PostgreSQL memory limit.",
  },
  {
    key: "postgresMaxConnections",
    type: "integer",
    default: 100,
    description: "PostgreSQL max_connections.",
  },

  // FerretDB.
  {
    key: "ferretdbImage",
    type: "string",
    default: DEFAULT_IMAGES.ferretdb,
    description: "FerretDB v2 image, pinned; must pair with the DocumentDB version.",
  },
  { key: "ferretdbReplicas", type: "integer", default: 1, description: "FerretDB replicas." },
  {
    key: "ferretdbPoolSize",
    type: "integer",
    default: 20,
    description: "Maximum PostgreSQL connections per FerretDB pod.",
  },
  {
    key: "ferretdbCpuRequest",
    type: "string",
    default: "50m",
    description: "FerretDB CPU request.",
  },
  {
    key: "ferretdbMemoryRequest",
    type: "string",
    default: "64Mi",
    description: "FerretDB memory request.",
  },
  {
    key: "ferretdbMemoryLimit",
    type: "string",
    default: "256Mi",
    description: "FerretDB memory limit.",
  },

  // Ingress, TLS, network.
  {
    key: "ingressClassName",
    type: "string",
    default: "traefik",
    description: "IngressClass of the Nightscout Ingress.",
  },
  {
    key: "tlsClusterIssuer",
    type: "string",
    default: "",
    description: "cert-manager ClusterIssuer that issues the certificate (or set tlsSecretName).",
  },
  {
    key: "tlsSecretName",
    type: "string",
    default: "",
    description: "Existing TLS Secret; with tlsClusterIssuer, the name cert-manager writes to.",
  },
  {
    key: "redirectMiddleware",
    type: "string",
    default: "",
    description:
      "Existing Traefik middleware reference <namespace>-<name>@kubernetescrd (empty: create one).",
  },
  {
    key: "ingressControllerNamespace",
    type: "string",
    default: "kube-system",
    description:
      "Namespace of the ingress controller, the only source allowed to reach Nightscout.",
  },
  {
    key: "cnpgOperatorNamespace",
    type: "string",
    default: "cnpg-system",
    description: "Namespace of the CloudNative-PG operator, allowed to reach the instances.",
  },

  // Backups and restore (Barman Cloud plugin).
  {
    key: "backupDestinationPath",
    type: "string",
    default: "",
    description:
      "Object store path for base backups and WAL, e.g. s3://bucket/nightscout (empty: no backups).",
  },
  {
    key: "backupEndpointUrl",
    type: "string",
    default: "",
    description: "S3-compatible endpoint URL (empty: AWS S3).",
  },
  {
    key: "backupRegion",
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
    type: "string",
    default: "30d",
    description: "How long backups are kept (e.g. 30d, 4w, 6m).",
  },
  {
    key: "backupSchedule",
    type: "string",
    default: "0 45 2 * * *",
    description: "ScheduledBackup schedule: six cron fields, seconds first.",
  },
  {
    key: "restoreFromServerName",
    type: "string",
    default: "",
    description:
      "Bootstrap by restoring this server's backups from the object store (empty: a fresh cluster).",
  },
  {
    key: "restoreSourcePath",
    type: "string",
    default: "",
    description: "Object store path to restore from (empty: backupDestinationPath).",
  },
  {
    key: "restoreTargetTime",
    type: "string",
    default: "",
    description: "Point in time to restore to, RFC 3339 with offset (empty: the end of the WAL).",
  },

  // Post-deploy check.
  {
    key: "postDeployCheck",
    type: "string",
    default: "portForward",
    description: "How to check MongoDB after deploy: portForward, direct or off.",
  },
  {
    key: "postDeployCheckUri",
    type: "string",
    secret: true,
    optionalSecret: true,
    description: "MongoDB URI reachable from where pulumi runs (direct mode only).",
  },
  {
    key: "postDeployCheckPublicUrl",
    type: "boolean",
    default: false,
    description:
      "Also check that https://<hostname>/api/v1/status.json answers with the configured units (needs DNS and TLS in place).",
  },
  {
    key: "postDeployCheckDeadlineSeconds",
    type: "integer",
    default: 180,
    description: "Deadline of the post-deploy check.",
  },
];
