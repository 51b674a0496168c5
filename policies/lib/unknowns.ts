import { UnknownValueError } from "@pulumi/policy";

export function isUnknownValueError(error: unknown): error is UnknownValueError {
  return error instanceof UnknownValueError;
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
