/**
 * The public Nightscout: GET <url>/api/v1/status.json must answer JSON with the expected
 * units. Unreachable and 5xx answers are retried under the check's retry policy until the
 * deadline; anything else that is wrong fails at once.
 */
import {
  CHECK_ENV,
  DISPLAY_UNITS_WORD,
  type DisplayUnitsWord,
  unitsNightscoutReads,
} from "../domain";
import { displayHttpUrl } from "./redact";
import { retryWithinDeadline } from "./retry";
import { round1 } from "./outcome";

/** How Nightscout reports its units in status.json (settings.units). */
export type NightscoutUnits = DisplayUnitsWord;

/** Fact 21, as domain/nightscout.ts reads it: the word for the unit Nightscout will show. */
export function normalizeUnits(value: string): NightscoutUnits {
  return DISPLAY_UNITS_WORD[unitsNightscoutReads(value)];
}

export interface NightscoutTarget {
  url: string;
  expectedUnits?: NightscoutUnits;
}

export interface NightscoutStatus {
  units: string;
  statusMs: number;
}

/** Why status.json is not right; `retryable` when another attempt may pass. */
class NightscoutProblem extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** One GET of status.json within `budgetMs`. */
async function fetchStatus(
  target: NightscoutTarget,
  budgetMs: number,
  now: () => number,
): Promise<NightscoutStatus> {
  const shown = `${displayHttpUrl(target.url)}/api/v1/status.json`;
  const t = now();
  let response: Response;
  let body: string;
  try {
    response = await fetch(`${target.url}/api/v1/status.json`, {
      headers: { accept: "application/json" },
      redirect: "follow",
      // AbortSignal.timeout throws on a fractional delay.
      signal: AbortSignal.timeout(Math.max(1, Math.floor(budgetMs))),
    });
    body = await response.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === "TimeoutError" ? "timeout" : (e.cause?.code ?? e.cause?.message);
    throw new NightscoutProblem(`${shown} did not answer: ${why ?? e.message}`, true);
  }
  const statusMs = now() - t;
  if (response.status >= 500) {
    throw new NightscoutProblem(`${shown} answered HTTP ${response.status}`, true);
  }
  if (response.status === 401 || response.status === 403) {
    // Fact 26: AUTH_DEFAULT_ROLES=denied hides status.json; status-only keeps it readable.
    throw new NightscoutProblem(
      `${shown} answered HTTP ${response.status}: set AUTH_DEFAULT_ROLES to status-only (or readable) so the status stays public`,
      false,
    );
  }
  if (response.status !== 200) {
    throw new NightscoutProblem(`${shown} answered HTTP ${response.status}`, false);
  }
  let status: { settings?: { units?: unknown } };
  try {
    status = JSON.parse(body) as typeof status;
  } catch {
    throw new NightscoutProblem(
      `${shown} did not answer JSON (is ${CHECK_ENV.nightscoutUrl} the Nightscout site?)`,
      false,
    );
  }
  const units = status.settings?.units;
  if (typeof units !== "string")
    throw new NightscoutProblem(`${shown} has no settings.units`, false);
  if (target.expectedUnits && normalizeUnits(units) !== target.expectedUnits) {
    throw new NightscoutProblem(
      `Nightscout shows units ${JSON.stringify(units)}, expected ${target.expectedUnits}: check DISPLAY_UNITS`,
      false,
    );
  }
  return { units, statusMs: round1(statusMs) };
}

/** The status, or why it is not right (one line, free of credentials). */
export async function checkNightscout(
  target: NightscoutTarget,
  policy: { deadlineAt: number; now: () => number; attemptTimeoutMs: number },
): Promise<NightscoutStatus | string> {
  const result = await retryWithinDeadline(
    (_n, budgetMs) => fetchStatus(target, budgetMs, policy.now),
    {
      ...policy,
      isRetryable: (err) => err instanceof NightscoutProblem && err.retryable,
    },
  );
  if (result.ok) return result.value;
  if (result.error === undefined) return "no attempt fitted in the deadline";
  if (result.error instanceof NightscoutProblem && !result.error.retryable) {
    return result.error.message;
  }
  const message = result.error instanceof Error ? result.error.message : String(result.error);
  return `${message} (gave up at the deadline)`;
}
