/**
 * The whole post-deploy check within CHECK_DEADLINE_MS: MongoDB attempts (connect, ping,
 * marker round trip) under the retry policy, then the optional Nightscout status check, then
 * one result. Takes the environment as a plain object, so tests call it in-process; cli.ts
 * only prints the result.
 */
import { performance } from "node:perf_hooks";
import { CHECK_ENV } from "../domain";
import { MongoAttemptError, classifyError, type Classified } from "./classify";
import { readCheckConfig, type CheckConfig, type Env } from "./env";
import { probeMongo, type MongoProbeHooks, type MongoTimings } from "./mongo-probe";
import { checkNightscout } from "./nightscout-probe";
import {
  round1,
  seconds,
  type AttemptFailure,
  type CheckFailure,
  type CheckResult,
  type CheckSuccess,
  type FailureKind,
  type Phase,
} from "./outcome";
import { scrub } from "./redact";
import { retryWithinDeadline } from "./retry";

/**
 * Auth failures are final, but one retry absorbs the window right after a deploy in which
 * the password Secret and the server's user are briefly out of step.
 */
const AUTH_RETRIES = 1;

export interface CheckHooks extends MongoProbeHooks {
  /** Called for every failed MongoDB attempt, e.g. to print progress on stderr. */
  onAttemptFailed?: (failure: AttemptFailure) => void;
  /** Monotonic clock in ms; tests may replace it. */
  now?: () => number;
  /**
   * When the deadline started, on the `now` clock (default: when runCheck is called). The CLI
   * passes 0, i.e. process start on `performance.now()`, so module loading counts too.
   */
  startedAt?: number;
}

export type Verdict = Classified & { phase: Phase };

function verdictOf(err: unknown): Verdict {
  if (err instanceof MongoAttemptError) {
    return { ...classifyError(err.inner, err.phase, err.seen), phase: err.phase };
  }
  return { ...classifyError(err, "connect"), phase: "connect" };
}

/** One failed attempt's verdict, with the time it was given. */
export interface AttemptVerdict {
  verdict: Verdict;
  budgetMs: number;
}

/**
 * The verdict a failed run reports. Usually the last attempt's; but a last attempt cut short by
 * the deadline that timed out before any handshake proves nothing about the server (through a
 * slow path, a handshake takes longer than the time that was left), so an earlier full-length
 * attempt that got further (the server answered) speaks for the run instead.
 */
export function reportedVerdict(
  attempts: readonly AttemptVerdict[],
  attemptTimeoutMs: number,
): Verdict | undefined {
  const last = attempts[attempts.length - 1];
  if (!last || last.verdict.kind !== "silent" || last.budgetMs >= attemptTimeoutMs) {
    return last?.verdict;
  }
  const answered = attempts
    .slice(0, -1)
    .reverse()
    .find((a) => a.verdict.kind === "stalled" || a.verdict.kind === "server");
  return answered?.verdict ?? last.verdict;
}

/** The final message of a MongoDB check that ran out of attempts or time. */
function mongoFailure(
  cfg: CheckConfig,
  last: Verdict | undefined,
  attempts: number,
): [FailureKind, string] {
  const within = `within ${seconds(cfg.deadlineMs)}`;
  const tried = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  const perAttempt = seconds(cfg.attemptTimeoutMs);
  if (!last) {
    return ["deadline", `${CHECK_ENV.deadlineMs}=${cfg.deadlineMs} left no time for an attempt`];
  }
  switch (last.kind) {
    case "usage":
      return ["usage", last.detail];
    case "mismatch":
      return ["mismatch", last.detail];
    case "auth":
      return [
        "auth",
        cfg.hasCredentials
          ? `${cfg.displayUri} rejected the credentials in ${CHECK_ENV.mongoUri} (${last.detail})`
          : `${cfg.displayUri} requires credentials, and ${CHECK_ENV.mongoUri} has no user:password (${last.detail})`,
      ];
    case "unreachable":
      return [
        "unreachable",
        `could not reach ${cfg.displayUri} ${within} (${tried}): ${last.detail}`,
      ];
    case "silent":
      return [
        "unreachable",
        `${cfg.displayUri} accepted the TCP connection but did not answer the MongoDB handshake ` +
          `within ${perAttempt} per attempt (${tried} ${within}): is FerretDB what listens there, and is it up?`,
      ];
    case "stalled":
      return [
        "deadline",
        `FerretDB at ${cfg.displayUri} answered the connection but not the command within ${perAttempt} per attempt ` +
          `(${tried} ${within}, last during ${last.phase}): its PostgreSQL backend may be stalled, or the network path is very slow`,
      ];
    case "server":
      return [
        "deadline",
        `no successful check of ${cfg.displayUri} ${within} (${tried}); last error during ${last.phase}: ${last.detail}`,
      ];
  }
}

async function checkMongo(
  cfg: CheckConfig,
  deadlineAt: number,
  now: () => number,
  hooks: CheckHooks,
): Promise<
  { timings: MongoTimings; attempts: number } | { failure: [FailureKind, string]; attempts: number }
> {
  let authFailures = 0;
  const target = { connectionString: cfg.uri, collection: cfg.collection, hosts: cfg.hosts };
  const failed: AttemptVerdict[] = [];
  const result = await retryWithinDeadline(
    (_n, budgetMs) =>
      probeMongo(target, budgetMs, hooks, now).catch((err: unknown) => {
        failed.push({ verdict: verdictOf(err), budgetMs });
        throw err;
      }),
    {
      deadlineAt,
      now,
      attemptTimeoutMs: cfg.attemptTimeoutMs,
      isRetryable: (err) => {
        const { kind } = verdictOf(err);
        if (kind === "auth") return ++authFailures <= AUTH_RETRIES;
        return kind !== "usage" && kind !== "mismatch";
      },
      onFailedAttempt: (err, attempt, retryWithinMs) => {
        const v = verdictOf(err);
        if (v.kind === "usage" || v.kind === "mismatch") return;
        hooks.onAttemptFailed?.({
          attempt,
          kind: v.kind,
          phase: v.phase,
          message: scrub(v.detail, cfg.secrets),
          retryWithinMs,
        });
      },
    },
  );
  if (result.ok) return { timings: result.value, attempts: result.attempts };
  const last =
    result.error === undefined
      ? undefined
      : (reportedVerdict(failed, cfg.attemptTimeoutMs) ?? verdictOf(result.error));
  return { failure: mongoFailure(cfg, last, result.attempts), attempts: result.attempts };
}

/**
 * Runs the whole check within the deadline: MongoDB attempts with backoff between them, then
 * the optional Nightscout status check.
 */
export async function runCheck(env: Env, hooks: CheckHooks = {}): Promise<CheckResult> {
  const now = hooks.now ?? (() => performance.now());
  const started = hooks.startedAt ?? now();
  const elapsed = (): number => round1(now() - started);
  const cfg = readCheckConfig(env);
  if (typeof cfg === "string") {
    // Already free of secrets (readCheckConfig quotes nothing of an unparseable URI).
    return { ok: false, kind: "usage", message: cfg, attempts: 0, totalMs: elapsed() };
  }
  const deadlineAt = started + cfg.deadlineMs;
  const fail = (kind: FailureKind, message: string, attempts: number): CheckFailure => ({
    ok: false,
    kind,
    message: scrub(message, cfg.secrets),
    attempts,
    totalMs: elapsed(),
  });

  const mongo = await checkMongo(cfg, deadlineAt, now, hooks);
  if ("failure" in mongo) return fail(...mongo.failure, mongo.attempts);
  const success: CheckSuccess = {
    ok: true,
    connectMs: round1(mongo.timings.connectMs),
    pingMs: round1(mongo.timings.pingMs),
    roundTripMs: round1(mongo.timings.roundTripMs),
    attempts: mongo.attempts,
    totalMs: 0,
  };
  if (cfg.nightscoutUrl) {
    const status = await checkNightscout(
      { url: cfg.nightscoutUrl, expectedUnits: cfg.expectedUnits },
      { deadlineAt, now, attemptTimeoutMs: cfg.attemptTimeoutMs },
    );
    if (typeof status === "string") return fail("nightscout", status, mongo.attempts);
    success.nightscout = status;
  }
  success.totalMs = elapsed();
  return success;
}
