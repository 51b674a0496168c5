import {
  MEBIBYTE,
  dbSizeWithinVolume,
  featurePluginsEnabled,
  parseQuantity,
  pushoverComplete,
  shownPluginsEnabled,
  tlsSecretOwnName,
  tlsSource,
} from "../../domain";
import type { NightscoutPushover } from "../../components/nightscout";
import { Settings } from "../read";
import { enforceOnSettings } from "./catalogue";

/**
 * Fact 41 (domain/rules/pushover.ts) over the settings: Pushover whole, each key a secret
 * Output (the optional ones undefined when unset), or undefined.
 */
export function pushoverRule(s: Settings): NightscoutPushover | undefined {
  const given = {
    apiToken: s.secret("pushoverApiToken"),
    userKey: s.secret("pushoverUserKey"),
    alarmKey: s.secret("pushoverAlarmKey"),
    announcementKey: s.secret("pushoverAnnouncementKey"),
  };
  const findings = enforceOnSettings(
    s,
    pushoverComplete,
    {
      apiToken: "pushoverApiToken",
      userKey: "pushoverUserKey",
      alarmKey: "pushoverAlarmKey",
      announcementKey: "pushoverAnnouncementKey",
      enabled: "enabledPlugins",
    },
    {
      apiToken: given.apiToken !== undefined,
      userKey: given.userKey !== undefined,
      alarmKey: given.alarmKey !== undefined,
      announcementKey: given.announcementKey !== undefined,
      enabled: s.list("enabledPlugins") ?? [],
    },
  );
  const { apiToken, userKey } = given;
  if (findings.length > 0 || !apiToken || !userKey) return undefined;
  return { ...given, apiToken, userKey };
}

/** Fact 30 (domain/rules/plugins.ts) over the settings. */
export function shownPluginsEnabledRule(s: Settings): void {
  const enabled = s.list("enabledPlugins");
  const shown = s.list("showPlugins");
  if (enabled && s.isValid("enabledPlugins")) {
    enforceOnSettings(
      s,
      featurePluginsEnabled,
      { enabled: "enabledPlugins" },
      { enabled },
      () => "accepted: a site may do without them",
    );
  }
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
