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
  it("matches hosts without regard to case, and a wildcard never by its bare label", () => {
    expect(tlsHostCovers("NS.Example.org", "ns.example.ORG")).toBe(true);
    expect(tlsHostCovers("*.Example.org", "NS.example.org")).toBe(true);
    expect(tlsHostCovers("ns.example.org", "other.example.org")).toBe(false);
    // A host that starts with a dot has an empty first label: no certificate covers it.
    expect(tlsHostCovers("*.example.org", ".example.org")).toBe(false);
    // Only a leading "*." is a wildcard.
    expect(tlsHostCovers("x.example.org", "ns.example.org")).toBe(false);
  });

  it("reads only string hosts in a tls entry, and reports each uncovered rule", async () => {
    const mixed = set(ingress(), "spec.tls.0.hosts", [7, "ns.example.org"]);
    expect((await runResourcePolicy(policy, mixed)).violations).toEqual([]);
    const two = set(ingress(), "spec.rules.1", { host: "b.example.org" });
    expect((await runResourcePolicy(policy, two)).violations).toEqual([
      'Host "b.example.org" is not listed in any spec.tls[].hosts entry, so it is served without TLS.',
    ]);
  });

  it("reports rules without a tls section, and a tls section without rules only for its own checks", async () => {
    const noTls = set(ingress(), "spec.tls", REMOVE);
    expect((await runResourcePolicy(policy, noTls)).violations).toEqual([
      'Host "ns.example.org" is not listed in any spec.tls[].hosts entry, so it is served without TLS.',
    ]);
    const noRules = set(ingress(), "spec.rules", REMOVE);
    expect((await runResourcePolicy(policy, noRules)).violations).toEqual([]);
  });

  describe("the TLS source (the catalogue's tls-source rule)", () => {
    it("reports a tls section with neither a cluster issuer nor a secret", async () => {
      const none = set(
        annotations({
          "traefik.ingress.kubernetes.io/router.middlewares":
            "nightscout-redirect-https@kubernetescrd",
        }),
        "spec.tls.0.secretName",
        REMOVE,
      );
      const outcome = await runResourcePolicy(policy, none, { requireTlsSecretName: false });
      expect(outcome.violations).toEqual([
        expect.stringMatching(
          /^metadata.annotations\["cert-manager.io\/cluster-issuer"\] = \(unset\): no TLS source.*Fix: .*spec.tls\[\].secretName <secret>/,
        ),
      ]);
    });

    it("takes the secret of any tls entry, or the issuer alone", async () => {
      const secondEntry = set(
        set(set(ingress(), "spec.tls.0.secretName", REMOVE), "spec.tls.1", {
          hosts: ["x.example.org"],
          secretName: "x-tls",
        }),
        "metadata.annotations",
        {
          "traefik.ingress.kubernetes.io/router.middlewares":
            "nightscout-redirect-https@kubernetescrd",
        },
      );
      expect(
        (await runResourcePolicy(policy, secondEntry, { requireTlsSecretName: false })).violations,
      ).toEqual([]);
      const issuerOnly = set(ingress(), "spec.tls.0.secretName", REMOVE);
      expect(
        (await runResourcePolicy(policy, issuerOnly, { requireTlsSecretName: false })).violations,
      ).toEqual([]);
    });

    it("asks nothing of an ingress without a tls section", async () => {
      const plain = set(set(ingress(), "spec.tls", REMOVE), "spec.rules", REMOVE);
      expect((await runResourcePolicy(policy, plain)).violations).toEqual([
        "The ingress has no rules and no tls section: nothing is served over TLS.",
      ]);
    });
  });

  it("lists a tls entry's hosts when it has no secretName", async () => {
    const two = set(
      set(ingress(), "spec.tls.0.hosts", ["ns.example.org", "b.example.org"]),
      "spec.tls.0.secretName",
      REMOVE,
    );
    expect((await runResourcePolicy(policy, two)).violations).toEqual([
      "The tls entry for [ns.example.org, b.example.org] has no secretName: name the certificate Secret (cert-manager or an existing one).",
    ]);
  });

  it("recognises Traefik by the legacy class annotation", async () => {
    const legacy = set(
      annotations({
        "kubernetes.io/ingress.class": "traefik",
        "cert-manager.io/cluster-issuer": "le",
      }),
      "spec.ingressClassName",
      REMOVE,
    );
    expect((await runResourcePolicy(policy, legacy)).violations).toEqual([
      'Traefik ingress without the "traefik.ingress.kubernetes.io/router.middlewares" annotation: plain HTTP is served instead of redirected. Reference a redirectScheme middleware as <namespace>-<name>@kubernetescrd.',
    ]);
  });

  it("asks no TLS source of an ingress without a tls section, even without an issuer", async () => {
    const plain = set(
      annotations({
        "traefik.ingress.kubernetes.io/router.middlewares":
          "nightscout-redirect-https@kubernetescrd",
      }),
      "spec.tls",
      REMOVE,
    );
    expect((await runResourcePolicy(policy, plain)).violations).toEqual([
      'Host "ns.example.org" is not listed in any spec.tls[].hosts entry, so it is served without TLS.',
    ]);
  });

  it("accepts a one-character middleware name with its provider", async () => {
    const r = annotations({ "traefik.ingress.kubernetes.io/router.middlewares": "x@file" });
    expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
  });

  it("checks each comma-separated middleware reference as a whole", async () => {
    const refs = (value: string) =>
      annotations({ "traefik.ingress.kubernetes.io/router.middlewares": value });
    expect(
      (await runResourcePolicy(policy, refs(" a-b@kubernetescrd , ns.x-y@file ,"))).violations,
    ).toEqual([]);
    for (const bad of [
      "-a@kubernetescrd",
      "a-b@kubernetescrd-",
      "a-b@@x",
      "A-b@kubernetescrd",
      "x a-b@file",
    ]) {
      expect((await runResourcePolicy(policy, refs(bad))).violations).toEqual([
        `Middleware reference "${bad}" lacks the provider suffix: Traefik resolves it only as <namespace>-<name>@kubernetescrd.`,
      ]);
    }
  });
});
