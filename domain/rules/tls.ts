import { fixWithAlternative, rule } from "./rule";

/** Fact 34: the Ingress's certificate comes from cert-manager or from an existing Secret. */
export const tlsSource = rule({
  id: "tls-source",
  fact: 34,
  onSettings: true,
  policy: "ingress-tls-and-https-redirect",
  summary:
    "The Ingress has a TLS source: a cert-manager ClusterIssuer or an existing certificate Secret.",
  check(model: { clusterIssuer?: string; secretName?: string }, words) {
    if (model.clusterIssuer || model.secretName) return [];
    return [
      {
        field: "clusterIssuer" as const,
        value: undefined,
        why: "no TLS source: set a cert-manager ClusterIssuer or an existing TLS secret",
        fix: fixWithAlternative(
          words.set("clusterIssuer", "letsencrypt-prod"),
          words.name("secretName") + " <secret>",
        ),
      },
    ];
  },
});
