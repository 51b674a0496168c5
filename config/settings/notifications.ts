/**
 * Settings: Nightscout's Pushover notifications (fact 41). All four are secrets, so they reach
 * the pod only through the Nightscout Secret; setting the token and a user key turns the
 * `pushover` plugin on and opens HTTPS egress for it.
 */
import type { Setting } from "./setting";

export const NOTIFICATION_SETTINGS = [
  {
    key: "pushoverApiToken",
    type: "string",
    secret: true,
    optionalSecret: true,
    format: "pushoverToken",
    example: "<the application's API token, from pushover.net/apps>",
    description:
      "Pushover application token (PUSHOVER_API_TOKEN); with pushoverUserKey it turns the pushover plugin on, so alarms reach phones.",
  },
  {
    key: "pushoverUserKey",
    type: "string",
    secret: true,
    optionalSecret: true,
    format: "pushoverKeys",
    example: "<your Pushover user or group key>",
    description:
      "Pushover user or group keys, separated by spaces (PUSHOVER_USER_KEY): who gets the pushes.",
  },
  {
    key: "pushoverAlarmKey",
    type: "string",
    secret: true,
    optionalSecret: true,
    format: "pushoverKeysOrOff",
    example: "<a Pushover user or group key>",
    description:
      "Keys that get the alarms instead of pushoverUserKey (PUSHOVER_ALARM_KEY), or off for no alarm pushes.",
  },
  {
    key: "pushoverAnnouncementKey",
    type: "string",
    secret: true,
    optionalSecret: true,
    format: "pushoverKeysOrOff",
    example: "<a Pushover user or group key>",
    description:
      "Keys that get announcements instead of pushoverUserKey (PUSHOVER_ANNOUNCEMENT_KEY), or off.",
  },
] as const satisfies readonly Setting[];
