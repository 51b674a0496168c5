/**
 * Opening the source and the target: one attempt each, bounded, before anything is read or
 * written. An unreachable server or refused credentials end the run at once with the
 * post-deploy check's exit codes (check/classify.ts sorts the driver's errors), naming which
 * side failed and never quoting its URI.
 */
import { MongoClient, type Db } from "mongodb";
import { classifyError } from "../check/classify";
import { scrub } from "../check/redact";
import { MIGRATE_EXIT_CODES, MigrateError } from "./exit-codes";

export interface Endpoint {
  /** "source" or "target": how messages name it. */
  role: "source" | "target";
  /** Secret. */
  uri: string;
  /** host:port/db, without credentials. */
  display: string;
  /** Everything that must never be printed. */
  secrets: readonly string[];
}

export interface Connected {
  client: MongoClient;
  db: Db;
}

/** Ten seconds: a healthy server answers in milliseconds, even through a port-forward. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export async function connect(endpoint: Endpoint, timeoutMs: number): Promise<Connected> {
  const client = new MongoClient(endpoint.uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    // Nightscout writes; the migration reads what is there and writes acknowledged batches.
    retryWrites: false,
    appName: "nightscout-migrate",
  });
  try {
    await client.connect();
    const db = client.db();
    // listCollections needs an authenticated, authorized user: a wrong password or a user
    // without rights on the database fails here, not in the middle of the copy.
    await db.listCollections({}, { nameOnly: true }).toArray();
    return { client, db };
  } catch (err) {
    await client.close().catch(() => undefined);
    throw connectionError(endpoint, err, "connect");
  }
}

/** A MigrateError for a driver error on `endpoint`, with the check's exit code. */
export function connectionError(
  endpoint: Endpoint,
  err: unknown,
  phase: "connect" | "command",
): MigrateError {
  // The check's phases: "connect" before the server answered, "roundTrip" after.
  const { kind, detail } = classifyError(err, phase === "connect" ? "connect" : "roundTrip");
  const where = `${endpoint.role} ${endpoint.display}`;
  const text = (message: string): string => scrub(message, endpoint.secrets);
  switch (kind) {
    case "auth":
      return new MigrateError(
        MIGRATE_EXIT_CODES.auth,
        text(`${where} refused the credentials: ${detail}`),
      );
    case "usage":
      return new MigrateError(MIGRATE_EXIT_CODES.usage, text(`${where}: ${detail}`));
    case "unreachable":
    case "silent":
    case "stalled":
      return new MigrateError(
        MIGRATE_EXIT_CODES.unreachable,
        text(`${where} is unreachable: ${detail}`),
      );
    default:
      return new MigrateError(
        phase === "connect" ? MIGRATE_EXIT_CODES.unreachable : MIGRATE_EXIT_CODES.internal,
        text(`${where} failed: ${detail}`),
      );
  }
}
