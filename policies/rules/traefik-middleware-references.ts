import { stackPolicy } from "../lib/define";
import { TYPES, asStr, at, nameOf, namespaceOf, stringMap } from "../lib/k8s";
import { runChecks } from "../lib/unknowns";
import { middlewareRefs } from "./ingress-tls-and-https-redirect";

const CRD_PROVIDER = "@kubernetescrd";

export const traefikMiddlewareReferences = stackPolicy(
  { name: "traefik-middleware-references", enforcementLevel: "mandatory" },
  "Middlewares an Ingress references through @kubernetescrd exist in the stack, and one of them redirects to HTTPS.",
  (args, reportViolation) => {
    const ingresses = args.resources.filter((r) => r.type === TYPES.ingress);
    const middlewares = new Map<string, boolean>();
    runChecks(
      args.resources
        .filter((r) => r.type === TYPES.middleware)
        .map((r) => () => {
          const redirects = asStr(at(r.props, "spec", "redirectScheme", "scheme")) === "https";
          middlewares.set(
            `${namespaceOf(r.props)}-${nameOf(r.props) ?? r.name}${CRD_PROVIDER}`,
            redirects,
          );
        }),
    );
    const referencing = ingresses.filter(
      (r) => middlewareRefs(stringMap(at(r.props, "metadata", "annotations"))).length > 0,
    );
    if (referencing.length === 0) args.notApplicable("No Ingress references a Traefik middleware");

    runChecks(
      referencing.map((ingress) => () => {
        const refs = middlewareRefs(stringMap(at(ingress.props, "metadata", "annotations")));
        const crdRefs = refs.filter((ref) => ref.endsWith(CRD_PROVIDER));
        for (const ref of crdRefs.filter((r) => !middlewares.has(r))) {
          const known = [...middlewares.keys()].join(", ") || "none";
          reportViolation(
            `Ingress "${nameOf(ingress.props) ?? ingress.name}" references middleware "${ref}", which is not a Middleware in this stack (known: ${known}); Traefik then drops the whole router.`,
            ingress.urn,
          );
        }
        if (crdRefs.length > 0 && !crdRefs.some((ref) => middlewares.get(ref) === true)) {
          reportViolation(
            `Ingress "${nameOf(ingress.props) ?? ingress.name}" references no Middleware with spec.redirectScheme.scheme: https.`,
            ingress.urn,
          );
        }
      }),
    );
  },
);
