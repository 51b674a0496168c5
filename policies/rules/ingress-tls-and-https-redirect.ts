import { tlsSource } from "../../domain";
import { enforceOnObject } from "../lib/catalogue";
import { on, resourcePolicy, stringList } from "../lib/define";
import { TYPES, asArr, asObj, asStr, at, stringMap } from "../lib/k8s";
import { runChecks } from "../lib/unknowns";

const settings = {
  traefikIngressClasses: stringList(["traefik"], "Ingress class names served by Traefik."),
  requireRedirectMiddleware: on`Traefik ingresses must reference a middleware (the HTTP→HTTPS redirect).`,
  requireTlsSecretName: on`Every tls entry names its certificate Secret (cert-manager or existing).`,
};

/** cert-manager's ingress-shim issues a certificate for an Ingress that names its issuer here. */
const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";
export const MIDDLEWARES_ANNOTATION = "traefik.ingress.kubernetes.io/router.middlewares";
const TRAEFIK_ANNOTATION_PREFIX = "traefik.ingress.kubernetes.io/";
const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/** `*.example.org` covers exactly one extra label, as in TLS certificate matching. */
export function tlsHostCovers(tlsHost: string, host: string): boolean {
  const want = host.toLowerCase();
  const have = tlsHost.toLowerCase();
  if (have === want) return true;
  if (!have.startsWith("*.")) return false;
  const dot = want.indexOf(".");
  return dot > 0 && want.slice(dot + 1) === have.slice(2);
}

/** Middleware references in the Traefik annotation: `<namespace>-<name>@<provider>`, comma-separated. */
export function middlewareRefs(annotations: Readonly<Record<string, string>>): string[] {
  return (annotations[MIDDLEWARES_ANNOTATION] ?? "")
    .split(",")
    .map((ref) => ref.trim())
    .filter((ref) => ref.length > 0);
}

export function isTraefikIngress(props: unknown, classes: readonly string[]): boolean {
  const annotations = stringMap(at(props, "metadata", "annotations"));
  const className =
    asStr(at(props, "spec", "ingressClassName")) ?? annotations[LEGACY_CLASS_ANNOTATION];
  if (className !== undefined && classes.includes(className)) return true;
  return Object.keys(annotations).some((key) => key.startsWith(TRAEFIK_ANNOTATION_PREFIX));
}

export const ingressTlsAndHttpsRedirect = resourcePolicy(
  {
    name: "ingress-tls-and-https-redirect",
    enforcementLevel: "mandatory",
    settings,
    appliesTo: TYPES.ingress,
  },
  "Ingresses serve every host over TLS, and Traefik ingresses redirect HTTP to HTTPS through a middleware.",
  (args, reportViolation, config) => {
    const props = args.props;
    runChecks([
      () => {
        const tls = asArr(at(props, "spec", "tls")).map((t) => asObj(t) ?? {});
        const tlsHosts = tls.flatMap((t) =>
          asArr(t["hosts"]).filter((h): h is string => typeof h === "string"),
        );
        const rules = asArr(at(props, "spec", "rules")).map((r) => asObj(r) ?? {});
        if (rules.length === 0 && tls.length === 0) {
          reportViolation(
            "The ingress has no rules and no tls section: nothing is served over TLS.",
          );
        }
        for (const rule of rules) {
          const host = asStr(rule["host"]);
          if (!host) {
            reportViolation(
              "A rule has no host: it answers any Host header, which no TLS certificate can cover. Set rules[].host.",
            );
          } else if (!tlsHosts.some((tlsHost) => tlsHostCovers(tlsHost, host))) {
            reportViolation(
              `Host "${host}" is not listed in any spec.tls[].hosts entry, so it is served without TLS.`,
            );
          }
        }
      },
      () => {
        const tls = asArr(at(props, "spec", "tls")).map((t) => asObj(t) ?? {});
        if (tls.length === 0) return;
        const annotations = stringMap(at(props, "metadata", "annotations"));
        enforceOnObject(
          tlsSource,
          {
            clusterIssuer: `metadata.annotations["${CLUSTER_ISSUER_ANNOTATION}"]`,
            secretName: "spec.tls[].secretName",
          },
          {
            clusterIssuer: annotations[CLUSTER_ISSUER_ANNOTATION],
            secretName: tls.map((t) => asStr(t["secretName"])).find((n) => n !== undefined),
          },
          {},
          reportViolation,
        );
      },
      () => {
        if (!config.requireTlsSecretName) return;
        for (const t of asArr(at(props, "spec", "tls"))) {
          const entry = asObj(t) ?? {};
          if (!asStr(entry["secretName"])) {
            const hosts = asArr(entry["hosts"]).join(", ");
            reportViolation(
              `The tls entry for [${hosts}] has no secretName: name the certificate Secret (cert-manager or an existing one).`,
            );
          }
        }
      },
      () => {
        if (
          !config.requireRedirectMiddleware ||
          !isTraefikIngress(props, config.traefikIngressClasses)
        )
          return;
        const refs = middlewareRefs(stringMap(at(props, "metadata", "annotations")));
        if (refs.length === 0) {
          reportViolation(
            `Traefik ingress without the "${MIDDLEWARES_ANNOTATION}" annotation: plain HTTP is served instead of redirected. Reference a redirectScheme middleware as <namespace>-<name>@kubernetescrd.`,
          );
        }
        for (const ref of refs.filter(
          (r) => !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?@[a-z0-9]+$/.test(r),
        )) {
          reportViolation(
            `Middleware reference "${ref}" lacks the provider suffix: Traefik resolves it only as <namespace>-<name>@kubernetescrd.`,
          );
        }
      },
    ]);
  },
);
