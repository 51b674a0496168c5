/**
 * The platform stack's outputs contract (platform/ exports it, app stacks read it through a
 * StackReference), the oldest operator the program works with, and the glucose exporter.
 */
/** What platform/ exports; an app stack with `platformStack` set reads exactly these. */
export interface PlatformOutputs {
  /** Namespace of the CloudNative-PG operator (and the Barman Cloud plugin). */
  operatorNamespace: string;
  /** The CloudNative-PG operator's version, e.g. "1.30.0". */
  operatorVersion: string;
  /** The CNPG-I plugin name backups use, or "" when the plugin is not installed. */
  pluginName: string;
  /** Whether the PodMonitor and PrometheusRule CRDs are in the cluster. */
  monitoringCrdsPresent: boolean;
}

export const PLATFORM_OUTPUT_KEYS = [
  "operatorNamespace",
  "operatorVersion",
  "pluginName",
  "monitoringCrdsPresent",
] as const satisfies readonly (keyof PlatformOutputs)[];

/**
 * The oldest CloudNative-PG operator the program's Cluster works with: the Barman Cloud plugin
 * (fact 8) and `spec.plugins[].isWALArchiver` need 1.26 (README, prerequisites).
 */
export const MIN_CNPG_OPERATOR_VERSION = "1.26.0";

/** "1.30.0" -> [1, 30, 0]; a leading "v" and a pre-release suffix are allowed, else undefined. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?$/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * prometheus-community/json_exporter, maintained by the Prometheus community. Pinned by tag:
 * no registry is reachable from where this was written to read its digest; production stacks
 * that require digests (policies/config) set glucoseExporterImage with one.
 */
export const DEFAULT_GLUCOSE_EXPORTER_IMAGE = "quay.io/prometheuscommunity/json-exporter:v0.7.0";

/**
 * The exporter reads one small JSON document a minute: a Go binary that idles at about 10 MiB.
 * Staging's app namespace requests 250m CPU and 704Mi; monitoring may add at most 10% (the
 * issue's budget), 25m and 70.4Mi, and a test holds it there.
 */
export const GLUCOSE_EXPORTER_RESOURCES = {
  cpuRequest: "10m",
  memoryRequest: "24Mi",
  memoryLimit: "64Mi",
} as const;
