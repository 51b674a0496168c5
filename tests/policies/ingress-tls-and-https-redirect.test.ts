import {
  ingressTlsAndHttpsRedirect as policy,
  tlsHostCovers,
} from "../../policies/rules/ingress-tls-and-https-redirect";
import { ingress, nightscoutDeployment } from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runResourcePolicy, set } from "./helpers";

function annotations(value: Record<string, string>) {
  return set(ingress(), "metadata.annotations", value);
}

describe("ingress-tls-and-https-redirect", () => {
  it("passes a Traefik ingress with TLS for its host and a redirect middleware", async () => {
    expect((await runResourcePolicy(policy, ingress())).violations).toEqual([]);
  });

  it("is not applicable to other types", async () => {
    const outcome = await runResourcePolicy(policy, nightscoutDeployment());
    expect(outcome.notApplicable).toBe(
      "Policy only applies to kubernetes:networking.k8s.io/v1:Ingress",
    );
    expect(outcome.violations).toEqual([]);
  });

  it("reports a host not covered by tls", async () => {
    const outcome = await runResourcePolicy(
      policy,
      set(ingress(), "spec.tls.0.hosts", ["other.example.org"]),
    );
    expect(outcome.violations).toEqual([
      'Host "ns.example.org" is not listed in any spec.tls[].hosts entry, so it is served without TLS.',
    ]);
  });

  it("accepts a wildcard certificate for one label only", () => {
    expect(tlsHostCovers("*.example.org", "ns.example.org")).toBe(true);
    expect(tlsHostCovers("*.example.org", "a.b.example.org")).toBe(false);
    expect(tlsHostCovers("*.example.org", "example.org")).toBe(false);
  });

  it("reports a rule without host", async () => {
    const outcome = await runResourcePolicy(policy, set(ingress(), "spec.rules.0.host", REMOVE));
    expect(outcome.violations).toEqual([
      "A rule has no host: it answers any Host header, which no TLS certificate can cover. Set rules[].host.",
    ]);
  });

  it("reports an ingress with neither rules nor tls", async () => {
    const bare = set(set(ingress(), "spec.rules", REMOVE), "spec.tls", REMOVE);
    expect((await runResourcePolicy(policy, bare)).violations).toEqual([
      "The ingress has no rules and no tls section: nothing is served over TLS.",
    ]);
  });

  it("reports a tls entry without secretName, unless configured off", async () => {
    const noSecret = set(ingress(), "spec.tls.0.secretName", REMOVE);
    expect((await runResourcePolicy(policy, noSecret)).violations).toEqual([
      "The tls entry for [ns.example.org] has no secretName: name the certificate Secret (cert-manager or an existing one).",
    ]);
    expect(
      (await runResourcePolicy(policy, noSecret, { requireTlsSecretName: false })).violations,
    ).toEqual([]);
  });

  it("reports a Traefik ingress without the middleware annotation", async () => {
    const outcome = await runResourcePolicy(
      policy,
      annotations({ "cert-manager.io/cluster-issuer": "le" }),
    );
    expect(outcome.violations).toEqual([
      'Traefik ingress without the "traefik.ingress.kubernetes.io/router.middlewares" annotation: plain HTTP is served instead of redirected. Reference a redirectScheme middleware as <namespace>-<name>@kubernetescrd.',
    ]);
  });

  it("recognises Traefik by annotation family when no class is set", async () => {
    const r = set(
      annotations({ "traefik.ingress.kubernetes.io/router.entrypoints": "websecure" }),
      "spec.ingressClassName",
      REMOVE,
    );
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'Traefik ingress without the "traefik.ingress.kubernetes.io/router.middlewares" annotation: plain HTTP is served instead of redirected. Reference a redirectScheme middleware as <namespace>-<name>@kubernetescrd.',
    ]);
  });

  it("ignores ingresses of another class, and honours configured class names", async () => {
    const nginx = set(annotations({}), "spec.ingressClassName", "nginx");
    expect((await runResourcePolicy(policy, nginx)).violations).toEqual([]);
    const custom = await runResourcePolicy(policy, nginx, { traefikIngressClasses: ["nginx"] });
    expect(custom.violations).toEqual([
      'Traefik ingress without the "traefik.ingress.kubernetes.io/router.middlewares" annotation: plain HTTP is served instead of redirected. Reference a redirectScheme middleware as <namespace>-<name>@kubernetescrd.',
    ]);
    const off = await runResourcePolicy(policy, annotations({}), {
      requireRedirectMiddleware: false,
    });
    expect(off.violations).toEqual([]);
  });

  it("reports a middleware reference without a provider suffix", async () => {
    const r = annotations({
      "traefik.ingress.kubernetes.io/router.middlewares": "nightscout-redirect-https",
    });
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'Middleware reference "nightscout-redirect-https" lacks the provider suffix: Traefik resolves it only as <namespace>-<name>@kubernetescrd.',
    ]);
  });

  it("does not pass silently when the annotations are unknown during preview", async () => {
    const outcome = await runResourcePolicy(
      policy,
      set(set(ingress(), "metadata.annotations", UNKNOWN_STRING), "spec.tls.0.hosts", []),
    );
    // The provable TLS violation is still reported; the unknown part surfaces as the engine's advisory.
    expect(outcome.violations).toEqual([
      'Host "ns.example.org" is not listed in any spec.tls[].hosts entry, so it is served without TLS.',
    ]);
    expect(outcome.unknown).toContain("metadata.annotations");
  });
});
