/**
 * How components reject their args: synchronously, before `super()` registers anything, with
 * one message that names the component, the arg, its value and the fix.
 */
import { DNS_LABEL, type Limits, type Rule, findingText, imagePinProblem } from "../domain";
import { STALE_DATA_MINUTES_RANGE } from "../domain/alerts";

/** `<Component>: args.<field> = <value> is invalid. <fix>` */
export function invalidArg(component: string, field: string, value: unknown, fix: string): Error {
  return new Error(`${component}: args.${field} = ${JSON.stringify(value)} is invalid. ${fix}`);
}

/** Throws unless `image` is pinned by a tag other than latest, or by digest (facts 1, 12, 18). */
export function requirePinnedImage(component: string, field: string, image: string): void {
  const problem = imagePinProblem(image);
  if (problem) {
    throw invalidArg(component, field, image, `The image ${problem}; pin a tag or digest.`);
  }
}

/** Throws unless `value` is a DNS label (a namespace or an object that must be one). */
export function requireDnsLabel(
  component: string,
  field: string,
  value: string,
  fix: string,
  maxLength = 63,
): void {
  if (!DNS_LABEL.test(value) || value.length > maxLength) {
    throw invalidArg(component, field, value, fix);
  }
}

/** Throws unless `value` is a whole number of at least `min`; `fix` says what to use. */
export function requireWholeNumber(
  component: string,
  field: string,
  value: number,
  min: number,
  fix: string,
): void {
  if (!Number.isInteger(value) || value < min) throw invalidArg(component, field, value, fix);
}

/** Throws unless `value` is whole minutes within the stale-data range (the alert and the page). */
export function requireStaleDataMinutes(component: string, field: string, value: number): void {
  const [min, max] = STALE_DATA_MINUTES_RANGE;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArg(
      component,
      field,
      value,
      `Use whole minutes from ${min} (a CGM sends every 5) to ${max}.`,
    );
  }
}

/**
 * Throws the first finding of a catalogue rule (domain/rules/) over component args: the third
 * adapter, for callers that build a component without the stack's settings. `fields` names the
 * arg behind each field of the rule's model; a field without one is not an arg.
 */
export function requireRule<M, F extends string, L extends Limits>(
  component: string,
  rule: Rule<M, F, L>,
  fields: Readonly<Record<F, string | undefined>>,
  model: M,
  limits: L = {} as L,
): void {
  const arg = (field: F) => `args.${fields[field] ?? field}`;
  const [finding] = rule.check(
    model,
    {
      name: arg,
      set: (field, value) =>
        fields[field] === undefined ? undefined : `set ${arg(field)} to ${value}`,
    },
    limits,
  );
  if (finding) {
    throw new Error(
      `${component}: ${findingText(finding, arg, ` (rule ${rule.id}, fact ${rule.fact})`)}`,
    );
  }
}
