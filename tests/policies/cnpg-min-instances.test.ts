import { cnpgMinInstances as policy } from "../../policies/rules/cnpg-min-instances";
import { documentdbCluster, ferretdbDeployment } from "./fixtures";
import { REMOVE, runResourcePolicy, set } from "./helpers";

const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";

describe("cnpg-min-instances", () => {
  it("passes a Cluster with enough instances", async () => {
    expect(
      (await runResourcePolicy(policy, documentdbCluster(), { minInstances: 3 })).violations,
    ).toEqual([]);
  });

  it("is not applicable to other types", async () => {
    expect((await runResourcePolicy(policy, ferretdbDeployment())).notApplicable).toBe(
      "Policy only applies to kubernetes:postgresql.cnpg.io/v1:Cluster",
    );
  });

  it("reports too few instances for the configured minimum", async () => {
    const one = set(documentdbCluster(), "spec.instances", 1);
    expect((await runResourcePolicy(policy, one, { minInstances: 3 })).violations).toEqual([
      `spec.instances = "1": production needs at least 3 PostgreSQL instances so losing one node loses no data. Fix: set spec.instances to 3.`,
    ]);
    expect((await runResourcePolicy(policy, one, { minInstances: 1 })).violations).toEqual([]);
    // Without a config file the pack holds a Cluster to production's bound.
    expect((await runResourcePolicy(policy, one)).violations).toHaveLength(1);
  });

  it("counts an absent spec.instances as CNPG's default of 1", async () => {
    const r = set(documentdbCluster(), "spec.instances", REMOVE);
    expect((await runResourcePolicy(policy, r, { minInstances: 2 })).violations).toEqual([
      `spec.instances = "1": production needs at least 2 PostgreSQL instances so losing one node loses no data. Fix: set spec.instances to 2.`,
    ]);
  });

  it("reports a non-integer count", async () => {
    const r = set(documentdbCluster(), "spec.instances", "3");
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'spec.instances must be an integer, got "3".',
    ]);
  });

  it("reports a fractional count even above the minimum", async () => {
    const r = set(documentdbCluster(), "spec.instances", 3.5);
    expect((await runResourcePolicy(policy, r, { minInstances: 3 })).violations).toEqual([
      "spec.instances must be an integer, got 3.5.",
    ]);
  });

  it("surfaces an unknown count instead of passing", async () => {
    const r = set(documentdbCluster(), "spec.instances", UNKNOWN_NUMBER);
    const outcome = await runResourcePolicy(policy, r, { minInstances: 3 });
    expect(outcome.violations).toEqual([]);
    expect(outcome.unknown).toBe("number value at .spec.instances can't be known during preview");
  });
});
