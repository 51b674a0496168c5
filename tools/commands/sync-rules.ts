/**
 * domain/rules/ is the one list of the domain's rules; `npm run sync:rules` writes from it the
 * limits of each environment into the pack's config files (policies/config/<env>.json, leaving
 * every entry the catalogue does not own as the operator wrote it) and the rule table into
 * docs/domain-facts.md. tests/domain/rules-sync.test.ts fails when either differs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENTS, type Environment, RULES, type AnyRule } from "../../domain";

const ROOT = path.resolve(__dirname, "../..");
export const FACTS_FILE = path.join(ROOT, "docs", "domain-facts.md");
export const packConfigFile = (environment: Environment) =>
  path.join(ROOT, "policies", "config", `${environment}.json`);

export const BEGIN = "<!-- rule-table:begin (npm run sync:rules) -->";
export const END = "<!-- rule-table:end -->";

type PackConfig = Record<string, Record<string, unknown>>;

/** `current` with each rule's limits for `environment` written into its policy's entry. */
export function packConfigFor(
  environment: Environment,
  current: PackConfig,
  rules: readonly AnyRule[] = RULES,
): PackConfig {
  const next: PackConfig = { ...current };
  for (const rule of rules) {
    if (!rule.limits || !rule.policy) continue;
    next[rule.policy] = { ...next[rule.policy], ...rule.limits[environment] };
  }
  return next;
}

const shown = (v: unknown) => (Array.isArray(v) ? v.join(" ") : String(v));

/** The rule table: one row a rule, with where it is enforced and its bounds per environment. */
export function ruleTable(rules: readonly AnyRule[] = RULES): string {
  const cell = (v: string) => v.replace(/\|/g, "\\|");
  const limits = (rule: AnyRule, environment: Environment) =>
    rule.limits
      ? Object.entries(rule.limits[environment])
          .map(([k, v]) => `${k}: ${shown(v)}`)
          .join(", ")
      : "";
  const rows = [...rules]
    .sort((a, b) => a.fact - b.fact || a.id.localeCompare(b.id))
    .map((rule) =>
      [
        `\`${rule.id}\``,
        String(rule.fact),
        cell(rule.summary),
        rule.onSettings ? "yes" : "no (the settings' types guarantee it)",
        rule.policy ? `[${rule.policy}](../policies/rules/${rule.policy}.ts)` : "no",
        ...ENVIRONMENTS.map((e) => limits(rule, e)),
      ].join(" | "),
    )
    .map((row) => `| ${row} |`);
  return [
    `| rule | fact | what must hold | on the settings | on rendered objects | ${ENVIRONMENTS.join(" | ")} |`,
    `| --- | --- | --- | --- | --- | ${ENVIRONMENTS.map(() => "---").join(" | ")} |`,
    ...rows,
  ].join("\n");
}

/** docs/domain-facts.md with the rule table between the markers rewritten. */
export function withRuleTable(facts: string, rules: readonly AnyRule[] = RULES): string {
  const from = facts.indexOf(BEGIN);
  const to = facts.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/domain-facts.md lacks ${BEGIN} ... ${END}`);
  return facts.slice(0, from + BEGIN.length) + "\n" + ruleTable(rules) + "\n" + facts.slice(to);
}

export const packConfigText = (config: PackConfig) => JSON.stringify(config, null, 2) + "\n";

function main(): void {
  for (const environment of ENVIRONMENTS) {
    const file = packConfigFile(environment);
    const current = JSON.parse(fs.readFileSync(file, "utf8")) as PackConfig;
    fs.writeFileSync(file, packConfigText(packConfigFor(environment, current)));
  }
  fs.writeFileSync(FACTS_FILE, withRuleTable(fs.readFileSync(FACTS_FILE, "utf8")));
  console.log(
    "sync:rules: wrote policies/config/*.json and the rule table of docs/domain-facts.md",
  );
}

if (require.main === module) main();
