import { productionDatabaseProtected as policy } from "../../policies/rules/production-database-protected";
import { documentdbCluster, ferretdbDeployment } from "./fixtures";
import { runStackPolicy, urnOf } from "./helpers";

const unprotected = () => ({ ...documentdbCluster(), protect: false });

describe("production-database-protected", () => {
  it("passes a protected Cluster", async () => {
    expect(
      (await runStackPolicy(policy, [documentdbCluster(), ferretdbDeployment()])).violations,
    ).toEqual([]);
  });

  it("is not applicable without a Cluster", async () => {
    expect((await runStackPolicy(policy, [ferretdbDeployment()])).notApplicable).toBe(
      "The stack has no CNPG Cluster",
    );
  });

  it("reports an unprotected Cluster", async () => {
    const outcome = await runStackPolicy(policy, [unprotected()]);
    expect(outcome.violations).toEqual([
      'Cluster "postgres" opts.protect = "false": production\'s database must be protected from deletion and replacement. Fix: set Cluster "postgres" opts.protect to true.',
    ]);
    expect(outcome.urns).toEqual([urnOf(unprotected())]);
  });

  it("lets staging turn the requirement off", async () => {
    const outcome = await runStackPolicy(policy, [unprotected()], { requireProtect: false });
    expect(outcome.violations).toEqual([]);
    expect(outcome.notApplicable).toBe("requireProtect is off for this stack");
  });
});
