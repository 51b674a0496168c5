/**
 * The settings adapter of the rule catalogue (domain/rules/): a rule's fields are setting keys
 * here, its fixes `pulumi config set` commands, and its findings join every other problem of the
 * run, so all of them are still reported at once.
 */
import { type Environment, type Finding, type Limits, type Rule, limitsFor } from "../../domain";
import { Settings } from "../read";
import { SETTINGS, type SettingKey } from "../settings";

/** `pulumi config set`, with `--secret` for a key declared secret. */
function configSet(key: string): string {
  const secret = SETTINGS.some((setting) => setting.key === key && setting.secret);
  return secret ? `pulumi config set --secret ${key}` : `pulumi config set ${key}`;
}

const enforced = new Set<string>();

/** The ids of the rules this adapter ran in this process, for the catalogue's sync test. */
export function rulesEnforcedOnSettings(): ReadonlySet<string> {
  return enforced;
}

/**
 * Runs `rule` over `model`, whose fields are the settings `keys` names; a field with no key is
 * one the stack file cannot set. Returns the findings, already added to the run's problems.
 */
export function enforceOnSettings<
  M,
  F extends string,
  L extends Limits,
  K extends string = SettingKey,
>(
  s: Settings<K>,
  rule: Rule<M, F, L>,
  keys: Readonly<Record<F, K | undefined>>,
  model: M,
  /** Findings the stack accepts for now: each becomes a warning, with why it was accepted. */
  accepted?: (finding: Finding<F>) => string | undefined,
): Finding<F>[] {
  enforced.add(rule.id);
  const findings = rule.check(
    model,
    {
      name: (field) => keys[field] ?? field,
      set: (field, value) => {
        const key = keys[field];
        return key === undefined ? undefined : `${configSet(key)} ${value}`;
      },
      setAt: (field, at, value) => {
        const key = keys[field];
        return key === undefined ? undefined : `pulumi config set --path '${key}${at}' ${value}`;
      },
    },
    // Only a rule with bounds per environment asks which one this is: the platform has none.
    rule.limits ? limitsFor(rule, s.text("environment" as K) as Environment) : ({} as L),
  );
  for (const f of findings) {
    const key = keys[f.field];
    if (key === undefined)
      throw new Error(`rule ${rule.id} blamed ${f.field}, which no setting holds`);
    const because = accepted?.(f);
    if (because === undefined) s.problems.add(key, f.value, f.why, f.fix, f.at);
    else s.warnings.push(`${s.problems.fullKey(key)}${f.at ?? ""}: ${f.why} (${because})`);
  }
  return findings;
}
