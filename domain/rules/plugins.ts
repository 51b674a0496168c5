import { FEATURE_PLUGINS } from "../nightscout";
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

/**
 * Fact 30: a list of plugins written by hand easily drops one the site's users rely on (ENABLE
 * replaces the defaults, it does not add to them): the finding names what goes missing. A site
 * may do without some, so the settings take it as a warning.
 */
export const featurePluginsEnabled = rule({
  id: "feature-plugins-enabled",
  fact: 30,
  onSettings: true,
  summary:
    "ENABLE keeps the plugins treatment logging, IOB, COB, basal, the ages, the pump and the loops rely on, or says which it drops.",
  check(model: { enabled: readonly string[] }, words) {
    const missing = Object.keys(FEATURE_PLUGINS).filter((p) => !model.enabled.includes(p));
    if (missing.length === 0) return [];
    const what = missing.map((p) => `${p} (${FEATURE_PLUGINS[p as keyof typeof FEATURE_PLUGINS]})`);
    return [
      {
        field: "enabled" as const,
        value: JSON.stringify(model.enabled),
        why: `leaves out ${what.join(", ")}`,
        fix: `add ${missing.join(", ")} to ${words.name("enabled")} unless the site does without them`,
      },
    ];
  },
});
