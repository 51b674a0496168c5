import {
  MEBIBYTE,
  dbSizeWithinVolume,
  parseQuantity,
  shownPluginsEnabled,
  tlsSecretOwnName,
  tlsSource,
} from "../../domain";
import { Settings } from "../read";
import { enforceOnSettings } from "./catalogue";

/** Fact 30 (domain/rules/plugins.ts) over the settings. */
export function shownPluginsEnabledRule(s: Settings): void {
  const enabled = s.list("enabledPlugins");
  const shown = s.list("showPlugins");
  if (!enabled || !shown || !s.isValid("showPlugins")) return;
  enforceOnSettings(
    s,
    shownPluginsEnabled,
    { enabled: "enabledPlugins", shown: "showPlugins" },
    { enabled, shown },
  );
}

/** Fact 34 (domain/rules/tls.ts) over the settings. */
export function tlsSourceRule(s: Settings): void {
  enforceOnSettings(
    s,
    tlsSource,
    { clusterIssuer: "tlsClusterIssuer", secretName: "tlsSecretName" },
    { clusterIssuer: s.text("tlsClusterIssuer"), secretName: s.text("tlsSecretName") },
  );
  if (!s.isValid("tlsSecretName") || !s.isValid("postgresClusterName")) return;
  enforceOnSettings(
    s,
    tlsSecretOwnName,
    { secretName: "tlsSecretName", clusterName: "postgresClusterName" },
    { secretName: s.text("tlsSecretName"), clusterName: s.text("postgresClusterName")! },
  );
}

/** The PostgreSQL volume in MiB; NaN while postgresStorageSize is invalid (reported already). */
export function volumeMiB(s: Settings): number {
  const bytes = s.isValid("postgresStorageSize")
    ? parseQuantity(s.text("postgresStorageSize"))
    : undefined;
  return bytes === undefined ? NaN : bytes / MEBIBYTE;
}

/** Fact 29 (domain/rules/dbsize.ts) over the settings. */
export function dbSizeRule(s: Settings): void {
  const volume = volumeMiB(s);
  if (!s.isValid("dbSizeMaxMiB") || Number.isNaN(volume)) return;
  enforceOnSettings(
    s,
    dbSizeWithinVolume,
    { dbSizeMaxMiB: "dbSizeMaxMiB", volume: "postgresStorageSize" },
    {
      dbSizeMaxMiB: s.integer("dbSizeMaxMiB"),
      volumeMiB: volume,
      volume: s.text("postgresStorageSize")!,
    },
  );
}
