import { nightscoutDefaultRolesPrivate as policy } from "../../policies/rules/nightscout-default-roles-private";
import { ferretdbDeployment, nightscoutDeployment } from "./fixtures";
import { REMOVE, UNKNOWN_STRING, runResourcePolicy, withEnv } from "./helpers";

describe("nightscout-default-roles-private", () => {
  it("is advisory", () => {
    expect(policy.enforcementLevel).toBe("advisory");
  });

  it("passes status-only and denied", async () => {
    expect((await runResourcePolicy(policy, nightscoutDeployment())).violations).toEqual([]);
    const denied = withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", "denied");
    expect((await runResourcePolicy(policy, denied)).violations).toEqual([]);
  });

  it("is not applicable to other workloads", async () => {
    expect((await runResourcePolicy(policy, ferretdbDeployment())).notApplicable).toBe(
      "The workload does not run Nightscout",
    );
  });

  it("reports the unset default, which is readable", async () => {
    const r = withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", REMOVE);
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      'AUTH_DEFAULT_ROLES is not set, so it defaults to "readable": all CGM data is public. Use status-only or denied.',
    ]);
  });

  it("reports readable, and follows the configured allow-list", async () => {
    const r = withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", "readable devicestatus-upload");
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      "AUTH_DEFAULT_ROLES grants readable, devicestatus-upload to anonymous visitors; allowed: denied, status-only.",
    ]);
    const allowed = { allowedDefaultRoles: ["readable", "devicestatus-upload"] };
    expect((await runResourcePolicy(policy, r, allowed)).violations).toEqual([]);
  });

  it("reports unknown roles", async () => {
    const r = withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", "status-only,private");
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      "AUTH_DEFAULT_ROLES names unknown role(s) private; Nightscout ignores them.",
    ]);
  });

  it("lists every unknown role, comma-separated", async () => {
    const r = withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", "private secret");
    expect((await runResourcePolicy(policy, r)).violations).toEqual([
      "AUTH_DEFAULT_ROLES names unknown role(s) private, secret; Nightscout ignores them.",
    ]);
  });

  it("reads no empty role from separators at either end", async () => {
    const r = withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", ", status-only denied ,");
    expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
  });

  it("leaves a value from a ConfigMap or Secret alone: it cannot be read here", async () => {
    const r = withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", {
      valueFrom: { configMapKeyRef: { name: "nightscout", key: "roles" } },
    });
    expect((await runResourcePolicy(policy, r)).violations).toEqual([]);
  });

  it("surfaces an unknown value instead of passing", async () => {
    const r = withEnv(nightscoutDeployment(), "AUTH_DEFAULT_ROLES", UNKNOWN_STRING);
    expect((await runResourcePolicy(policy, r)).unknown).toContain("can't be known during preview");
  });
});
