/**
 * The environment Nightscout reads its settings from (facts 21, 22, 26, 29, 30, and the
 * stale-data alarm of domain/stale-data.ts): pure, with no
 * SDK, so the config tests that check what a setting becomes need not load the providers.
 */
import { DISPLAY_UNITS_WORD, DisplayUnits, Thresholds, renderedThreshold } from "../domain";
import { staleDataAlarms } from "../domain/stale-data";

export interface NightscoutSettingsInput {
  displayUnits: DisplayUnits;
  thresholds?: Thresholds;
  alarmTypes: string;
  authDefaultRoles: string[];
  enabledPlugins: string[];
  showPlugins: string[];
  dbSizeMaxMiB: number;
  /** When the page's stale-data alarm sounds, as the Prometheus alert does. */
  staleDataMinutes: number;
}

/** The environment Nightscout reads its settings from, rendered the way it parses them. */
export function nightscoutSettings(s: NightscoutSettingsInput): Record<string, string> {
  const env: Record<string, string> = {
    // Fact 21: anything containing "mmol" means mmol/L, anything else mg/dl.
    DISPLAY_UNITS: DISPLAY_UNITS_WORD[s.displayUnits],
    // Fact 22: setting thresholds switches alarms to "simple" silently; say it explicitly.
    ALARM_TYPES: s.alarmTypes,
    // Fact 26: the default would be "readable", which publishes all CGM data.
    AUTH_DEFAULT_ROLES: s.authDefaultRoles.join(" "),
    ENABLE: s.enabledPlugins.join(" "),
    // Fact 30: the "show all enabled" default never fires.
    SHOW_PLUGINS: s.showPlugins.join(" "),
    // Fact 29: the default is the 496 MiB of a free Atlas tier.
    DBSIZE_MAX: String(s.dbSizeMaxMiB),
    // The page's "no new value" alarm at the minute the Prometheus alert pages.
    ...staleDataAlarms(s.staleDataMinutes),
  };
  if (s.thresholds) {
    // Fact 22: all four, in the display unit; mmol/L values stay below 50 so Nightscout
    // converts the whole set, mg/dL values are whole numbers.
    const fmt = (n: number) => renderedThreshold(n, s.displayUnits);
    env.BG_HIGH = fmt(s.thresholds.high);
    env.BG_TARGET_TOP = fmt(s.thresholds.targetTop);
    env.BG_TARGET_BOTTOM = fmt(s.thresholds.targetBottom);
    env.BG_LOW = fmt(s.thresholds.low);
  }
  return env;
}
