import { Settings } from "../read";

/** Fact 30: SHOW_PLUGINS only shows plugins that ENABLE turns on. */
export function shownPluginsEnabledRule(s: Settings): void {
  const enabled = s.list("enabledPlugins");
  const shown = s.list("showPlugins");
  if (!enabled || !shown || !s.isValid("showPlugins")) return;
  const notEnabled = shown.filter((p) => !enabled.includes(p));
  if (notEnabled.length > 0) {
    s.problems.add(
      "showPlugins",
      JSON.stringify(shown),
      `shows plugins that are not enabled: ${notEnabled.join(", ")}`,
      "add them to enabledPlugins or remove them from showPlugins",
    );
  }
}

/** Fact 34: the Ingress needs a certificate from somewhere. */
export function tlsSourceRule(s: Settings): void {
  if (!s.isSet("tlsClusterIssuer") && !s.isSet("tlsSecretName")) {
    s.problems.add(
      "tlsClusterIssuer",
      undefined,
      "no TLS source: set a cert-manager ClusterIssuer or an existing TLS secret",
      "pulumi config set tlsClusterIssuer letsencrypt-prod (or tlsSecretName <secret>)",
    );
  }
}
