import { allPolicies } from "../../policies/policies";

describe("policy pack metadata", () => {
  it("has unique kebab-case names", () => {
    const names = allPolicies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(allPolicies.map((p) => [p.name, p] as const))(
    "%s has a description and an explicit level",
    (_, p) => {
      expect(p.description.length).toBeGreaterThan(20);
      expect(["advisory", "mandatory", "remediate", "disabled"]).toContain(p.enforcementLevel);
    },
  );

  it.each(allPolicies.map((p) => [p.name, p] as const))(
    "%s gives every config property a type and default",
    (_, p) => {
      for (const [key, property] of Object.entries(p.configSchema?.properties ?? {})) {
        expect([key, (property as { type?: string }).type]).toEqual([key, expect.any(String)]);
        expect([key, (property as { default?: unknown }).default]).not.toEqual([key, undefined]);
        expect(key).not.toBe("enforcementLevel");
      }
    },
  );
});
