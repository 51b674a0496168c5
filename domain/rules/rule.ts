/**
 * The shape of a domain rule, declared once and enforced twice: over the stack's settings
 * (config/rules/catalogue.ts) and over the objects the program renders (policies/lib/catalogue.ts).
 * A rule sees a small typed model, never a setting key or a manifest path: each adapter says how
 * its readers name a field and how they would give it a value, so one rule words its finding
 * for an operator editing a stack file and for a reviewer reading a policy violation alike.
 */
import type { Environment } from "../names";

/** How the reader of a finding knows the fields of a rule's model. */
export interface Vocabulary<F extends string> {
  /** The name the reader uses: a setting key (`bgLow`), an env var (`BG_LOW`), a path. */
  name(field: F): string;
  /**
   * How to give `field` the value, for a fix: `pulumi config set bgLow 3.9`, `set BG_LOW to
   * 3.9`. Undefined when the reader has no such field (the pack cannot switch an environment).
   */
  set(field: F, value: string): string | undefined;
  /**
   * How to give a place inside `field` the value (`at` is `[1].roles[0]`, inside a list of
   * entries), where the reader can; a rule falls back to naming the place.
   */
  setAt?(field: F, at: string, value: string): string | undefined;
}

/** What a rule found: the field at fault, its value as given, why it is wrong and the fix. */
export interface Finding<F extends string> {
  field: F;
  /** A place inside the field, for a field that holds entries: `[1].roles`. */
  at?: string;
  value: string | undefined;
  why: string;
  fix: string;
  /** Which of a rule's several findings this is, when an adapter treats them differently. */
  kind?: string;
  /** Expected halfway through an upgrade done in steps: a setting may accept it for a while. */
  duringUpgrade?: boolean;
}

/**
 * A finding as the pack and the components word it, in the settings' shape:
 * `<name> = <value>: <why><aside>. Fix: <fix>.` (the settings add their project's key prefix).
 */
export function findingText<F extends string>(
  finding: Finding<F>,
  name: (field: F) => string,
  aside = "",
): string {
  const shown = finding.value === undefined ? "(unset)" : JSON.stringify(finding.value);
  return `${name(finding.field)}${finding.at ?? ""} = ${shown}: ${finding.why}${aside}. Fix: ${finding.fix}.`;
}

/** The bounds a rule takes per environment; the pack's config files are generated from them. */
export type Limits = Readonly<Record<string, number | boolean | string | readonly string[]>>;

export interface Rule<M, F extends string, L extends Limits = Limits> {
  /** Stable, kebab-case: docs, tests and the pack's config name the rule by it. */
  id: string;
  /** The fact in docs/domain-facts.md the rule keeps true. */
  fact: number;
  /** What must hold, in one line: the docs' rule table shows it. */
  summary: string;
  /** Bounds per environment, when the rule has any. */
  limits?: Readonly<Record<Environment, L>>;
  /** The policy that enforces the rule on rendered objects, and whose config carries the limits. */
  policy?: string;
  /**
   * Whether config/rules/ enforces it on the settings too; false when the settings' own types
   * already guarantee it (a choice the program turns into the one right value).
   */
  onSettings: boolean;
  /** Every finding for `model`; none when it holds. */
  check(model: M, words: Vocabulary<F>, limits: L): Finding<F>[];
}

/** Declares a rule; the identity function, so a rule's types are inferred from its literal. */
export function rule<M, F extends string, L extends Limits = Limits>(
  declaration: Rule<M, F, L>,
): Rule<M, F, L> {
  return declaration;
}

/** The limits a rule applies in `environment`; rules without limits get an empty set. */
export function limitsFor<M, F extends string, L extends Limits>(
  r: Rule<M, F, L>,
  environment: Environment,
): L {
  return (r.limits?.[environment] ?? {}) as L;
}

/** A fix and its alternatives the reader can act on: `a (or b)`; alternatives it cannot are dropped. */
export function fixWithAlternative(
  fix: string | undefined,
  alternative: string | undefined,
  joiner = "or",
): string {
  if (fix === undefined) return alternative ?? "";
  return alternative === undefined ? fix : `${fix} (${joiner} ${alternative})`;
}
