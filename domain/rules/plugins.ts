import { rule } from "./rule";

/** Fact 30: SHOW_PLUGINS only shows plugins that ENABLE turns on. */
export const shownPluginsEnabled = rule({
  id: "shown-plugins-enabled",
  fact: 30,
  onSettings: true,
  policy: "nightscout-settings",
  summary: "Every plugin shown by default (SHOW_PLUGINS) is also enabled (ENABLE).",
  check(model: { enabled: readonly string[]; shown: readonly string[] }, words) {
    const notEnabled = model.shown.filter((p) => !model.enabled.includes(p));
    if (notEnabled.length === 0) return [];
    return [
      {
        field: "shown" as const,
        value: JSON.stringify(model.shown),
        why: `shows plugins that are not enabled: ${notEnabled.join(", ")}`,
        fix: `add them to ${words.name("enabled")} or remove them from ${words.name("shown")}`,
      },
    ];
  },
});
