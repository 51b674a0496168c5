/**
 * The stack's configuration: read and coerced once (config/read.ts), checked by the cross-field
 * rules (config/rules/), and handed to the components as their Args. Any problem stops the
 * program before a resource is registered, with every problem listed at once.
 */
import type { FerretDbArgs } from "../components/ferret-db";
import type { AppNamespaceArgs } from "../components/namespace";
import { DBSIZE_SHARE_OF_VOLUME, DisplayUnits, INTERNET_PLUGINS } from "../domain";
import type { NightscoutArgs } from "../components/nightscout";
import type { PostgresClusterArgs } from "../components/postgres-cluster";
import type { ResourceRequests } from "../components/types";
import { ConfigError } from "./error";
import { ConfigSource, Settings } from "./read";
import { backupRule, restoreRule } from "./rules/backup";
import { PostDeployCheckSettings, postDeployCheckRule } from "./rules/check";
import { connectionBudgetRule } from "./rules/connections";
import { imagePairingRule } from "./rules/images";
import { type AccessSettings, accessRule } from "./rules/access";
import {
  dbSizeRule,
  pushoverRule,
  shownPluginsEnabledRule,
  tlsSourceRule,
  volumeMiB,
} from "./rules/nightscout";
import { MonitoringSettings, monitoringRule, platformStackRule } from "./rules/monitoring";
import { renderDirectoryRule } from "./rules/render";
import {
  memoryLimitRule,
  namespacesDistinctRule,
  productionRule,
  systemNamespaceRule,
} from "./rules/safety";
import { thresholdsRule } from "./rules/thresholds";

export type { ConfigSource, RawConfigReader } from "./read";
export type { PostDeployCheckSettings } from "./rules/check";
export type { MonitoringSettings } from "./rules/monitoring";

/** What each component gets from the config; the rest of its Args are other components' outputs. */
export interface StackConfig {
  /** Accepted but risky settings, for the program to log as warnings. */
  warnings: string[];
  provider: { context?: string; renderYamlToDirectory?: string };
  namespace: AppNamespaceArgs;
  postgres: Omit<PostgresClusterArgs, "namespace">;
  ferretdb: Omit<FerretDbArgs, "namespace" | "database">;
  nightscout: Omit<NightscoutArgs, "namespace" | "mongoUri" | "databaseClientLabels" | "database">;
  displayUnits: DisplayUnits;
  /** Undefined when the check is off. */
  postDeployCheck?: PostDeployCheckSettings;
  /** Undefined when the stack does not manage Nightscout's subjects. */
  access?: AccessSettings;
  /** The platform/ stack whose outputs replace cnpgOperatorNamespace; undefined when unset. */
  platformStack?: string;
  /** Undefined when monitoring is off. */
  monitoring?: MonitoringSettings;
}

export { ConfigError } from "./error";

/**
 * Validates the whole configuration and returns the components' Args, or throws one
 * ConfigError listing every problem with the key, the bad value and the fix. Secrets are
 * wrapped in secret Outputs as soon as they are read; their values never appear in a message.
 */
export function parseStackConfig(source: ConfigSource): StackConfig {
  const s = new Settings(source);
  systemNamespaceRule(s);
  namespacesDistinctRule(s);
  const displayUnits = s.text("displayUnits") as DisplayUnits;
  const thresholds = s.isValid("displayUnits") ? thresholdsRule(s, displayUnits) : undefined;
  shownPluginsEnabledRule(s);
  const pushover = pushoverRule(s);
  dbSizeRule(s);
  imagePairingRule(s);
  connectionBudgetRule(s);
  tlsSourceRule(s);
  const backup = backupRule(s);
  const restore = restoreRule(s, backup);
  renderDirectoryRule(s);
  const postDeployCheck = postDeployCheckRule(s);
  const access = accessRule(s, postDeployCheck);
  const platformStack = platformStackRule(s);
  const monitoring = monitoringRule(s);
  memoryLimitRule(s);
  productionRule(s);
  if (s.problems.messages.length > 0) throw new ConfigError(s.problems.messages);

  // Fact 41: Nightscout turns pushover on by itself once the token is set; ENABLE says so too.
  const listed = s.list("enabledPlugins")!;
  const enabledPlugins =
    pushover && !listed.includes("pushover") ? [...listed, "pushover"] : listed;
  const protect = s.flag("protectDatabase");
  return {
    warnings: s.warnings,
    provider: {
      context: s.text("kubeContext"),
      renderYamlToDirectory: s.text("renderYamlToDirectory"),
    },
    namespace: {
      name: s.text("namespace")!,
      create: s.flag("createNamespace"),
      retainOnDelete: protect,
      allowSystemNamespace: s.flag("allowSystemNamespace"),
    },
    postgres: {
      clusterName: s.text("postgresClusterName")!,
      image: s.text("postgresImage")!,
      instances: s.integer("postgresInstances"),
      storageSize: s.text("postgresStorageSize")!,
      storageClass: s.text("postgresStorageClass"),
      resources: resources(s, "postgres"),
      maxConnections: s.integer("postgresMaxConnections"),
      backup,
      restore,
      protect,
      operatorNamespace: s.text("cnpgOperatorNamespace")!,
    },
    ferretdb: {
      image: s.text("ferretdbImage")!,
      replicas: s.integer("ferretdbReplicas"),
      poolSize: s.integer("ferretdbPoolSize"),
      resources: resources(s, "ferretdb"),
    },
    nightscout: {
      image: s.text("nightscoutImage")!,
      hostname: s.text("hostname")!,
      apiSecret: s.secret("apiSecret")!,
      preferences: {
        displayUnits,
        thresholds,
        alarmTypes: s.text("alarmTypes")!.split(/\s+/).filter(Boolean).join(" "),
        authDefaultRoles: s.list("authDefaultRoles")!,
        enabledPlugins,
        showPlugins: s.list("showPlugins")!,
        dbSizeMaxMiB: dbSizeMaxMiB(s),
        staleDataMinutes: s.integer("staleDataMinutes"),
      },
      resources: resources(s, "nightscout"),
      ingress: {
        className: s.text("ingressClassName")!,
        clusterIssuer: s.text("tlsClusterIssuer"),
        tlsSecretName: s.text("tlsSecretName"),
        redirectMiddleware: s.text("redirectMiddleware"),
        controllerNamespace: s.text("ingressControllerNamespace")!,
      },
      allowInternetEgress: enabledPlugins.some((p) => INTERNET_PLUGINS.includes(p)),
      pushover,
    },
    displayUnits,
    postDeployCheck,
    access,
    platformStack,
    monitoring,
  };
}

function resources(s: Settings, prefix: "postgres" | "ferretdb" | "nightscout"): ResourceRequests {
  return {
    cpuRequest: s.text(`${prefix}CpuRequest`)!,
    memoryRequest: s.text(`${prefix}MemoryRequest`)!,
    memoryLimit: s.text(`${prefix}MemoryLimit`)!,
  };
}

/** Fact 29: unset, DBSIZE_MAX follows the volume (80%) instead of a free Atlas tier's 496 MiB. */
function dbSizeMaxMiB(s: Settings): number {
  const explicit = s.integer("dbSizeMaxMiB");
  if (explicit > 0) return explicit;
  return Math.floor(volumeMiB(s) * DBSIZE_SHARE_OF_VOLUME);
}
