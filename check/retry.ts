/**
 * The one retry policy of the check, used by the MongoDB probe and the Nightscout probe
 * alike: exponential backoff with full jitter (the `exponential-backoff` library), every
 * attempt capped at the attempt timeout and at what is left of the deadline, and no attempt
 * started, or wait begun, that could not end before the deadline.
 */
import { backOff } from "exponential-backoff";

/** The first wait: a FerretDB or Nightscout that is restarting is often back within a second. */
export const FIRST_RETRY_DELAY_MS = 250;
/**
 * Waits double up to this: a server that comes back is noticed within 5 s, while a long
 * deadline still costs only one attempt every few seconds.
 */
export const MAX_RETRY_DELAY_MS = 5_000;
/**
 * No wait is longer than this share of the time left when retrying starts. The check stops
 * once the longest next wait and an attempt no longer fit, so it gives up at most an eighth
 * of its time early (and a 10 s deadline still gets several attempts).
 */
const MAX_DELAY_SHARE = 1 / 8;
/**
 * Below this, an attempt cannot even finish a TCP and SCRAM handshake through a
 * port-forward (a few round trips to the cluster): stop instead of starting one.
 */
export const MIN_ATTEMPT_MS = 250;

/** The longest wait before the next attempt may be, for a run with `timeLeftMs` to go. */
export function maxRetryDelayMs(timeLeftMs: number): number {
  const share = Math.round(timeLeftMs * MAX_DELAY_SHARE);
  return Math.max(FIRST_RETRY_DELAY_MS, Math.min(MAX_RETRY_DELAY_MS, share));
}

/** The longest wait after `failures` failed attempts (the library draws in [0, this]). */
export function retryDelayCeilingMs(failures: number, maxDelayMs = MAX_RETRY_DELAY_MS): number {
  return Math.min(maxDelayMs, FIRST_RETRY_DELAY_MS * 2 ** (failures - 1));
}

export interface RetryPolicy {
  /** When everything must be over, on the `now` clock. */
  deadlineAt: number;
  now: () => number;
  /** The most one attempt may take. */
  attemptTimeoutMs: number;
  /** Whether the error may pass on another attempt (the deadline is checked separately). */
  isRetryable: (error: unknown, attempt: number) => boolean;
  /** Called for every failed attempt; `retryWithinMs` is undefined when none follows. */
  onFailedAttempt?: (error: unknown, attempt: number, retryWithinMs: number | undefined) => void;
}

export type Retried<T> =
  | { ok: true; value: T; attempts: number }
  /** `error` is undefined when the deadline left no time for a single attempt. */
  | { ok: false; error: unknown; attempts: number };

class NoTimeLeft extends Error {}

/** Runs `attempt(n, budgetMs)` until it succeeds, fails for good, or the deadline is near. */
export async function retryWithinDeadline<T>(
  attempt: (n: number, budgetMs: number) => Promise<T>,
  policy: RetryPolicy,
): Promise<Retried<T>> {
  let attempts = 0;
  const maxDelayMs = maxRetryDelayMs(policy.deadlineAt - policy.now());
  try {
    const value = await backOff(
      async () => {
        const budgetMs = Math.min(policy.attemptTimeoutMs, policy.deadlineAt - policy.now());
        if (budgetMs < MIN_ATTEMPT_MS) throw new NoTimeLeft();
        attempts++;
        return attempt(attempts, budgetMs);
      },
      {
        startingDelay: FIRST_RETRY_DELAY_MS,
        timeMultiple: 2,
        maxDelay: maxDelayMs,
        // Full jitter: checks started together (several stacks) do not retry in lockstep.
        jitter: "full",
        // The deadline, not a count, ends the retries.
        numOfAttempts: Number.POSITIVE_INFINITY,
        retry: (error: unknown) => {
          if (error instanceof NoTimeLeft) return false;
          const ceiling = retryDelayCeilingMs(attempts, maxDelayMs);
          // The library's wait is at most `ceiling`: retry only if an attempt still fits after it.
          const again =
            policy.isRetryable(error, attempts) &&
            policy.deadlineAt - policy.now() >= ceiling + MIN_ATTEMPT_MS;
          policy.onFailedAttempt?.(error, attempts, again ? ceiling : undefined);
          return again;
        },
      },
    );
    return { ok: true, value, attempts };
  } catch (error) {
    return { ok: false, error: error instanceof NoTimeLeft ? undefined : error, attempts };
  }
}
