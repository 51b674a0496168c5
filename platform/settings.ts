/**
 * Every configuration key of the platform project (`nightscout-platform`), declared once:
 * config/read.ts reads and checks them as it does the app's, platform/config.ts adds the
 * cross-field rules, and `npm run sync:settings` writes platform/Pulumi.yaml's config block
 * and the README's platform table from this list (tests/platform/settings.test.ts keeps them
 * equal).
 */
import { declareSettings } from "../config/settings";
import { providerSettings } from "../config/settings/deployment";

export const PROJECT = "nightscout-platform";

/** Where the prometheus-operator CRDs come from. */
export const MONITORING_CRDS_SOURCES = ["absent", "managedElsewhere", "install"] as const;
export type MonitoringCrds = (typeof MONITORING_CRDS_SOURCES)[number];

/** A quantity setting of the operator's or the plugin's container. */
function resource<K extends string>(key: K, value: string, description: string) {
  const format = key.includes("Cpu") ? ("cpu" as const) : ("memory" as const);
  return { key, type: "string", format, default: value, description } as const;
}

export const PLATFORM_SETTINGS = declareSettings(PROJECT, [
  ...providerSettings(
    "rendered/platform",
    "Write manifests to this directory instead of applying them.",
  ),
  {
    key: "operatorNamespace",
    format: "namespace",
    type: "string",
    default: "cnpg-system",
    description:
      "Where the operator and the plugin run (every reference in the manifests is moved).",
  },
  {
    key: "installCnpg",
    type: "boolean",
    default: true,
    description:
      "Install the CloudNative-PG operator (false: it is managed elsewhere; then set externalOperatorVersion).",
  },
  {
    key: "externalOperatorVersion",
    example: "<x.y.z>",
    type: "string",
    default: "",
    description:
      "With installCnpg false, the version of the operator managed elsewhere, exported to the app stacks.",
  },
  {
    key: "installBarmanPlugin",
    type: "boolean",
    default: true,
    description:
      "Install the Barman Cloud plugin (it needs cert-manager: its manifest has an Issuer and two Certificates).",
  },
  {
    key: "monitoringCrds",
    oneOf: MONITORING_CRDS_SOURCES,
    // The fix for an unknown value: whoever sets this wants the CRDs, from one source or the other.
    example: "managedElsewhere (prometheus-operator installed), or install",
    type: "string",
    default: "absent",
    description:
      "Where the PodMonitor and PrometheusRule CRDs come from: absent, managedElsewhere (prometheus-operator installed) or install (prometheus-operator v0.93.0's, docs/upstream-files.md).",
  },
  resource("operatorCpuRequest", "100m", "The operator's CPU request (it gets no CPU limit)."),
  resource("operatorMemoryRequest", "100Mi", "The operator's memory request."),
  resource("operatorMemoryLimit", "200Mi", "The operator's memory limit."),
  resource("pluginCpuRequest", "10m", "The plugin's CPU request (it gets no CPU limit)."),
  resource("pluginMemoryRequest", "64Mi", "The plugin's memory request."),
  resource("pluginMemoryLimit", "128Mi", "The plugin's memory limit."),
  {
    key: "barmanPluginImage",
    format: "image",
    type: "string",
    default: "ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.14.0",
    description: "The plugin's image, pinned (the manifest names a -testing:main build).",
  },
  {
    key: "barmanSidecarImage",
    format: "image",
    type: "string",
    default: "ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.14.0",
    description: "The sidecar image the plugin injects into PostgreSQL pods, pinned.",
  },
]);

export type PlatformSettingKey = Parameters<typeof PLATFORM_SETTINGS.of>[0];
