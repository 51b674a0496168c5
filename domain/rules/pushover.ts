import { rule } from "./rule";

/** Which of Nightscout's Pushover settings are given (their values are secrets, never seen). */
export interface PushoverModel {
  apiToken: boolean;
  userKey: boolean;
  alarmKey: boolean;
  announcementKey: boolean;
  /** The plugins in ENABLE. */
  enabled: readonly string[];
}

/**
 * Fact 41: Nightscout pushes through Pushover only with both the application's token and
 * someone to send to. It turns the `pushover` plugin on by itself once PUSHOVER_API_TOKEN is
 * set, and with no token the plugin pushes nothing: either half alone is a parent who believes
 * the alarms reach their phone while none does.
 */
export const pushoverComplete = rule({
  id: "pushover-complete",
  fact: 41,
  onSettings: true,
  policy: "nightscout-settings",
  summary:
    "Pushover is set up whole or not at all: the API token with a user key, and no keys or enabled pushover plugin without the token.",
  check(model: PushoverModel, words) {
    const pending = "<your Pushover user or group key>";
    if (model.apiToken) {
      if (model.userKey) return [];
      return [
        {
          field: "userKey" as const,
          value: undefined,
          why: `is unset while ${words.name("apiToken")} is set: Pushover would have no one to send the alarms to`,
          fix: words.set("userKey", pending) ?? `set ${words.name("userKey")}`,
        },
      ];
    }
    const keys = (["userKey", "alarmKey", "announcementKey"] as const).filter((k) => model[k]);
    const token =
      words.set("apiToken", "<the application's API token>") ?? `set ${words.name("apiToken")}`;
    if (keys.length > 0) {
      return [
        {
          field: "apiToken" as const,
          value: undefined,
          why: `is unset while ${keys.map((k) => words.name(k)).join(" and ")} ${keys.length > 1 ? "are" : "is"} set: without the application's token Nightscout pushes nothing`,
          fix: token,
        },
      ];
    }
    if (!model.enabled.includes("pushover")) return [];
    return [
      {
        field: "enabled" as const,
        value: JSON.stringify(model.enabled),
        why: `enables pushover without ${words.name("apiToken")}: it would push nothing`,
        fix: `${token} and ${words.name("userKey")}, or remove pushover from ${words.name("enabled")}`,
      },
    ];
  },
});
