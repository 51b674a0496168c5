import { Props, T, selects, useProgram } from "./program";

type Program = ReturnType<typeof useProgram>;

/** What must hold for every stack's traffic: the Ingress and the network policies. */
export function describeNetworkInvariants(
  program: Program,
  expected: { namespace: string; hostname: string },
) {
  const { props, ofType } = program;
  const cluster = () => props(T.cluster, "postgres-cluster");
  const ferretdb = () => props(T.deployment, "ferretdb-deployment");
  const nightscout = () => props(T.deployment, "nightscout-deployment");

  describe("Ingress (facts 33-34)", () => {
    test("fact 33: a Traefik redirect middleware, referenced by namespace-name@kubernetescrd", () => {
      const mw = props(T.middleware, "nightscout-redirect-https");
      expect(mw.spec).toEqual({ redirectScheme: { scheme: "https", permanent: true } });
      const ingress = props(T.ingress, "nightscout-ingress");
      expect(ingress.metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]).toBe(
        `${expected.namespace}-${mw.metadata.name}@kubernetescrd`,
      );
    });
    test("fact 34: TLS for the host, issued by cert-manager", () => {
      const ingress = props(T.ingress, "nightscout-ingress");
      expect(ingress.spec.tls).toEqual([
        { hosts: [expected.hostname], secretName: "nightscout-tls" },
      ]);
      expect(ingress.metadata.annotations["cert-manager.io/cluster-issuer"]).toMatch(
        /^letsencrypt-/,
      );
      expect(ingress.spec.rules[0].host).toBe(expected.hostname);
      expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe(
        props(T.service, "nightscout-service").metadata.name,
      );
    });
  });

  describe("network policies (fact 35)", () => {
    const policies = () => ofType(T.networkPolicy).map((p) => p.props as Props);
    const podLabels = (deployment: Props) =>
      deployment.spec.template.metadata.labels as Record<string, string>;
    const allowsIngress = (
      target: Record<string, string>,
      source: Record<string, string>,
      port: number,
    ) =>
      policies().some(
        (p) =>
          selects(p.spec.podSelector, target) &&
          (p.spec.ingress ?? []).some(
            (rule: Props) =>
              (rule.from ?? []).some(
                (peer: Props) => !peer.namespaceSelector && selects(peer.podSelector, source),
              ) && (rule.ports ?? []).some((pt: Props) => pt.port === port),
          ),
      );
    const allowsEgress = (
      source: Record<string, string>,
      target: Record<string, string>,
      port: number,
    ) =>
      policies().some(
        (p) =>
          selects(p.spec.podSelector, source) &&
          (p.spec.egress ?? []).some(
            (rule: Props) =>
              (rule.to ?? []).some((peer: Props) => selects(peer.podSelector, target)) &&
              (rule.ports ?? []).some((pt: Props) => pt.port === port),
          ),
      );
    const postgresLabels = () => ({ "cnpg.io/cluster": cluster().metadata.name });

    test("default deny both ways comes first, then DNS", () => {
      const deny = props(T.networkPolicy, "nightscout-default-deny");
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      const dns = program.one(T.networkPolicy, "nightscout-allow-dns");
      expect(dns.opts.dependsOn).toContain(
        program.one(T.networkPolicy, "nightscout-default-deny").urn,
      );
      expect((dns.props as Props).spec.egress[0].ports).toEqual([
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
      ]);
    });
    test("Nightscout -> FerretDB on 27017, both directions of the policy", () => {
      expect(allowsEgress(podLabels(nightscout()), podLabels(ferretdb()), 27017)).toBe(true);
      expect(allowsIngress(podLabels(ferretdb()), podLabels(nightscout()), 27017)).toBe(true);
    });
    test("FerretDB -> PostgreSQL on 5432", () => {
      expect(allowsEgress(podLabels(ferretdb()), postgresLabels(), 5432)).toBe(true);
      expect(allowsIngress(postgresLabels(), podLabels(ferretdb()), 5432)).toBe(true);
    });
    test("Nightscout cannot reach PostgreSQL directly", () => {
      expect(allowsIngress(postgresLabels(), podLabels(nightscout()), 5432)).toBe(false);
      expect(allowsEgress(podLabels(nightscout()), postgresLabels(), 5432)).toBe(false);
    });
    test("instances replicate among themselves; the operator reaches port 8000", () => {
      expect(allowsIngress(postgresLabels(), postgresLabels(), 5432)).toBe(true);
      const pg = policies().find((p) => p.spec.podSelector.matchLabels?.["cnpg.io/cluster"])!;
      const fromOperator = pg.spec.ingress.find((r: Props) => r.from[0].namespaceSelector);
      expect(fromOperator.from[0].namespaceSelector.matchLabels).toEqual({
        "kubernetes.io/metadata.name": "cnpg-system",
      });
      expect(fromOperator.ports).toContainEqual({ protocol: "TCP", port: 8000 });
      expect(
        pg.spec.egress.some(
          (r: Props) => r.to[0].ipBlock && r.ports.some((p: Props) => p.port === 443),
        ),
      ).toBe(true);
    });
    test("only the ingress controller's namespace reaches Nightscout", () => {
      const ns = policies().find(
        (p) => selects(p.spec.podSelector, podLabels(nightscout())) && p.spec.ingress,
      )!;
      expect(ns.spec.ingress).toEqual([
        {
          from: [
            {
              namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            },
          ],
          ports: [{ protocol: "TCP", port: 1337 }],
        },
      ]);
    });
  });
}
