import { containerResources as policy } from "../../policies/rules/container-resources";
import { documentdbCluster, ferretdbDeployment, ingress, nightscoutDeployment } from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runResourcePolicy, set, withContainer } from "./helpers";

describe("container-resources", () => {
  it("passes containers with requests and a memory limit, and a Cluster with requests", async () => {
    for (const r of [nightscoutDeployment(), ferretdbDeployment(), documentdbCluster()]) {
      expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
    }
  });

  it("is not applicable to other types", async () => {
    expect((await runResourcePolicy(policy, ingress())).notApplicable).toBe(
      "Policy only applies to workloads and CNPG Clusters",
    );
  });

  it.each([
    ["resources.requests.cpu", "requests.cpu"],
    ["resources.requests.memory", "requests.memory"],
    ["resources.limits.memory", "limits.memory"],
  ])("reports a missing %s", async (path, label) => {
    const r = withContainer(ferretdbDeployment(), path, REMOVE);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      `Container "ferretdb" does not set resources ${label}.`,
    ]);
  });

  it("reports a limit below the request and an invalid quantity", async () => {
    const low = withContainer(ferretdbDeployment(), "resources.limits.memory", "64Mi");
    expect((await runResourcePolicy(policy, low)).violations).toEqual([
      'Container "ferretdb": limits.memory = "64Mi": is below requests.memory (128Mi); the container would be killed before it reaches what it asked for. Fix: set limits.memory to 128Mi or more.',
    ]);
    const bad = withContainer(ferretdbDeployment(), "resources.requests.cpu", "half");
    expect((await runResourcePolicy(policy, bad)).violations).toEqual([
      'Container "ferretdb" has an invalid requests.cpu quantity "half".',
    ]);
  });

  it("reports a Cluster without requests", async () => {
    const r = set(documentdbCluster(), "spec.resources", REMOVE);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      "The Cluster does not set resources requests.cpu, requests.memory.",
    ]);
  });

  it("follows config: memory limit off, CPU limit on, Cluster memory limit on", async () => {
    const noLimit = withContainer(ferretdbDeployment(), "resources.limits.memory", REMOVE);
    expect(
      (await runResourcePolicy(policy, noLimit, { requireMemoryLimit: false })).violations,
    ).toEqual([]);
    expect(
      (await runResourcePolicy(policy, ferretdbDeployment(), { requireCpuLimit: true })).violations,
    ).toEqual(['Container "ferretdb" does not set resources limits.cpu.']);
    expect(
      (await runResourcePolicy(policy, documentdbCluster(), { requireClusterMemoryLimit: true }))
        .violations,
    ).toEqual(["The Cluster does not set resources limits.memory."]);
  });

  it("accepts a CPU limit that is set when one is required", async () => {
    const limited = withContainer(ferretdbDeployment(), "resources.limits.cpu", "100m");
    expect(
      (await runResourcePolicy(policy, limited, { requireCpuLimit: true })).violations,
    ).toEqual([]);
  });

  it("checks init containers too", async () => {
    const r = set(ferretdbDeployment(), "spec.template.spec.initContainers", [
      { name: "init", image: "busybox:1.37" },
    ]);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'Init container "init" does not set resources requests.cpu, requests.memory, limits.memory.',
    ]);
  });

  it("surfaces unknown resources instead of passing", async () => {
    const outcome = await runResourcePolicy(
      policy,
      withContainer(ferretdbDeployment(), "resources", UNKNOWN_STRING),
    );
    expect(outcome.unknown).toContain("resources");
  });
});
