/**
 * The platform stack's settings, read once and checked before anything is registered: every
 * problem names the key, the value and the fix, like the app stacks' own.
 */
import { DNS_LABEL, imagePinProblem, parseQuantity } from "../domain";
import { parseVersion } from "../domain/platform";
import type { ContainerResources } from "./transforms";

export const PROJECT = "nightscout-platform";

/** Where the prometheus-operator CRDs come from. */
export const MONITORING_CRDS = ["absent", "managedElsewhere", "install"] as const;
export type MonitoringCrds = (typeof MONITORING_CRDS)[number];

export interface PlatformConfig {
  provider: { context?: string; renderYamlToDirectory?: string };
  operatorNamespace: string;
  /** Install CloudNative-PG here; false: it is managed elsewhere, at `externalOperatorVersion`. */
  installCnpg: boolean;
  externalOperatorVersion?: string;
  /** Install the Barman Cloud plugin (needs cert-manager in the cluster). */
  installBarmanPlugin: boolean;
  monitoringCrds: MonitoringCrds;
  operatorResources: ContainerResources;
  pluginResources: ContainerResources;
  barmanPluginImage: string;
  barmanSidecarImage: string;
}

/** Raised with every problem found, so one run shows them all; nothing was deployed. */
export class PlatformConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `Invalid platform configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was deployed:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "PlatformConfigError";
  }
}

/** Reads one raw value (undefined when unset), as `pulumi.Config.get` does. */
export type Read = (key: string) => string | undefined;

export function parsePlatformConfig(read: Read): PlatformConfig {
  const problems: string[] = [];
  const problem = (key: string, value: string | undefined, why: string, fix: string) =>
    problems.push(`${PROJECT}:${key} = ${JSON.stringify(value)}: ${why}. Fix: ${fix}`);
  const text = (key: string, fallback: string) => {
    const v = read(key);
    return v === undefined || v === "" ? fallback : v;
  };
  const flag = (key: string, fallback: boolean) => {
    const v = read(key);
    if (v === undefined || v === "") return fallback;
    if (v !== "true" && v !== "false") {
      problem(key, v, "is not a boolean", `pulumi config set ${key} ${fallback}`);
      return fallback;
    }
    return v === "true";
  };
  const quantity = (key: string, fallback: string) => {
    const v = text(key, fallback);
    if (parseQuantity(v) === undefined) {
      problem(key, v, "is not a Kubernetes quantity", `pulumi config set ${key} ${fallback}`);
    }
    return v;
  };
  const image = (key: string, fallback: string) => {
    const v = text(key, fallback);
    const why = imagePinProblem(v);
    if (why) problem(key, v, `the image ${why}`, `pulumi config set ${key} ${fallback}`);
    return v;
  };

  const operatorNamespace = text("operatorNamespace", "cnpg-system");
  if (!DNS_LABEL.test(operatorNamespace)) {
    problem(
      "operatorNamespace",
      operatorNamespace,
      "is not a namespace name",
      "pulumi config set operatorNamespace cnpg-system",
    );
  }
  const installCnpg = flag("installCnpg", true);
  const externalOperatorVersion = read("externalOperatorVersion") || undefined;
  if (!installCnpg && (!externalOperatorVersion || !parseVersion(externalOperatorVersion))) {
    problem(
      "externalOperatorVersion",
      externalOperatorVersion,
      "with installCnpg false, the stack exports the version of the operator managed elsewhere, and needs it",
      "pulumi config set externalOperatorVersion <x.y.z> (kubectl get deploy -n <namespace> -o wide shows its image tag)",
    );
  }
  if (installCnpg && externalOperatorVersion) {
    problem(
      "externalOperatorVersion",
      externalOperatorVersion,
      "is only for an operator managed elsewhere; this stack installs its own",
      "pulumi config rm externalOperatorVersion (or pulumi config set installCnpg false)",
    );
  }
  const monitoringCrds = text("monitoringCrds", "absent") as MonitoringCrds;
  if (!MONITORING_CRDS.includes(monitoringCrds)) {
    problem(
      "monitoringCrds",
      monitoringCrds,
      `must be one of ${MONITORING_CRDS.join(", ")}`,
      "pulumi config set monitoringCrds managedElsewhere (prometheus-operator installed), or install",
    );
  }
  const config: PlatformConfig = {
    provider: {
      context: read("kubeContext") || undefined,
      renderYamlToDirectory: read("renderYamlToDirectory") || undefined,
    },
    operatorNamespace,
    installCnpg,
    externalOperatorVersion,
    installBarmanPlugin: flag("installBarmanPlugin", true),
    monitoringCrds,
    operatorResources: {
      cpuRequest: quantity("operatorCpuRequest", "100m"),
      memoryRequest: quantity("operatorMemoryRequest", "100Mi"),
      memoryLimit: quantity("operatorMemoryLimit", "200Mi"),
    },
    pluginResources: {
      cpuRequest: quantity("pluginCpuRequest", "10m"),
      memoryRequest: quantity("pluginMemoryRequest", "64Mi"),
      memoryLimit: quantity("pluginMemoryLimit", "128Mi"),
    },
    barmanPluginImage: image(
      "barmanPluginImage",
      "ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.14.0",
    ),
    barmanSidecarImage: image(
      "barmanSidecarImage",
      "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.14.0",
    ),
  };
  for (const [what, r] of [
    ["operator", config.operatorResources],
    ["plugin", config.pluginResources],
  ] as const) {
    const request = parseQuantity(r.memoryRequest);
    const limit = parseQuantity(r.memoryLimit);
    if (request !== undefined && limit !== undefined && limit < request) {
      problem(
        `${what}MemoryLimit`,
        r.memoryLimit,
        `is below ${what}MemoryRequest (${r.memoryRequest}); the pod would not be admitted`,
        `pulumi config set ${what}MemoryLimit ${r.memoryRequest}`,
      );
    }
  }
  if (problems.length > 0) throw new PlatformConfigError(problems);
  return config;
}
