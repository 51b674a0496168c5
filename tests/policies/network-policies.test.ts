import { networkPolicies as policy } from "../../policies/rules/network-policies";
import {
  documentdbCluster,
  ferretdbDeployment,
  ingress,
  networkPolicySet,
  nightscoutDeployment,
} from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runStackPolicy, set, type TestResource } from "./helpers";

const workloads = () => [nightscoutDeployment(), ferretdbDeployment(), documentdbCluster()];
const without = (name: string) => networkPolicySet().filter((p) => p.name !== name);
const replace = (name: string, edit: (p: TestResource) => TestResource) =>
  networkPolicySet().map((p) => (p.name === name ? edit(p) : p));

describe("network-policies", () => {
  it("passes default deny plus allow policies selecting every workload", async () => {
    expect(
      (await runStackPolicy(policy, [...workloads(), ...networkPolicySet()])).violations,
    ).toEqual([]);
  });

  it("is not applicable without workloads", async () => {
    expect((await runStackPolicy(policy, [ingress(), ...networkPolicySet()])).notApplicable).toBe(
      "The stack has no workloads",
    );
  });

  it("reports a namespace without default deny", async () => {
    expect(
      (await runStackPolicy(policy, [...workloads(), ...without("default-deny")])).violations,
    ).toEqual([
      'Namespace "nightscout" has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules).',
    ]);
  });

  it("does not count a one-way or rule-carrying policy as default deny", async () => {
    const ingressOnly = replace("default-deny", (p) => set(p, "spec.policyTypes", ["Ingress"]));
    expect((await runStackPolicy(policy, [...workloads(), ...ingressOnly])).violations).toEqual([
      'Namespace "nightscout" has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules).',
    ]);
    const withRule = replace("default-deny", (p) => set(p, "spec.ingress", [{}]));
    expect((await runStackPolicy(policy, [...workloads(), ...withRule])).violations).toEqual([
      'Namespace "nightscout" has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules).',
    ]);
  });

  it("reads an unset policyTypes as the API server defaults it: Ingress, plus Egress with egress rules", async () => {
    const unset = (name: string) =>
      networkPolicySet().map((p) => (p.name === name ? set(p, "spec.policyTypes", REMOVE) : p));
    // An ingress allow without policyTypes still allows ingress.
    expect(
      (await runStackPolicy(policy, [...workloads(), ...unset("ferretdb")])).violations,
    ).toEqual([]);
    // The DNS egress allow without policyTypes still governs egress: it has egress rules.
    expect((await runStackPolicy(policy, [...workloads(), ...unset("dns")])).violations).toEqual(
      [],
    );
    // A podSelector: {} with nothing else denies ingress only: not a default deny of both.
    expect(
      (await runStackPolicy(policy, [...workloads(), ...unset("default-deny")])).violations,
    ).toEqual([
      'Namespace "nightscout" has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules).',
    ]);
  });

  it("reports a workload no ingress allow policy selects", async () => {
    const outcome = await runStackPolicy(policy, [...workloads(), ...without("ferretdb")]);
    expect(outcome.violations).toEqual([
      'Deployment "ferretdb" is selected by no NetworkPolicy that allows ingress.',
    ]);
  });

  it("matches labels, not names", async () => {
    const wrong = replace("nightscout", (p) =>
      set(p, "spec.podSelector.matchLabels", { app: "night" }),
    );
    expect((await runStackPolicy(policy, [...workloads(), ...wrong])).violations).toEqual([
      'Deployment "nightscout" is selected by no NetworkPolicy that allows ingress.',
    ]);
    const expr = replace("nightscout", (p) =>
      set(p, "spec.podSelector", {
        matchExpressions: [{ key: "app", operator: "In", values: ["nightscout"] }],
      }),
    );
    expect((await runStackPolicy(policy, [...workloads(), ...expr])).violations).toEqual([]);
  });

  it("reports a workload without egress allow", async () => {
    expect((await runStackPolicy(policy, [...workloads(), ...without("dns")])).violations).toEqual([
      'Deployment "nightscout" is selected by no NetworkPolicy that allows egress (not even DNS).',
      'Deployment "ferretdb" is selected by no NetworkPolicy that allows egress (not even DNS).',
      'Cluster "postgres" is selected by no NetworkPolicy that allows egress (not even DNS).',
    ]);
  });

  it("selects CNPG instances by cnpg.io/cluster and requires the operator's status port", async () => {
    const noStatus = replace("postgres", (p) =>
      set(p, "spec.ingress", [{ ports: [{ port: 5432 }] }]),
    );
    expect((await runStackPolicy(policy, [...workloads(), ...noStatus])).violations).toEqual([
      'Cluster "postgres": no NetworkPolicy allows ingress to port 8000 (status).',
    ]);
    const named = replace("postgres", (p) =>
      set(p, "spec.ingress", [{ ports: [{ port: "postgresql" }, { port: 7000, endPort: 9000 }] }]),
    );
    expect((await runStackPolicy(policy, [...workloads(), ...named])).violations).toEqual([]);
  });

  it("ignores policies of another namespace", async () => {
    const elsewhere = networkPolicySet().map((p) => set(p, "metadata.namespace", "other"));
    expect(
      (await runStackPolicy(policy, [nightscoutDeployment(), ...elsewhere])).violations,
    ).toEqual([
      'Namespace "nightscout" has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules).',
      'Deployment "nightscout" is selected by no NetworkPolicy that allows ingress.',
      'Deployment "nightscout" is selected by no NetworkPolicy that allows egress (not even DNS).',
    ]);
  });

  it("follows config switches", async () => {
    const config = {
      requireDefaultDeny: false,
      requireIngressAllow: false,
      requireEgressAllow: false,
    };
    expect((await runStackPolicy(policy, workloads(), config)).violations).toEqual([]);
  });

  it("surfaces an unknown selector instead of passing", async () => {
    const unknown = replace("ferretdb", (p) => set(p, "spec.podSelector", UNKNOWN_STRING));
    const outcome = await runStackPolicy(policy, [...workloads(), ...unknown]);
    expect(outcome.unknown).toContain("podSelector");
  });
  const NO_DEFAULT_DENY = (ns: string) =>
    `Namespace "${ns}" has no default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress], no rules).`;

  it("does not count a default deny of some pods only, or one with egress rules", async () => {
    const some = replace("default-deny", (p) =>
      set(p, "spec.podSelector", { matchLabels: { app: "nightscout" } }),
    );
    expect((await runStackPolicy(policy, [...workloads(), ...some])).violations).toEqual([
      NO_DEFAULT_DENY("nightscout"),
    ]);
    const egress = replace("default-deny", (p) => set(p, "spec.egress", [{}]));
    expect((await runStackPolicy(policy, [...workloads(), ...egress])).violations).toEqual([
      NO_DEFAULT_DENY("nightscout"),
    ]);
    const typed = replace("default-deny", (p) =>
      set(p, "spec.policyTypes", ["Ingress", 7, "Egress"]),
    );
    expect((await runStackPolicy(policy, [...workloads(), ...typed])).violations).toEqual([]);
  });

  it("lists every namespace without default deny, sorted", async () => {
    const inZ = set(nightscoutDeployment(), "metadata.namespace", "zeta");
    const inA = set(ferretdbDeployment(), "metadata.namespace", "alpha");
    const outcome = await runStackPolicy(policy, [inZ, inA], {
      requireIngressAllow: false,
      requireEgressAllow: false,
    });
    expect(outcome.violations).toEqual([NO_DEFAULT_DENY("alpha"), NO_DEFAULT_DENY("zeta")]);
  });

  it("refuses a default deny in a namespace the cluster's own workloads use, unless allowed", async () => {
    const system = [...workloads(), ...networkPolicySet()].map((r) =>
      set(r, "metadata.namespace", "kube-system"),
    );
    const outcome = await runStackPolicy(policy, system);
    expect(outcome.violations).toEqual([
      expect.stringMatching(
        /^the default-deny NetworkPolicy's metadata.namespace = "kube-system": is a namespace the cluster's own workloads use.*Fix: .*the pack's network-policies.allowSystemNamespace/,
      ),
    ]);
    expect(
      (await runStackPolicy(policy, system, { allowSystemNamespace: true })).violations,
    ).toEqual([]);
  });

  describe("ports an ingress rule allows", () => {
    const postgresIngress = (ports: unknown[]) =>
      replace("postgres", (p) => set(p, "spec.ingress", [{ ports }]));
    const missing = (port: number, name: string) =>
      `Cluster "postgres": no NetworkPolicy allows ingress to port ${port} (${name}).`;
    const run = async (ports: unknown[]) =>
      (await runStackPolicy(policy, [...workloads(), ...postgresIngress(ports)])).violations;

    it("takes an entry without a port as every port", async () => {
      expect(await run([{ protocol: "TCP" }])).toEqual([]);
    });

    it("takes a port by number or by name", async () => {
      expect(await run([{ port: 5432 }, { port: "status" }])).toEqual([]);
      expect(await run([{ port: "postgresql" }, { port: 8001 }])).toEqual([
        missing(8000, "status"),
      ]);
    });

    it("takes a range with both ends included, and nothing outside it", async () => {
      expect(await run([{ port: 5432, endPort: 8000 }])).toEqual([]);
      expect(await run([{ port: 5433, endPort: 8000 }])).toEqual([missing(5432, "postgresql")]);
      expect(await run([{ port: 5432, endPort: 7999 }])).toEqual([missing(8000, "status")]);
    });

    it("needs a numeric start and end for a range", async () => {
      expect(await run([{ port: 5432 }, { port: "5000", endPort: 9000 }])).toEqual([
        missing(8000, "status"),
      ]);
      expect(await run([{ port: 5432 }, { port: 7000, endPort: "9000" }])).toEqual([
        missing(8000, "status"),
      ]);
    });

    it("reads an entry that is not an object as one without a port", async () => {
      expect(await run(["5432"])).toEqual([]);
    });

    it("takes a rule without ports, or with an empty list, as every port", async () => {
      const rules = (ingress: unknown[]) =>
        replace("postgres", (p) => set(p, "spec.ingress", ingress));
      for (const rule of [{ from: [{ podSelector: {} }] }, { ports: [] }]) {
        expect(
          (await runStackPolicy(policy, [...workloads(), ...rules([rule])])).violations,
        ).toEqual([]);
      }
    });
  });

  it("names a Cluster and a workload without metadata.name by their Pulumi names", async () => {
    const cluster = set(documentdbCluster(), "metadata.name", REMOVE);
    const deployment = set(ferretdbDeployment(), "metadata.name", REMOVE);
    const outcome = await runStackPolicy(policy, [
      nightscoutDeployment(),
      deployment,
      cluster,
      ...without("dns"),
    ]);
    expect(outcome.violations).toEqual([
      'Deployment "nightscout" is selected by no NetworkPolicy that allows egress (not even DNS).',
      'Deployment "ferretdb" is selected by no NetworkPolicy that allows egress (not even DNS).',
      'Cluster "postgres" is selected by no NetworkPolicy that allows egress (not even DNS).',
    ]);
  });

  it("selects no pods of a workload whose template has no labels", async () => {
    const bare = set(nightscoutDeployment(), "spec.template.metadata", REMOVE);
    const outcome = await runStackPolicy(policy, [bare, ...networkPolicySet()]);
    expect(outcome.violations).toEqual([
      'Deployment "nightscout" is selected by no NetworkPolicy that allows ingress.',
    ]);
  });

  it("selects CNPG instances by their podRole label as well", async () => {
    const byRole = replace("postgres", (p) =>
      set(p, "spec.podSelector.matchLabels", {
        "cnpg.io/cluster": "postgres",
        "cnpg.io/podRole": "instance",
      }),
    );
    expect((await runStackPolicy(policy, [...workloads(), ...byRole])).violations).toEqual([]);
  });

  it("reads a workload without a pod template as pods without labels", async () => {
    const templateless = set(nightscoutDeployment(), "spec.template", REMOVE);
    const outcome = await runStackPolicy(policy, [templateless, ...networkPolicySet()]);
    expect(outcome.violations).toEqual([
      'Deployment "nightscout" is selected by no NetworkPolicy that allows ingress.',
    ]);
  });

  it("holds to the system-namespace limit only a default deny, not an allow policy there", async () => {
    const systemAllow = set(
      networkPolicySet().find((p) => p.name === "dns")!,
      "metadata.namespace",
      "kube-system",
    );
    expect(
      (await runStackPolicy(policy, [...workloads(), ...networkPolicySet(), systemAllow]))
        .violations,
    ).toEqual([]);
  });

  it("counts rules only in the directions a policy declares in policyTypes", async () => {
    // The API server keeps the rules, but a policy enforces only the directions it lists.
    const egressTyped = replace("nightscout", (p) => set(p, "spec.policyTypes", ["Egress"]));
    expect((await runStackPolicy(policy, [...workloads(), ...egressTyped])).violations).toEqual([
      'Deployment "nightscout" is selected by no NetworkPolicy that allows ingress.',
    ]);
    const ingressTypedEgress = without("dns").map((p) =>
      p.name === "nightscout" ? set(p, "spec.egress", [{}]) : p,
    );
    expect(
      (await runStackPolicy(policy, [...workloads(), ...ingressTypedEgress])).violations,
    ).toEqual([
      'Deployment "nightscout" is selected by no NetworkPolicy that allows egress (not even DNS).',
      'Deployment "ferretdb" is selected by no NetworkPolicy that allows egress (not even DNS).',
      'Cluster "postgres" is selected by no NetworkPolicy that allows egress (not even DNS).',
    ]);
  });

  it("judges no workload while a policyTypes entry is unknown during preview", async () => {
    // Without DNS egress nightscout would be reported; an unknown policy type stops the run first.
    const unknownType = without("dns").map((p) =>
      p.name === "ferretdb" ? set(p, "spec.policyTypes", [UNKNOWN_STRING]) : p,
    );
    const outcome = await runStackPolicy(policy, [...workloads(), ...unknownType]);
    expect(outcome.violations).toEqual([]);
    expect(outcome.unknown).toContain("policyTypes");
  });

  it("takes a workload's allow rules only from its own namespace, in each direction", async () => {
    const elsewhere = (name: string) =>
      networkPolicySet().map((p) => (p.name === name ? set(p, "metadata.namespace", "other") : p));
    expect(
      (await runStackPolicy(policy, [...workloads(), ...elsewhere("dns")])).violations,
    ).toEqual([
      'Deployment "nightscout" is selected by no NetworkPolicy that allows egress (not even DNS).',
      'Deployment "ferretdb" is selected by no NetworkPolicy that allows egress (not even DNS).',
      'Cluster "postgres" is selected by no NetworkPolicy that allows egress (not even DNS).',
    ]);
    expect(
      (await runStackPolicy(policy, [...workloads(), ...elsewhere("nightscout")])).violations,
    ).toEqual(['Deployment "nightscout" is selected by no NetworkPolicy that allows ingress.']);
  });
});
