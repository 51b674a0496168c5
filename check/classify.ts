/**
 * What a failed MongoDB attempt means: retry it, or stop with a specific exit code. The
 * driver's errors are sorted by what the client saw, not by their wording: whether the
 * server answered the handshake (the driver's monitoring `hello`, which FerretDB answers
 * without touching PostgreSQL), and, after a timeout without one, whether the host accepted
 * a TCP connection at all.
 */
import {
  MongoError,
  MongoInvalidArgumentError,
  MongoMissingCredentialsError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoParseError,
  MongoServerError,
  MongoServerSelectionError,
} from "mongodb";
import { CHECK_ENV } from "../domain";
import { seconds, type AttemptFailureKind, type Phase } from "./outcome";

/** The attempt's own hard stop fired before the driver gave up. */
export class AttemptTimeout extends Error {
  constructor(readonly budgetMs: number) {
    super(`no answer within the attempt's ${seconds(budgetMs)}`);
  }
}

/** The marker read back is not the one written, or its delete removed the wrong count. */
export class RoundTripMismatch extends Error {}

/** A failed attempt, with what the classification needs to know about it. */
export class MongoAttemptError extends Error {
  constructor(
    readonly phase: Phase,
    readonly inner: unknown,
    readonly seen: Seen,
  ) {
    super(inner instanceof Error ? inner.message : String(inner));
  }
}

export interface Classified {
  kind: AttemptFailureKind | "usage" | "mismatch";
  detail: string;
}

function describe(err: unknown): string {
  if (err instanceof MongoServerError) {
    const code = err.code !== undefined ? ` ${err.code}` : "";
    return `${err.codeName ?? "server error"}${code}: ${err.message}`;
  }
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** The errors a server selection failure names per server (the monitor's last failure). */
function serverErrors(err: MongoServerSelectionError): unknown[] {
  const servers = err.reason?.servers ? [...err.reason.servers.values()] : [];
  return servers.map((s) => s.error).filter((e) => e);
}

/** Whether the attempt ran out of time (rather than being refused or dropped). */
export function isTimeout(err: unknown): boolean {
  if (err instanceof AttemptTimeout || err instanceof MongoNetworkTimeoutError) return true;
  if (!(err instanceof MongoServerSelectionError)) return false;
  // Selection ran out of time; unless a server reported a plain network error (refused,
  // DNS), that is a timeout too.
  const named = serverErrors(err);
  return named.length === 0 || named.some((e) => e instanceof MongoNetworkTimeoutError);
}

/** What the probe saw of the server during the attempt. */
export interface Seen {
  /** The server answered the driver's handshake (`hello`). */
  handshakeAnswered?: boolean;
  /** After a timeout: whether the host accepted a TCP connection (undefined: not asked). */
  tcpAccepted?: boolean;
}

/** Errors of a file the driver reads (a TLS file), which fail every attempt alike. */
const FILE_ERRORS = ["ENOENT", "EACCES", "EISDIR", "ENOTDIR"];

/** Decides what a failed attempt means: retry, or stop with a specific exit code. */
export function classifyError(err: unknown, phase: Phase, seen: Seen = {}): Classified {
  const detail = describe(err);
  if (err instanceof RoundTripMismatch) return { kind: "mismatch", detail };
  if (err instanceof MongoServerError) {
    if (err.code === 18 || err.codeName === "AuthenticationFailed") return { kind: "auth", detail };
    // 13 Unauthorized: connected, but the URI's user (or no user) may not run the check.
    if (err.code === 13 || err.codeName === "Unauthorized") return { kind: "auth", detail };
    return { kind: "server", detail };
  }
  if (
    err instanceof MongoParseError ||
    err instanceof MongoInvalidArgumentError ||
    err instanceof MongoMissingCredentialsError ||
    err instanceof URIError
  ) {
    return { kind: "usage", detail: `${CHECK_ENV.mongoUri} is not usable: ${detail}` };
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && FILE_ERRORS.includes(code)) {
    // A TLS file named by the URI went missing after it was checked: no retry brings it back.
    return {
      kind: "usage",
      detail: `a file that ${CHECK_ENV.mongoUri} names cannot be read (${code})`,
    };
  }
  if (isTimeout(err)) {
    // Answered `hello` but not the command: FerretDB is up, what it waits on is not.
    if (seen.handshakeAnswered) return { kind: "stalled", detail };
    if (seen.tcpAccepted) return { kind: "silent", detail };
    return { kind: phase === "connect" ? "unreachable" : "stalled", detail };
  }
  if (err instanceof MongoServerSelectionError) return { kind: "unreachable", detail };
  if (err instanceof MongoNetworkError) {
    // Once the server has answered, a dropped connection means the server side is unwell.
    return {
      kind: phase === "connect" && !seen.handshakeAnswered ? "unreachable" : "server",
      detail,
    };
  }
  if (err instanceof MongoError) return { kind: "server", detail };
  return { kind: "server", detail };
}
