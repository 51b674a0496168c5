/**
 * Nightscout's own stale-data alarm (cgm-remote-monitor 15.0.7, lib/plugins/timeago.js): the
 * page warns, then raises an urgent alarm, when the newest CGM entry is older than
 * ALARM_TIMEAGO_WARN_MINS and ALARM_TIMEAGO_URGENT_MINS (15 and 30 by default). The stack has
 * one threshold for "no new glucose value": `staleDataMinutes`, at which the Prometheus alert
 * NightscoutGlucoseDataStale pages (domain/alerts.ts). The page's urgent alarm sounds at the
 * same minute, so a parent never hears one without the other.
 */

/** A CGM sends every 5 minutes: a warning sooner than two readings late would nag. */
export const STALE_WARNING_FLOOR_MINUTES = 10;

/**
 * The timeago plugin's four settings for `staleDataMinutes`: urgent at that minute; the warning
 * at half of it (Nightscout's own pair is 15 and 30), but never sooner than the floor and never
 * after the urgent alarm.
 */
export function staleDataAlarms(staleDataMinutes: number): Record<string, string> {
  const warning = Math.max(
    Math.ceil(staleDataMinutes / 2),
    Math.min(STALE_WARNING_FLOOR_MINUTES, staleDataMinutes),
  );
  return {
    // Nightscout reads "true" and "on" as on; anything else, or nothing, as its default.
    ALARM_TIMEAGO_WARN: "true",
    ALARM_TIMEAGO_WARN_MINS: String(warning),
    ALARM_TIMEAGO_URGENT: "true",
    ALARM_TIMEAGO_URGENT_MINS: String(staleDataMinutes),
  };
}
