/**
 * What a check run ends with, and how the CLI says it: one JSON line on stdout for success,
 * one verdict line on stderr for a failure, an exit code from CHECK_EXIT_CODES, and progress
 * lines for failed attempts.
 */
import { CHECK_EXIT_CODES } from "../domain";

/** Prefix of every line the check prints, so it stands out in `pulumi up` output. */
export const LOG_PREFIX = "post-deploy-check:";

/** One per exit code, apart from success. */
export type FailureKind = Exclude<keyof typeof CHECK_EXIT_CODES, "ok">;

const FAILURE_LABELS: Record<FailureKind, string> = {
  internal: "internal error",
  unreachable: "unreachable",
  auth: "authentication failed",
  deadline: "deadline exceeded",
  mismatch: "round trip mismatch",
  nightscout: "nightscout check failed",
  usage: "usage",
};

export interface CheckSuccess {
  ok: true;
  connectMs: number;
  pingMs: number;
  roundTripMs: number;
  attempts: number;
  totalMs: number;
  nightscout?: { units: string; statusMs: number };
}

export interface CheckFailure {
  ok: false;
  kind: FailureKind;
  /** One line, already free of secrets. */
  message: string;
  attempts: number;
  totalMs: number;
}

export type CheckResult = CheckSuccess | CheckFailure;

/** Where in a MongoDB attempt something went wrong. */
export type Phase = "connect" | "ping" | "roundTrip";

/**
 * What one failed MongoDB attempt means:
 * - unreachable: no TCP connection (refused, DNS, no route, connect timeout);
 * - silent: TCP accepted, but no MongoDB handshake answer within the attempt;
 * - stalled: the handshake was answered, a command was not (FerretDB up, PostgreSQL hung);
 * - server: the server answered with an error, or dropped the connection;
 * - auth: credentials rejected or missing.
 */
export type AttemptFailureKind = "unreachable" | "silent" | "stalled" | "server" | "auth";

export interface AttemptFailure {
  attempt: number;
  kind: AttemptFailureKind;
  phase: Phase;
  /** Already free of secrets. */
  message: string;
  /** The longest the wait before the next attempt can be; undefined when none follows. */
  retryWithinMs?: number;
}

/** Milliseconds for JSON output: one decimal is all a timer this coarse can tell. */
export const round1 = (ms: number): number => Math.round(ms * 10) / 10;

/** A duration for messages: "2.5 s", never "2468.1234 ms". */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export interface Outcome {
  exitCode: number;
  /** The single line for stdout (success only). */
  stdout?: string;
  /** The single line for stderr (failures only). */
  stderr?: string;
}

/** Maps a result to what the CLI prints and its exit code. */
export function formatOutcome(result: CheckResult): Outcome {
  if (result.ok) {
    const { ok, pingMs, roundTripMs, attempts, totalMs, connectMs, nightscout } = result;
    const line = { ok, pingMs, roundTripMs, attempts, totalMs, connectMs, nightscout };
    return { exitCode: CHECK_EXIT_CODES.ok, stdout: JSON.stringify(line) };
  }
  return {
    exitCode: CHECK_EXIT_CODES[result.kind],
    stderr: `${LOG_PREFIX} ${FAILURE_LABELS[result.kind]}: ${result.message}`,
  };
}

/** One progress line for a failed attempt. */
export function formatAttemptFailure(f: AttemptFailure): string {
  const next =
    f.retryWithinMs === undefined ? "giving up" : `retrying within ${seconds(f.retryWithinMs)}`;
  return `${LOG_PREFIX} attempt ${f.attempt} failed (${f.kind} during ${f.phase}): ${f.message}; ${next}`;
}
