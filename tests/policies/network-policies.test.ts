import { networkPolicies as policy } from "../../policies/rules/network-policies";
import {
  documentdbCluster,
  ferretdbDeployment,
  ingress,
  networkPolicySet,
  nightscoutDeployment,
} from "./fixtures";
import { UNKNOWN_STRING, runStackPolicy, set, type TestResource } from "./helpers";

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
});
