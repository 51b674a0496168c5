/**
 * One run of the access reconciler as the program starts it (access/cli.ts): settings from the
 * environment only, never arguments (they show in `ps` and in Pulumi's logs); the result as one
 * JSON line, every report line on stderr. A dry run (a preview) only reads, and a Nightscout it
 * cannot read is reported, not fatal: a pull request's preview may have no cluster to reach.
 */
import { scrub } from "../check/redact";
import { retryWithinDeadline } from "../check/retry";
import { NightscoutApiError, httpAuthorizationApi } from "./nightscout-api";
import { withPortForward } from "./port-forward";
import {
  type AccessDeclaration,
  type AccessResult,
  AccessConflict,
  reconcileAccess,
} from "./reconcile";

export const ACCESS_ENV = {
  apiSecret: "ACCESS_API_SECRET",
  declaration: "ACCESS_DECLARATION",
  dryRun: "ACCESS_DRY_RUN",
  url: "ACCESS_NIGHTSCOUT_URL",
  namespace: "ACCESS_PF_NAMESPACE",
  service: "ACCESS_PF_SERVICE",
  port: "ACCESS_PF_PORT",
  context: "ACCESS_KUBE_CONTEXT",
  deadlineMs: "ACCESS_DEADLINE_MS",
} as const;

export const LOG_PREFIX = "access:";

export interface AccessRunOutcome {
  /**
   * The JSON line: the managed subjects by name and `_id` (null when not read), and in a dry
   * run the names whose token is known only after the update.
   */
  stdout: string;
  stderr: string[];
  exitCode: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function declarationOf(text: string | undefined): AccessDeclaration | string {
  try {
    const d = JSON.parse(text ?? "") as AccessDeclaration;
    if (Array.isArray(d?.subjects) && Array.isArray(d?.roles)) return d;
  } catch {
    // Reported below.
  }
  return `${ACCESS_ENV.declaration} is not a declaration of subjects and roles`;
}

/** One reconcile through the API at `url`, each call within `budgetMs`. */
type Attempt = (url: string, budgetMs: number) => Promise<AccessResult>;

/**
 * Once for a dry run or no deadline; else with the check's retry policy until `deadlineMs`, as
 * Nightscout may still be rolling out with a new API secret. A conflict is final at once.
 */
async function withinDeadline(attempt: Attempt, url: string, deadlineMs: number) {
  if (deadlineMs <= 0) return attempt(url, ATTEMPT_TIMEOUT_MS);
  const result = await retryWithinDeadline((_n, budgetMs) => attempt(url, budgetMs), {
    deadlineAt: Date.now() + deadlineMs,
    now: Date.now,
    attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
    isRetryable: (error) => !(error instanceof AccessConflict),
  });
  if (result.ok) return result.value;
  throw result.error ?? new Error(`no attempt fitted in the deadline of ${deadlineMs} ms`);
}

/** The most one reconcile's calls may take: a few lists and writes on a small site. */
const ATTEMPT_TIMEOUT_MS = 30_000;

export async function runAccess(env: Env): Promise<AccessRunOutcome> {
  const secret = env[ACCESS_ENV.apiSecret] ?? "";
  const stderr: string[] = [];
  const say = (line: string) => stderr.push(`${LOG_PREFIX} ${scrub(line, secret ? [secret] : [])}`);
  const declaration = declarationOf(env[ACCESS_ENV.declaration]);
  if (secret === "") say(`usage: ${ACCESS_ENV.apiSecret} is empty: pass Nightscout's API_SECRET`);
  if (typeof declaration === "string") say(`usage: ${declaration}`);
  const direct = env[ACCESS_ENV.url];
  // The Service's port, not the container's: the component always passes it.
  const port = Number(env[ACCESS_ENV.port]);
  if (
    !direct &&
    !(env[ACCESS_ENV.namespace] && env[ACCESS_ENV.service] && Number.isInteger(port) && port > 0)
  ) {
    say(
      `usage: set ${ACCESS_ENV.url}, or ${ACCESS_ENV.namespace}, ${ACCESS_ENV.service} and ${ACCESS_ENV.port} for a port-forward`,
    );
  }
  if (stderr.length > 0 || typeof declaration === "string") {
    return { stdout: JSON.stringify({ subjects: null }), stderr, exitCode: 64 };
  }
  const dryRun = env[ACCESS_ENV.dryRun] === "true";
  const deadlineMs = Number(env[ACCESS_ENV.deadlineMs] ?? "120000");
  const attempt: Attempt = (url, budgetMs) =>
    reconcileAccess(httpAuthorizationApi(url, secret, budgetMs), declaration, { dryRun });
  const run = (url: string) => withinDeadline(attempt, url, dryRun ? 0 : deadlineMs);
  try {
    const result = direct
      ? await run(direct)
      : await withPortForward(
          {
            namespace: env[ACCESS_ENV.namespace]!,
            service: env[ACCESS_ENV.service]!,
            port,
            context: env[ACCESS_ENV.context] || undefined,
          },
          run,
        );
    for (const line of result.report) say(dryRun ? `would change: ${line}` : line);
    if (!result.changed) say("Nightscout's subjects and roles are as declared");
    return {
      stdout: JSON.stringify({ subjects: result.subjects, pending: result.pending }),
      stderr,
      exitCode: 0,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!dryRun) {
      say(message);
      return { stdout: JSON.stringify({ subjects: null }), stderr, exitCode: 1 };
    }
    if (err instanceof NightscoutApiError && / HTTP 40[13]:/.test(message)) {
      const names = declaration.subjects.map((s) => s.name).join(", ");
      say(
        `Nightscout refused the API secret: if this update changes apiSecret, the token of every managed subject changes${names ? `: ${names}` : ""}; send each person their new link after the update (npm run access)`,
      );
    } else {
      say(
        `could not read Nightscout's subjects (${message}); what this update changes there is unknown`,
      );
    }
    return { stdout: JSON.stringify({ subjects: null }), stderr, exitCode: 0 };
  }
}
