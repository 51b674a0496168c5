import { shownPluginsEnabled, tlsSource } from "../../domain";
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
}
