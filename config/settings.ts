/**
 * Every configuration key the program reads, declared once. `Pulumi.yaml` must declare the
 * same keys with the same types, defaults and secrecy (a test compares them), so the engine
 * rejects a missing or plaintext secret before the program runs, and the README's table is
 * checked against this list too.
 */
import {
  DEFAULT_CHECK_DEADLINE_SECONDS,
  DEFAULT_IMAGES,
  DISPLAY_UNITS,
  ENVIRONMENTS,
  MAX_CHECK_DEADLINE_SECONDS,
  MIN_API_SECRET_LENGTH,
  MIN_CHECK_DEADLINE_SECONDS,
  NIGHTSCOUT_PLUGINS,
  NIGHTSCOUT_ROLES,
  POST_DEPLOY_CHECK_MODES,
} from "../domain";
import type { StringFormat } from "./formats";

export type SettingType = "string" | "integer" | "boolean" | "array";

export interface Setting {
  key: string;
  type: SettingType;
  description: string;
  /**
   * The engine treats a declared key without a default as required, so optional keys get an
   * empty default ("" or 0) that the program reads as unset.
   */
  default?: string | number | boolean | readonly string[];
  secret?: true;
  /**
   * Optional secrets stay out of Pulumi.yaml: declared there without a default they would
   * become required. The program itself rejects them when they are stored in plaintext.
   */
  optionalSecret?: true;
  /** Strings: what the value must look like (config/formats.ts checks it). */
  format?: StringFormat;
  /** Strings: the only values accepted. */
  oneOf?: readonly string[];
  /** Integers: the smallest and largest value accepted (why, beside each). */
  range?: readonly [number, number];
  /** Arrays: the only entries accepted, and how many there must be at least. */
  items?: readonly string[];
  minItems?: number;
  /** Secrets: the shortest value accepted. */
  minLength?: number;
  /** Settings without a default are required: why, for the message. */
  requiredBecause?: string;
  /** Arrays: what the entries are called in messages ("roles", "plugins"). */
  itemsName?: string;
  /** A valid value for the fix in a message, when the default is empty or not an example. */
  example?: string;
}

const DECLARED = [
  // Where and how the stack is deployed.
  {
    key: "environment",
    type: "string",
    oneOf: ENVIRONMENTS,
    default: "production",
    description:
      "production: at least 3 PostgreSQL instances, a protected database, backups, and no public glucose data unless acknowledged; staging relaxes these.",
  },
  {
    key: "kubeContext",
    example: "<context>",
    type: "string",
    default: "",
    description: "kubeconfig context to deploy to (empty: the current context).",
  },
  {
    key: "renderYamlToDirectory",
    example: "rendered/<stack>",
    format: "path",
    type: "string",
    default: "",
    description:
      "Write manifests to this directory instead of applying them (Secrets are written in plaintext there).",
  },
  {
    key: "namespace",
    format: "namespace",
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
  {
    key: "allowSystemNamespace",
    type: "boolean",
    default: false,
    description:
      "Allow a namespace the cluster's own workloads use (default, kube-system, ...); its default-deny NetworkPolicy would cut them off.",
  },

  // Nightscout.
  {
    key: "hostname",
    format: "hostname",
    example: "ns.example.org",
    requiredBecause: "it is the public name Nightscout is served on",
    type: "string",
    description: "Public DNS name of Nightscout (required), e.g. ns.example.org.",
  },
  {
    key: "apiSecret",
    minLength: MIN_API_SECRET_LENGTH,
    requiredBecause: "Nightscout does not refuse to start without it",
    example: "<at least 12 characters>",
    type: "string",
    secret: true,
    description: "Nightscout API_SECRET, at least 12 characters (required).",
  },
  {
    key: "displayUnits",
    oneOf: DISPLAY_UNITS,
    type: "string",
    default: "mmol/L",
    description: "Display units: mmol/L or mg/dL.",
  },
  {
    key: "bgHigh",
    example: "13.9",
    format: "decimal",
    type: "string",
    default: "",
    description: "Urgent high threshold, in the display unit. Set all four thresholds or none.",
  },
  {
    key: "bgTargetTop",
    example: "10.0",
    format: "decimal",
    type: "string",
    default: "",
    description: "Top of the target range, in the display unit.",
  },
  {
    key: "bgTargetBottom",
    example: "3.9",
    format: "decimal",
    type: "string",
    default: "",
    description: "Bottom of the target range, in the display unit.",
  },
  {
    key: "bgLow",
    example: "3.5",
    format: "decimal",
    type: "string",
    default: "",
    description: "Urgent low threshold, in the display unit.",
  },
  {
    key: "alarmTypes",
    format: "alarmTypes",
    type: "string",
    default: "simple",
    description: "ALARM_TYPES: simple, predict, or both separated by a space.",
  },
  {
    key: "acknowledgePublicGlucoseData",
    type: "boolean",
    default: false,
    description:
      "In production, allow authDefaultRoles to include readable, which lets anyone with the URL read every glucose value.",
  },
  {
    key: "authDefaultRoles",
    items: NIGHTSCOUT_ROLES,
    itemsName: "roles",
    minItems: 1,
    type: "array",
    default: ["status-only"],
    description: "Roles of unauthenticated visitors (readable makes all CGM data public).",
  },
  {
    key: "enabledPlugins",
    items: NIGHTSCOUT_PLUGINS,
    itemsName: "plugins",
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
    items: NIGHTSCOUT_PLUGINS,
    itemsName: "plugins",
    type: "array",
    default: ["careportal", "basal", "dbsize", "iob", "cob", "cage", "sage", "iage", "bage"],
    description: "Plugins shown by default (SHOW_PLUGINS); each must also be enabled.",
  },
  {
    key: "dbSizeMaxMiB",
    // Nightscout only compares the size against it; 10 TiB is beyond any CGM history.
    range: [0, 10_000_000],
    type: "integer",
    default: 0,
    description: "DBSIZE_MAX in MiB (0: 80% of the Postgres storage size).",
  },
  {
    key: "nightscoutImage",
    format: "image",
    type: "string",
    default: DEFAULT_IMAGES.nightscout,
    description: "Nightscout image, pinned by tag or digest.",
  },
  {
    key: "nightscoutCpuRequest",
    format: "quantity",
    type: "string",
    default: "100m",
    description: "Nightscout CPU request.",
  },
  {
    key: "nightscoutMemoryRequest",
    format: "quantity",
    type: "string",
    default: "256Mi",
    description: "Nightscout memory request.",
  },
  {
    key: "nightscoutMemoryLimit",
    format: "quantity",
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
    format: "image",
    type: "string",
    default: DEFAULT_IMAGES.postgres,
    description: "postgres-documentdb image; its ferretdb-<version> must match ferretdbImage.",
  },
  {
    key: "postgresClusterName",
    format: "clusterName",
    type: "string",
    default: "nightscout-db",
    description: "Name of the CNPG Cluster (also the backup server name).",
  },
  {
    key: "postgresInstances",
    // One primary and up to eight replicas: more adds no safety for one family's data.
    range: [1, 9],
    type: "integer",
    default: 1,
    description: "PostgreSQL instances (3 for production).",
  },
  {
    key: "postgresStorageSize",
    format: "storage",
    type: "string",
    default: "5Gi",
    description: "Volume size per instance.",
  },
  {
    key: "postgresStorageClass",
    example: "local-path",
    format: "objectName",
    type: "string",
    default: "",
    description: "StorageClass of the volumes (empty: the cluster default).",
  },
  {
    key: "postgresCpuRequest",
    format: "quantity",
    type: "string",
    default: "100m",
    description: "PostgreSQL CPU request.",
  },
  {
    key: "postgresMemoryRequest",
    format: "quantity",
    type: "string",
    default: "384Mi",
    description: "PostgreSQL memory request.",
  },
  {
    key: "postgresMemoryLimit",
    format: "quantity",
    type: "string",
    default: "1Gi",
    description: "PostgreSQL memory limit.",
  },
  {
    key: "postgresMaxConnections",
    // Below 20 the reserved connections (13) leave FerretDB almost nothing; 10000 is
    // far beyond what one instance with these memory limits can serve.
    range: [20, 10000],
    type: "integer",
    default: 100,
    description: "PostgreSQL max_connections.",
  },

  // FerretDB.
  {
    key: "ferretdbImage",
    format: "image",
    type: "string",
    default: DEFAULT_IMAGES.ferretdb,
    description: "FerretDB v2 image, pinned; must pair with the DocumentDB version.",
  },
  {
    key: "ferretdbReplicas",
    // Nightscout is one pod; more than ten FerretDB pods only burn connections.
    range: [1, 10],
    type: "integer",
    default: 1,
    description: "FerretDB replicas.",
  },
  {
    key: "ferretdbPoolSize",
    // pgx needs at least one connection; 1000 exceeds any max_connections allowed here.
    range: [1, 1000],
    type: "integer",
    default: 20,
    description: "Maximum PostgreSQL connections per FerretDB pod.",
  },
  {
    key: "ferretdbCpuRequest",
    format: "quantity",
    type: "string",
    default: "50m",
    description: "FerretDB CPU request.",
  },
  {
    key: "ferretdbMemoryRequest",
    format: "quantity",
    type: "string",
    default: "64Mi",
    description: "FerretDB memory request.",
  },
  {
    key: "ferretdbMemoryLimit",
    format: "quantity",
    type: "string",
    default: "256Mi",
    description: "FerretDB memory limit.",
  },

  // Ingress, TLS, network.
  {
    key: "ingressClassName",
    format: "objectName",
    type: "string",
    default: "traefik",
    description: "IngressClass of the Nightscout Ingress.",
  },
  {
    key: "tlsClusterIssuer",
    example: "letsencrypt-prod",
    format: "objectName",
    type: "string",
    default: "",
    description: "cert-manager ClusterIssuer that issues the certificate (or set tlsSecretName).",
  },
  {
    key: "tlsSecretName",
    example: "nightscout-tls",
    format: "objectName",
    type: "string",
    default: "",
    description: "Existing TLS Secret; with tlsClusterIssuer, the name cert-manager writes to.",
  },
  {
    key: "redirectMiddleware",
    example: "<namespace>-<name>@kubernetescrd",
    format: "middlewareRef",
    type: "string",
    default: "",
    description:
      "Existing Traefik middleware reference <namespace>-<name>@kubernetescrd (empty: create one).",
  },
  {
    key: "ingressControllerNamespace",
    format: "objectName",
    type: "string",
    default: "kube-system",
    description:
      "Namespace of the ingress controller, the only source allowed to reach Nightscout.",
  },
  {
    key: "cnpgOperatorNamespace",
    format: "objectName",
    type: "string",
    default: "cnpg-system",
    description: "Namespace of the CloudNative-PG operator, allowed to reach the instances.",
  },

  // Backups and restore (Barman Cloud plugin).
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

  // Post-deploy check.
  {
    key: "postDeployCheck",
    oneOf: POST_DEPLOY_CHECK_MODES,
    type: "string",
    default: "portForward",
    description: "How to check MongoDB after deploy: portForward, direct or off.",
  },
  {
    key: "postDeployCheckUri",
    example: "mongodb://<user>:<password>@<host>:27017/nightscout",
    format: "mongoUri",
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
    range: [MIN_CHECK_DEADLINE_SECONDS, MAX_CHECK_DEADLINE_SECONDS],
    type: "integer",
    default: DEFAULT_CHECK_DEADLINE_SECONDS,
    description: "Deadline of the post-deploy check.",
  },
] as const satisfies readonly Setting[];

/** Every declared key: a typo in the program's own reads fails to compile. */
export type SettingKey = (typeof DECLARED)[number]["key"];
export const SETTINGS: readonly Setting[] = DECLARED;

/** The declaration of `key`; every key the program reads is declared above. */
export function settingOf(key: SettingKey): Setting {
  return SETTINGS.find((s) => s.key === key)!;
}
