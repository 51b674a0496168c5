/**
 * The rule catalogue's declarations (id, fact, summary, limits, where each rule runs) against
 * what is generated from them and what runs them, without evaluating the program: the fast half
 * of tests/domain/rules-sync.test.ts. Each test loads the catalogue (domain/rules/) afresh inside
 * its own body, so StrykerJS counts its declarations as code these tests reach and runs their
 * mutants here; the rest of domain/ is shared, loaded once.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/* eslint-disable @typescript-eslint/no-require-imports */
const DOMAIN = path.resolve(__dirname, "../../domain");
/** domain/'s modules outside the catalogue, loaded once: only domain/rules/ is loaded afresh. */
const SHARED = fs
  .readdirSync(DOMAIN)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .map((f) => [path.join(DOMAIN, f), require(path.join(DOMAIN, f)) as unknown] as const);

function fresh() {
  let loaded!: {
    domain: typeof import("../../domain");
    sync: typeof import("../../tools/commands/sync-rules");
    onSettings: typeof import("../../config/rules/catalogue");
    helpers: typeof import("../config/helpers");
  };
  jest.isolateModules(() => {
    // So StrykerJS counts these tests as reaching the catalogue's declarations, not every
    // declaration of domain/ (docs/mutation-testing.md, fifth round).
    for (const [file, module] of SHARED) jest.doMock(file, () => module);
    loaded = {
      domain: require("../../domain"),
      sync: require("../../tools/commands/sync-rules"),
      onSettings: require("../../config/rules/catalogue"),
      helpers: require("../config/helpers"),
    };
  });
  return loaded;
}
/* eslint-enable @typescript-eslint/no-require-imports */

const read = (file: string) => fs.readFileSync(file, "utf8");

describe("the rule catalogue's declarations", () => {
  it.each(["staging", "production"] as const)(
    "policies/config/%s.json carries the catalogue's limits (npm run sync:rules)",
    (environment) => {
      const { sync } = fresh();
      const text = read(sync.packConfigFile(environment));
      expect(text).toBe(sync.packConfigText(sync.packConfigFor(environment, JSON.parse(text))));
    },
  );

  it("docs/domain-facts.md shows the catalogue's rule table (npm run sync:rules)", () => {
    const { sync, domain } = fresh();
    const facts = read(sync.FACTS_FILE);
    expect(facts).toBe(sync.withRuleTable(facts));
    for (const rule of domain.RULES) expect(facts).toContain(`| \`${rule.id}\` | ${rule.fact} |`);
  });

  it("has unique, non-empty ids, each rule tied to a fact the docs hold", () => {
    const { sync, domain } = fresh();
    const ids = domain.RULES.map((r) => r.id);
    expect(ids.every((id) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const facts = read(sync.FACTS_FILE);
    for (const rule of domain.RULES) {
      expect(facts).toMatch(new RegExp(`^### ${rule.fact}\\. `, "m"));
      expect(rule.summary.length).toBeGreaterThan(20);
    }
  });

  it("runs on the settings exactly the rules declared onSettings, in both environments", () => {
    const { domain, onSettings, helpers } = fresh();
    helpers.parse({});
    helpers.parse({ environment: "production", postgresInstances: "3", ...helpers.WITH_BACKUP });
    const declared = domain.RULES.filter((r) => r.onSettings)
      .map((r) => r.id)
      .sort();
    expect([...onSettings.rulesEnforcedOnSettings()].sort()).toEqual(declared);
  });
});
