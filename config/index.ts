import * as pulumi from "@pulumi/pulumi";
import {
  NIGHTSCOUT_PLUGINS,
  NIGHTSCOUT_ROLES,
  documentDbFor,
  imagePinProblem,
  parseDocumentDbImageTag,
  parseFerretDbImageVersion,
} from "../domain";
import { NightscoutThresholds } from "../components/nightscout";
import { ObjectStoreArgs } from "../components/postgresCluster";
import { ResourceRequests } from "../components/types";
import { SETTINGS, Setting } from "./settings";

export type DisplayUnits = "mmol/L" | "mg/dL";
export type PostDeployCheckMode = "portForward" | "direct" | "off";

/** The four Nightscout thresholds, as numbers in the display unit. */
export type Thresholds = NightscoutThresholds;

export interface StackConfig {
  /** Accepted but risky settings, for the program to log as warnings. */
  warnings: string[];
  kubeContext?: string;
  renderYamlToDirectory?: string;
  namespace: string;
  createNamespace: boolean;
  protectDatabase: boolean;
  nightscout: {
    hostname: string;
    apiSecret: pulumi.Output<string>;
    displayUnits: DisplayUnits;
    thresholds?: Thresholds;
    alarmTypes: string;
    authDefaultRoles: string[];
    enabledPlugins: string[];
    showPlugins: string[];
    dbSizeMaxMiB: number;
    image: string;
    resources: ResourceRequests;
  };
  postgres: {
    image: string;
    clusterName: string;
    instances: number;
    storageSize: string;
    storageClass?: string;
    resources: ResourceRequests;
    maxConnections: number;
  };
  ferretdb: {
    image: string;
    replicas: number;
    poolSize: number;
    resources: ResourceRequests;
  };
  ingress: {
    className: string;
    clusterIssuer?: string;
    tlsSecretName?: string;
    redirectMiddleware?: string;
    controllerNamespace: string;
  };
  cnpgOperatorNamespace: string;
  backup?: ObjectStoreArgs & { retention: string; schedule: string };
  restore?: ObjectStoreArgs & { serverName: string; targetTime?: string };
  postDeployCheck: {
    mode: PostDeployCheckMode;
    directUri?: pulumi.Output<string>;
    deadlineSeconds: number;
    checkPublicUrl: boolean;
  };
}

/** Raised with every problem found in the configuration, so one run shows them all. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was deployed:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Reads one raw value: a string as stored in the stack file, or undefined when unset. */
export type RawConfigReader = (key: string) => string | undefined;

/**
 * PostgreSQL reserves 3 connections for superusers, and the instance manager, metrics
 * exporter, replication and DocumentDB's pg_cron jobs need about 10 more: the budget for
 * FerretDB is what remains (fact 17). The policy pack counts the same way.
 */
export const RESERVED_POSTGRES_CONNECTIONS = 13;
/** FerretDB rolls out one extra pod before retiring an old one (maxSurge 1). */
export const FERRETDB_ROLLOUT_SURGE = 1;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const STORAGE_UNITS: Record<string, number> = {
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
  M: 1e6 / 1048576,
  G: 1e9 / 1048576,
  T: 1e12 / 1048576,
};

/**
 * Validates the whole configuration and returns it typed, or throws one ConfigError that
 * lists every problem with the key, the bad value and the fix. Secrets are wrapped in
 * secret Outputs as soon as they are read; their values never appear in a message.
 */
export function parseStackConfig(
  read: RawConfigReader,
  project = "nightscout",
  isSecret: (key: string) => boolean = () => true,
): StackConfig {
  const problems: string[] = [];
  const key = (k: string) => `${project}:${k}`;
  const setting = (k: string): Setting => {
    const found = SETTINGS.find((s) => s.key === k);
    if (!found) throw new Error(`internal: setting ${k} is not declared in config/settings.ts`);
    return found;
  };
  const problem = (k: string, value: string | undefined, why: string, fix: string) => {
    const shown = setting(k).secret ? "(secret)" : JSON.stringify(value);
    problems.push(`${key(k)} = ${shown}: ${why}. Fix: ${fix}`);
  };

  const raw = (k: string): string | undefined => {
    const s = setting(k);
    const value = read(key(k));
    if (value !== undefined && value !== "") return value;
    if (s.default === undefined || s.default === "") return undefined;
    return Array.isArray(s.default) ? JSON.stringify(s.default) : String(s.default);
  };
  const str = (k: string) => raw(k);
  const int = (k: string, min: number, max: number): number => {
    const value = raw(k);
    const n = Number(value);
    if (value === undefined || !/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      problem(
        k,
        value,
        `must be a whole number from ${min} to ${max}`,
        `pulumi config set ${k} <${min}..${max}>`,
      );
      // NaN keeps checks that depend on this value from piling follow-on errors on it.
      return NaN;
    }
    return n;
  };
  const bool = (k: string): boolean => {
    const value = raw(k);
    if (value === "true") return true;
    if (value === "false") return false;
    problem(k, value, "must be true or false", `pulumi config set ${k} true|false`);
    return Boolean(setting(k).default);
  };
  const list = (k: string): string[] | undefined => {
    const value = raw(k) ?? "[]";
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) return parsed;
    } catch {
      // Not JSON: fall through to the message below.
    }
    problem(
      k,
      value,
      "must be a list of strings",
      `pulumi config set --path '${k}[0]' <value> (one entry per index)`,
    );
    return undefined;
  };
  const quantity = (k: string): string => {
    const value = raw(k) ?? "";
    if (!QUANTITY.test(value)) {
      problem(
        k,
        value,
        "is not a Kubernetes quantity",
        `pulumi config set ${k} 256Mi (or 100m for CPU)`,
      );
    }
    return value;
  };
  const image = (k: string, requireDigest = false): string => {
    const value = raw(k) ?? "";
    const why = imagePinProblem(value, requireDigest);
    if (why)
      problem(
        k,
        value,
        `image ${why}`,
        `pin it, e.g. pulumi config set ${k} ${setting(k).default}`,
      );
    return value;
  };
  const secret = (k: string): pulumi.Output<string> | undefined => {
    const value = read(key(k));
    return value === undefined || value === "" ? undefined : pulumi.secret(value);
  };
  // The engine only enforces encryption for secrets declared in Pulumi.yaml; the optional
  // ones are checked here, and none of them may sit in a stack file in plaintext.
  for (const s of SETTINGS.filter((s) => s.secret)) {
    const value = read(key(s.key));
    if (value !== undefined && value !== "" && !isSecret(key(s.key))) {
      problem(
        s.key,
        undefined,
        "is stored in plaintext in the stack configuration",
        `pulumi config set --secret ${s.key} <value> (and rotate it: it was readable)`,
      );
    }
  }

  // Deployment target.
  const namespace = str("namespace") ?? "";
  if (!DNS_LABEL.test(namespace)) {
    problem(
      "namespace",
      namespace,
      "is not a valid namespace name (lowercase DNS label, at most 63 characters)",
      "pulumi config set namespace nightscout",
    );
  }

  // Nightscout.
  const hostname = str("hostname");
  if (hostname === undefined) {
    problem(
      "hostname",
      hostname,
      "is required: it is the public name Nightscout is served on",
      "pulumi config set hostname ns.example.org",
    );
  } else if (
    hostname.length > 253 ||
    !hostname.split(".").every((l) => DNS_LABEL.test(l)) ||
    !hostname.includes(".")
  ) {
    problem(
      "hostname",
      hostname,
      "is not a fully qualified DNS name (lowercase labels separated by dots, no scheme or path)",
      "pulumi config set hostname ns.example.org",
    );
  }

  const apiSecretRaw = read(key("apiSecret"));
  if (apiSecretRaw === undefined || apiSecretRaw === "") {
    problem(
      "apiSecret",
      undefined,
      "is required: Nightscout does not refuse to start without it",
      "pulumi config set --secret apiSecret <at least 12 characters>",
    );
  } else if (apiSecretRaw.length < 12) {
    problem(
      "apiSecret",
      undefined,
      `is ${apiSecretRaw.length} characters long; Nightscout needs at least 12`,
      "pulumi config set --secret apiSecret <at least 12 characters>",
    );
  }

  const unitsRaw = str("displayUnits");
  let displayUnits: DisplayUnits = "mmol/L";
  if (unitsRaw === "mmol/L" || unitsRaw === "mg/dL") displayUnits = unitsRaw;
  else
    problem(
      "displayUnits",
      unitsRaw,
      "must be mmol/L or mg/dL",
      "pulumi config set displayUnits mmol/L",
    );

  const thresholds = parseThresholds(str, displayUnits, problem);

  const alarmTypes = str("alarmTypes") ?? "";
  const alarmWords = alarmTypes.split(/\s+/).filter(Boolean);
  if (alarmWords.length === 0 || !alarmWords.every((w) => w === "simple" || w === "predict")) {
    problem(
      "alarmTypes",
      alarmTypes,
      'must be simple, predict, or "simple predict"',
      "pulumi config set alarmTypes simple",
    );
  }

  const rolesList = list("authDefaultRoles");
  const authDefaultRoles = rolesList ?? [];
  const unknownRoles = authDefaultRoles.filter(
    (r) => !(NIGHTSCOUT_ROLES as readonly string[]).includes(r),
  );
  // A value that is not a list was reported already.
  if (rolesList !== undefined && (authDefaultRoles.length === 0 || unknownRoles.length > 0)) {
    problem(
      "authDefaultRoles",
      JSON.stringify(authDefaultRoles),
      `must name known roles (unknown: ${unknownRoles.join(", ") || "none given"}; known: ${NIGHTSCOUT_ROLES.join(", ")})`,
      "pulumi config set --path 'authDefaultRoles[0]' status-only",
    );
  }

  const enabledPlugins = list("enabledPlugins") ?? [];
  const unknownPlugins = enabledPlugins.filter(
    (p) => !(NIGHTSCOUT_PLUGINS as readonly string[]).includes(p),
  );
  if (unknownPlugins.length > 0) {
    problem(
      "enabledPlugins",
      JSON.stringify(enabledPlugins),
      `names unknown plugins: ${unknownPlugins.join(", ")}`,
      `use only: ${NIGHTSCOUT_PLUGINS.join(" ")}`,
    );
  }
  const showPlugins = list("showPlugins") ?? [];
  const unknownShown = showPlugins.filter(
    (p) => !(NIGHTSCOUT_PLUGINS as readonly string[]).includes(p),
  );
  const shownNotEnabled = showPlugins.filter(
    (p) => !unknownShown.includes(p) && !enabledPlugins.includes(p),
  );
  if (unknownShown.length > 0) {
    problem(
      "showPlugins",
      JSON.stringify(showPlugins),
      `names unknown plugins: ${unknownShown.join(", ")}`,
      `use only: ${NIGHTSCOUT_PLUGINS.join(" ")}`,
    );
  }
  if (shownNotEnabled.length > 0) {
    problem(
      "showPlugins",
      JSON.stringify(showPlugins),
      `shows plugins that are not enabled: ${shownNotEnabled.join(", ")}`,
      "add them to enabledPlugins or remove them from showPlugins",
    );
  }

  // PostgreSQL.
  const postgresImage = image("postgresImage");
  const ferretdbImage = image("ferretdbImage");
  const warnings: string[] = [];
  const upgradeInProgress = bool("upgradeInProgress");
  checkVersionPairing(postgresImage, ferretdbImage, (k, value, why, fix) => {
    // Mid-upgrade the two images differ by design (image first, extension, then FerretDB);
    // a mismatch is then only a warning. A malformed tag stays an error.
    if (upgradeInProgress && /works with DocumentDB|was built for FerretDB/.test(why)) {
      warnings.push(
        `${key(k)}: ${why} (accepted because upgradeInProgress is true; set it to false when the upgrade is done)`,
      );
    } else {
      problem(k, value, why, fix);
    }
  });

  const clusterName = str("postgresClusterName") ?? "";
  if (!DNS_LABEL.test(clusterName) || clusterName.length > 50) {
    problem(
      "postgresClusterName",
      clusterName,
      "must be a lowercase DNS label of at most 50 characters (CNPG derives longer names from it)",
      "pulumi config set postgresClusterName nightscout-db",
    );
  }
  const instances = int("postgresInstances", 1, 9);
  const storageSize = quantity("postgresStorageSize");
  const storageMiB = mebibytes(storageSize);
  if (storageMiB !== undefined && storageMiB < 1024) {
    problem(
      "postgresStorageSize",
      storageSize,
      "is below 1Gi, too small for WAL and a year of CGM data",
      "pulumi config set postgresStorageSize 5Gi",
    );
  }
  const maxConnections = int("postgresMaxConnections", 20, 10000);

  // FerretDB.
  const replicas = int("ferretdbReplicas", 1, 10);
  const poolSize = int("ferretdbPoolSize", 1, 1000);
  // Comparisons with NaN are false: an invalid number was already reported.
  const peakPods = replicas + FERRETDB_ROLLOUT_SURGE;
  if (peakPods * poolSize + RESERVED_POSTGRES_CONNECTIONS > maxConnections) {
    problem(
      "ferretdbPoolSize",
      String(poolSize),
      `${replicas} FerretDB replica(s) + ${FERRETDB_ROLLOUT_SURGE} during a rollout, x ${poolSize} connections + ${RESERVED_POSTGRES_CONNECTIONS} reserved exceeds postgresMaxConnections=${maxConnections}`,
      `lower ferretdbPoolSize to at most ${Math.max(1, Math.floor((maxConnections - RESERVED_POSTGRES_CONNECTIONS) / peakPods))}, or raise postgresMaxConnections`,
    );
  }

  // Ingress and TLS.
  const clusterIssuer = str("tlsClusterIssuer");
  const tlsSecretName = str("tlsSecretName");
  if (clusterIssuer === undefined && tlsSecretName === undefined) {
    problem(
      "tlsClusterIssuer",
      clusterIssuer,
      "no TLS source: set a cert-manager ClusterIssuer or an existing TLS secret",
      "pulumi config set tlsClusterIssuer letsencrypt-prod (or tlsSecretName <secret>)",
    );
  }
  for (const k of [
    "tlsClusterIssuer",
    "tlsSecretName",
    "ingressClassName",
    "ingressControllerNamespace",
    "cnpgOperatorNamespace",
  ]) {
    const v = str(k);
    if (v !== undefined && !/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(v)) {
      problem(
        k,
        v,
        "is not a valid Kubernetes object name",
        `pulumi config set ${k} <lowercase name>`,
      );
    }
  }
  const redirectMiddleware = str("redirectMiddleware");
  if (
    redirectMiddleware !== undefined &&
    !/^[a-z0-9-]+-[a-z0-9-]+@kubernetescrd$/.test(redirectMiddleware)
  ) {
    problem(
      "redirectMiddleware",
      redirectMiddleware,
      "is not a Traefik CRD middleware reference",
      "pulumi config set redirectMiddleware <namespace>-<name>@kubernetescrd, or unset it to create one",
    );
  }

  // Backups and restore.
  const backup = parseBackup(str, secret, problem, read, key);
  const restore = parseRestore(str, secret, problem, backup, clusterName);

  // Post-deploy check.
  const modeRaw = str("postDeployCheck");
  let mode: PostDeployCheckMode = "portForward";
  if (modeRaw === "portForward" || modeRaw === "direct" || modeRaw === "off") mode = modeRaw;
  else
    problem(
      "postDeployCheck",
      modeRaw,
      "must be portForward, direct or off",
      "pulumi config set postDeployCheck portForward",
    );
  const directUri = secret("postDeployCheckUri");
  if (mode === "direct" && directUri === undefined) {
    problem(
      "postDeployCheckUri",
      undefined,
      "is required when postDeployCheck is direct",
      "pulumi config set --secret postDeployCheckUri mongodb://user:pass@host:27017/nightscout",
    );
  }
  const renderYamlToDirectory = str("renderYamlToDirectory");
  if (renderYamlToDirectory !== undefined && mode === "portForward") {
    problem(
      "postDeployCheck",
      modeRaw,
      "cannot port-forward when renderYamlToDirectory is set (nothing is deployed to forward to)",
      "pulumi config set postDeployCheck off (or direct with postDeployCheckUri)",
    );
  }
  const deadlineSeconds = int("postDeployCheckDeadlineSeconds", 10, 3600);

  const nightscoutResources = resources("nightscout", quantity);
  const dbSizeMaxRaw = int("dbSizeMaxMiB", 0, 10_000_000);
  const dbSizeMaxMiB = dbSizeMaxRaw > 0 ? dbSizeMaxRaw : Math.floor((storageMiB ?? 5120) * 0.8);

  const config: StackConfig = {
    warnings,
    kubeContext: str("kubeContext"),
    renderYamlToDirectory,
    namespace,
    createNamespace: bool("createNamespace"),
    protectDatabase: bool("protectDatabase"),
    nightscout: {
      hostname: hostname ?? "",
      apiSecret: pulumi.secret(apiSecretRaw ?? ""),
      displayUnits,
      thresholds,
      alarmTypes: alarmWords.join(" "),
      authDefaultRoles,
      enabledPlugins,
      showPlugins,
      dbSizeMaxMiB,
      image: image("nightscoutImage"),
      resources: nightscoutResources,
    },
    postgres: {
      image: postgresImage,
      clusterName,
      instances,
      storageSize,
      storageClass: str("postgresStorageClass"),
      resources: resources("postgres", quantity),
      maxConnections,
    },
    ferretdb: {
      image: ferretdbImage,
      replicas,
      poolSize,
      resources: resources("ferretdb", quantity),
    },
    ingress: {
      className: str("ingressClassName") ?? "",
      clusterIssuer,
      tlsSecretName,
      redirectMiddleware,
      controllerNamespace: str("ingressControllerNamespace") ?? "",
    },
    cnpgOperatorNamespace: str("cnpgOperatorNamespace") ?? "",
    backup,
    restore,
    postDeployCheck: {
      mode,
      directUri,
      deadlineSeconds,
      checkPublicUrl: bool("postDeployCheckPublicUrl"),
    },
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

type Problem = (k: string, value: string | undefined, why: string, fix: string) => void;

function resources(prefix: string, quantity: (k: string) => string): ResourceRequests {
  return {
    cpuRequest: quantity(`${prefix}CpuRequest`),
    memoryRequest: quantity(`${prefix}MemoryRequest`),
    memoryLimit: quantity(`${prefix}MemoryLimit`),
  };
}

/** Size of a storage quantity in MiB, or undefined for units that make no sense for disks. */
function mebibytes(quantity: string): number | undefined {
  const match = quantity.match(/^([0-9]+(?:\.[0-9]+)?)(Mi|Gi|Ti|M|G|T)$/);
  if (!match) return undefined;
  return Number(match[1]) * STORAGE_UNITS[match[2]];
}

/**
 * Fact 22: Nightscout converts thresholds from mmol/L only when the units are mmol and
 * BG_HIGH < 50, and only as a set. So all four or none, in the display unit, in a
 * plausible range and strictly ordered.
 */
function parseThresholds(
  str: (k: string) => string | undefined,
  units: DisplayUnits,
  problem: Problem,
): Thresholds | undefined {
  const keys = ["bgLow", "bgTargetBottom", "bgTargetTop", "bgHigh"] as const;
  const given = keys.filter((k) => str(k) !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < keys.length) {
    const missing = keys.filter((k) => !given.includes(k));
    problem(
      missing[0],
      undefined,
      `is unset while ${given.join(", ")} ${given.length === 1 ? "is" : "are"} set; Nightscout then mixes your values with its mg/dL defaults`,
      `set all four thresholds (${keys.join(", ")}) in ${units}, or none`,
    );
    return undefined;
  }
  const [min, max] = units === "mmol/L" ? [1.5, 27] : [27, 486];
  const values: Partial<Record<(typeof keys)[number], number>> = {};
  let valid = true;
  for (const k of keys) {
    const value = str(k) as string;
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value.trim()) || n < min || n > max) {
      const other = units === "mmol/L" ? "mg/dL" : "mmol/L";
      problem(
        k,
        value,
        `must be a number from ${min} to ${max} ${units} (values look like ${other}? thresholds are given in displayUnits)`,
        `pulumi config set ${k} <${min}..${max}>`,
      );
      valid = false;
    } else {
      values[k] = n;
    }
  }
  if (!valid) return undefined;
  const t: Thresholds = {
    low: values.bgLow!,
    targetBottom: values.bgTargetBottom!,
    targetTop: values.bgTargetTop!,
    high: values.bgHigh!,
  };
  const order: [string, number, string, number][] = [
    ["bgLow", t.low, "bgTargetBottom", t.targetBottom],
    ["bgTargetBottom", t.targetBottom, "bgTargetTop", t.targetTop],
    ["bgTargetTop", t.targetTop, "bgHigh", t.high],
  ];
  for (const [a, av, b, bv] of order) {
    if (!(av < bv)) {
      problem(
        a,
        String(av),
        `must be below ${b} (${bv}): thresholds must rise low < target bottom < target top < high`,
        `choose ${a} < ${b}`,
      );
      valid = false;
    }
  }
  return valid ? t : undefined;
}

function checkVersionPairing(postgresImage: string, ferretdbImage: string, problem: Problem) {
  const documentdb = parseDocumentDbImageTag(postgresImage);
  if (!documentdb) {
    problem(
      "postgresImage",
      postgresImage,
      "is not a postgres-documentdb image tag <pg>-<documentdb>-ferretdb-<ferretdb>",
      "use e.g. ghcr.io/ferretdb/postgres-documentdb:17-0.107.0-ferretdb-2.7.0",
    );
    return;
  }
  if (documentdb.postgres !== "17") {
    problem(
      "postgresImage",
      postgresImage,
      `is PostgreSQL ${documentdb.postgres}; this stack runs PostgreSQL 17`,
      "use a 17-<documentdb>-ferretdb-<ferretdb> tag",
    );
  }
  const ferretdb = parseFerretDbImageVersion(ferretdbImage);
  if (!ferretdb) {
    problem(
      "ferretdbImage",
      ferretdbImage,
      "has no version tag, so its DocumentDB pairing cannot be checked",
      "use e.g. ghcr.io/ferretdb/ferretdb:2.7.0",
    );
    return;
  }
  const expected = documentDbFor(ferretdb);
  if (expected === undefined) {
    problem(
      "ferretdbImage",
      ferretdbImage,
      `FerretDB ${ferretdb} is not a known v2 release with a DocumentDB pairing`,
      "use 2.7.0 with DocumentDB 0.107.0 (or another pair from the FerretDB changelog)",
    );
  } else if (expected !== documentdb.documentdb) {
    problem(
      "ferretdbImage",
      ferretdbImage,
      `FerretDB ${ferretdb} works with DocumentDB ${expected}, but postgresImage carries DocumentDB ${documentdb.documentdb}`,
      `upgrade both as a pair: postgresImage ...:17-${expected}-ferretdb-${ferretdb}, or a FerretDB that pairs with ${documentdb.documentdb}`,
    );
  } else if (documentdb.ferretdb !== ferretdb) {
    problem(
      "ferretdbImage",
      ferretdbImage,
      `postgresImage was built for FerretDB ${documentdb.ferretdb}`,
      `use ghcr.io/ferretdb/ferretdb:${documentdb.ferretdb} or the matching postgres-documentdb tag`,
    );
  }
}

const S3_PATH = /^(s3|gs|https?):\/\/[^\s/]+(\/[^\s]*)?$/;
const AZURE_PATH = /^https:\/\/[^\s]+$/;

function parseBackup(
  str: (k: string) => string | undefined,
  secret: (k: string) => pulumi.Output<string> | undefined,
  problem: Problem,
  read: RawConfigReader,
  key: (k: string) => string,
): StackConfig["backup"] {
  const destinationPath = str("backupDestinationPath");
  if (destinationPath === undefined) {
    for (const k of ["backupEndpointUrl", "backupAccessKeyId", "backupSecretAccessKey"]) {
      if (read(key(k))) {
        problem(
          "backupDestinationPath",
          undefined,
          `is unset while ${k} is set, so no backups would be taken`,
          "pulumi config set backupDestinationPath s3://<bucket>/<path>",
        );
        break;
      }
    }
    return undefined;
  }
  if (!S3_PATH.test(destinationPath) && !AZURE_PATH.test(destinationPath)) {
    problem(
      "backupDestinationPath",
      destinationPath,
      "is not an object store URL",
      "pulumi config set backupDestinationPath s3://<bucket>/<path>",
    );
  }
  const endpointUrl = str("backupEndpointUrl");
  if (endpointUrl !== undefined && !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(endpointUrl)) {
    problem(
      "backupEndpointUrl",
      endpointUrl,
      "must be an http(s) URL with no path",
      "pulumi config set backupEndpointUrl https://s3.example.org",
    );
  }
  const accessKeyId = secret("backupAccessKeyId");
  const secretAccessKey = secret("backupSecretAccessKey");
  for (const [k, v] of [
    ["backupAccessKeyId", accessKeyId],
    ["backupSecretAccessKey", secretAccessKey],
  ] as const) {
    if (v === undefined)
      problem(
        k,
        undefined,
        "is required when backupDestinationPath is set",
        `pulumi config set --secret ${k} <value>`,
      );
  }
  const retention = str("backupRetention") ?? "";
  if (!/^[1-9][0-9]*[dwm]$/.test(retention)) {
    problem(
      "backupRetention",
      retention,
      "must be a number followed by d, w or m",
      "pulumi config set backupRetention 30d",
    );
  }
  const schedule = str("backupSchedule") ?? "";
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6 || !fields.every((f) => /^[0-9*/,\-?A-Za-z]+$/.test(f))) {
    problem(
      "backupSchedule",
      schedule,
      `has ${fields.length} fields; ScheduledBackup needs six, seconds first`,
      'pulumi config set backupSchedule "0 45 2 * * *"',
    );
  }
  return {
    destinationPath,
    endpointUrl,
    region: str("backupRegion"),
    accessKeyId: accessKeyId ?? pulumi.secret(""),
    secretAccessKey: secretAccessKey ?? pulumi.secret(""),
    retention,
    schedule,
  };
}

function parseRestore(
  str: (k: string) => string | undefined,
  secret: (k: string) => pulumi.Output<string> | undefined,
  problem: Problem,
  backup: StackConfig["backup"],
  clusterName: string,
): StackConfig["restore"] {
  const serverName = str("restoreFromServerName");
  const sourcePath = str("restoreSourcePath");
  const targetTime = str("restoreTargetTime");
  if (serverName === undefined) {
    if (sourcePath !== undefined || targetTime !== undefined) {
      problem(
        "restoreFromServerName",
        undefined,
        `is unset while ${sourcePath !== undefined ? "restoreSourcePath" : "restoreTargetTime"} is set, so nothing would be restored`,
        "pulumi config set restoreFromServerName <name of the backed-up cluster>",
      );
    }
    return undefined;
  }
  if (!DNS_LABEL.test(serverName)) {
    problem(
      "restoreFromServerName",
      serverName,
      "is not a valid cluster name",
      "use the postgresClusterName of the cluster whose backups you restore",
    );
  }
  const destinationPath = sourcePath ?? backup?.destinationPath;
  if (destinationPath === undefined) {
    problem(
      "restoreSourcePath",
      undefined,
      "is required to restore when backupDestinationPath is unset",
      "pulumi config set restoreSourcePath s3://<bucket>/<path>",
    );
  } else if (!S3_PATH.test(destinationPath) && !AZURE_PATH.test(destinationPath)) {
    problem(
      "restoreSourcePath",
      destinationPath,
      "is not an object store URL",
      "pulumi config set restoreSourcePath s3://<bucket>/<path>",
    );
  }
  if (backup && destinationPath === backup.destinationPath && serverName === clusterName) {
    problem(
      "postgresClusterName",
      clusterName,
      `equals restoreFromServerName in the same object store, so the restored cluster would archive WAL over the backups it restores from`,
      "give the new cluster another name, e.g. pulumi config set postgresClusterName nightscout-db-2",
    );
  }
  if (
    targetTime !== undefined &&
    (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(targetTime) ||
      Number.isNaN(Date.parse(targetTime)))
  ) {
    problem(
      "restoreTargetTime",
      targetTime,
      "must be an RFC 3339 timestamp with a timezone",
      'pulumi config set restoreTargetTime "2026-11-20T03:00:00Z"',
    );
  } else if (targetTime !== undefined && Date.parse(targetTime) > Date.now()) {
    problem(
      "restoreTargetTime",
      targetTime,
      "is in the future; recovery would wait for WAL that does not exist",
      "choose a time before now",
    );
  }
  const accessKeyId = backup?.accessKeyId ?? secret("backupAccessKeyId");
  const secretAccessKey = backup?.secretAccessKey ?? secret("backupSecretAccessKey");
  if (!backup && (accessKeyId === undefined || secretAccessKey === undefined)) {
    problem(
      "backupAccessKeyId",
      undefined,
      "restore needs object store credentials (backupAccessKeyId and backupSecretAccessKey)",
      "pulumi config set --secret backupAccessKeyId <value>; pulumi config set --secret backupSecretAccessKey <value>",
    );
  }
  return {
    destinationPath: destinationPath ?? "",
    endpointUrl: str("backupEndpointUrl"),
    region: str("backupRegion"),
    accessKeyId: accessKeyId ?? pulumi.secret(""),
    secretAccessKey: secretAccessKey ?? pulumi.secret(""),
    serverName,
    targetTime,
  };
}

/** Reads the stack's configuration from the Pulumi runtime and validates it. */
export function loadStackConfig(): StackConfig {
  // Secret values are read raw so their length can be checked before anything is deployed;
  // parseStackConfig wraps them in secret Outputs before anything else sees them.
  // isConfigSecret is public in the SDK's JavaScript but not in its typings; without it
  // (an older SDK) the plaintext check is skipped rather than failing every deploy.
  const runtime = pulumi.runtime as typeof pulumi.runtime & {
    isConfigSecret?: (key: string) => boolean;
  };
  return parseStackConfig(
    (k) => pulumi.runtime.getConfig(k),
    pulumi.getProject(),
    (k) => runtime.isConfigSecret?.(k) ?? true,
  );
}
