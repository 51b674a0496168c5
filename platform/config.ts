/**
 * The platform stack's configuration, the way the app stacks read theirs: every setting
 * declared once (platform/settings.ts), read and checked against its declaration by
 * config/read.ts, then the cross-field rules below. Any problem stops the program before a
 * resource is registered, with every problem listed at once in a ConfigError.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/error";
import { ConfigSource, Settings } from "../config/read";
import { findStackFile } from "../config/stack-file";
import { limitNotBelowRequest, parseImage } from "../domain";
import { enforceOnSettings } from "../config/rules/catalogue";
import { renderDirectoryRule } from "../config/rules/render";
import { parseVersion } from "../domain/platform";
import { MonitoringCrds, PLATFORM_SETTINGS, PlatformSettingKey } from "./settings";
import type { ContainerResources } from "./transforms";

export { PROJECT } from "./settings";
export type { MonitoringCrds } from "./settings";

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

type PlatformSettings = Settings<PlatformSettingKey>;

/**
 * The stack exports the operator's version and the app stacks check it: an operator managed
 * elsewhere needs it given, and one this stack installs reports its own.
 */
function externalOperatorRule(s: PlatformSettings): void {
  const version = s.text("externalOperatorVersion");
  if (!s.flag("installCnpg")) {
    if (version === undefined) {
      s.problems.add(
        "externalOperatorVersion",
        version,
        "with installCnpg false, the stack exports the version of the operator managed elsewhere, and needs it",
        "pulumi config set externalOperatorVersion <x.y.z> (kubectl get deploy -n <namespace> -o wide shows its image tag)",
      );
    } else if (!parseVersion(version)) {
      s.problems.add(
        "externalOperatorVersion",
        version,
        "is not a version (x.y.z); the app stacks compare it with the oldest operator they work with",
        "pulumi config set externalOperatorVersion <x.y.z> (kubectl get deploy -n <namespace> -o wide shows its image tag)",
      );
    }
  } else if (version !== undefined && s.isValid("installCnpg")) {
    s.problems.add(
      "externalOperatorVersion",
      version,
      "is only for an operator managed elsewhere; this stack installs its own",
      "pulumi config rm externalOperatorVersion (or pulumi config set installCnpg false)",
    );
  }
}

/** Fact 11 (domain/rules/resources.ts): memory limits at or above requests. */
function memoryLimitRule(s: PlatformSettings): void {
  for (const what of ["operator", "plugin"] as const) {
    const keys = { request: `${what}MemoryRequest`, limit: `${what}MemoryLimit` } as const;
    if (!s.isValid(keys.request) || !s.isValid(keys.limit)) continue;
    enforceOnSettings(s, limitNotBelowRequest, keys, {
      kind: "memory",
      request: s.text(keys.request),
      limit: s.text(keys.limit),
    });
  }
}

/**
 * The plugin's release manifest names its testing builds (docs/upstream-files.md), which this
 * stack replaces: copied from there into a setting, the image would bring one back. The tag
 * alone cannot tell (`main` is a tag like any other), the repository can.
 */
function releaseImageRule(s: PlatformSettings): void {
  for (const key of ["barmanPluginImage", "barmanSidecarImage"] as const) {
    const image = s.text(key)!;
    if (!s.isValid(key) || !parseImage(image).repository.endsWith("-testing")) continue;
    s.problems.add(
      key,
      image,
      "is the plugin's testing build, on a moving development tag, not a release",
      `pulumi config set ${key} ${PLATFORM_SETTINGS.of(key).default}`,
    );
  }
}

function resources(s: PlatformSettings, what: "operator" | "plugin"): ContainerResources {
  return {
    cpuRequest: s.text(`${what}CpuRequest`)!,
    memoryRequest: s.text(`${what}MemoryRequest`)!,
    memoryLimit: s.text(`${what}MemoryLimit`)!,
  };
}

/**
 * Validates the platform stack's configuration, or throws one ConfigError listing every
 * problem with `nightscout-platform:<key>`, the value and the fix.
 */
export function parsePlatformConfig(source: ConfigSource): PlatformConfig {
  const s = new Settings(source, PLATFORM_SETTINGS);
  externalOperatorRule(s);
  memoryLimitRule(s);
  releaseImageRule(s);
  renderDirectoryRule(s);
  if (s.problems.messages.length > 0) throw new ConfigError(s.problems.messages);
  const installCnpg = s.flag("installCnpg");
  return {
    provider: {
      context: s.text("kubeContext"),
      renderYamlToDirectory: s.text("renderYamlToDirectory"),
    },
    operatorNamespace: s.text("operatorNamespace")!,
    installCnpg,
    externalOperatorVersion: installCnpg ? undefined : s.text("externalOperatorVersion"),
    installBarmanPlugin: s.flag("installBarmanPlugin"),
    monitoringCrds: s.text("monitoringCrds") as MonitoringCrds,
    operatorResources: resources(s, "operator"),
    pluginResources: resources(s, "plugin"),
    barmanPluginImage: s.text("barmanPluginImage")!,
    barmanSidecarImage: s.text("barmanSidecarImage")!,
  };
}

/** Reads the platform stack's configuration from the Pulumi runtime and validates it. */
export function loadPlatformConfig(): PlatformConfig {
  return parsePlatformConfig({
    read: (k) => pulumi.runtime.getConfig(k),
    project: pulumi.getProject(),
    keys: Object.keys(pulumi.runtime.allConfig()),
    stackFile: findStackFile(process.cwd(), pulumi.getProject(), pulumi.getStack()),
  });
}
