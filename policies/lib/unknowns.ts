import { UnknownValueError } from "./policy-proxy";

/**
 * By shape as well as by class: the pack's own install (policies/node_modules) and the root
 * one (tests, the offline gate) each carry a copy of @pulumi/policy, and an error thrown by
 * one copy's proxy is not an instance of the other copy's class.
 */
export function isUnknownValueError(error: unknown): error is UnknownValueError {
  if (error instanceof UnknownValueError) return true;
  return (
    error instanceof Error &&
    "unknownTypeSentinel" in error &&
    Array.isArray((error as { props?: unknown }).props)
  );
}

/**
 * Runs independent checks so that a value unknown during preview in one of them neither hides
 * the violations the others can prove nor passes silently: the first UnknownValueError is
 * rethrown after all checks ran, and the engine reports it ("can't run policy ... during
 * preview").
 */
export function runChecks(checks: Iterable<() => void>): void {
  let deferred: UnknownValueError | undefined;
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!isUnknownValueError(error)) throw error;
      deferred ??= error;
    }
  }
  if (deferred) throw deferred;
}
