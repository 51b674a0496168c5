import { CNPG_CLUSTER_SECRET_SUFFIXES, STACK_CLUSTER_SECRET_SUFFIXES } from "../names";
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

/**
 * Fact 34: the certificate's Secret must be one of its own. Named like a Secret CloudNative-PG
 * or the stack writes for the Cluster, cert-manager would overwrite the database's CA or
 * credentials with the certificate, or the stack the certificate with credentials: a valid
 * name that is wrong only next to this stack's cluster name.
 */
export const tlsSecretOwnName = rule({
  id: "tls-secret-own-name",
  fact: 34,
  onSettings: true,
  summary: `The certificate's Secret is not named like one CloudNative-PG or the stack writes for the Cluster (<cluster>-${[...CNPG_CLUSTER_SECRET_SUFFIXES, ...STACK_CLUSTER_SECRET_SUFFIXES].join(", -")}).`,
  check(model: { secretName?: string; clusterName: string }, words) {
    const owner = (suffixes: readonly string[]) =>
      suffixes.some((suffix) => model.secretName === `${model.clusterName}-${suffix}`);
    const by = owner(CNPG_CLUSTER_SECRET_SUFFIXES)
      ? "CloudNative-PG"
      : owner(STACK_CLUSTER_SECRET_SUFFIXES)
        ? "this stack"
        : undefined;
    if (by === undefined) return [];
    return [
      {
        field: "secretName" as const,
        value: model.secretName,
        why: `is the name of a Secret ${by} writes for the ${model.clusterName} Cluster; the certificate and that Secret would overwrite each other`,
        fix: words.set("secretName", "nightscout-tls") ?? "",
      },
    ];
  },
});
