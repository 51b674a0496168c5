/**
 * One MongoDB attempt through FerretDB, with a fresh client: connect (and authenticate),
 * `ping`, then a marker document written, read back, compared field by field and deleted.
 * Bounded by its budget whatever the server does; every failure leaves as a
 * MongoAttemptError saying in which phase it happened, whether the server had answered the
 * handshake and, after a timeout without one, whether the host accepts TCP at all.
 */
import { randomBytes, randomUUID } from "node:crypto";
import * as net from "node:net";
import { MongoClient } from "mongodb";
import { AttemptTimeout, MongoAttemptError, RoundTripMismatch, isTimeout } from "./classify";
import type { Phase } from "./outcome";

export interface Marker {
  _id: string;
  nonce: string;
  writtenAt: Date;
  source: string;
}

export interface MongoTimings {
  connectMs: number;
  pingMs: number;
  roundTripMs: number;
}

export interface MongoProbeTarget {
  /** Secret. */
  connectionString: string;
  collection: string;
  /** host:port pairs the URI names (none for mongodb+srv://, whose hosts come from DNS). */
  hosts: readonly string[];
}

export interface MongoProbeHooks {
  /**
   * Runs after the marker is inserted and before it is read back. Tests use it to look at
   * the backing PostgreSQL tables, or to tamper with the stored document.
   */
  afterInsert?: (marker: Marker, where: { database: string; collection: string }) => Promise<void>;
}

/**
 * How long closing a client may take before the check moves on without it: a close takes
 * milliseconds when the server answers, and this is all a check may overrun its deadline by.
 */
export const CLOSE_GRACE_MS = 500;
/**
 * The driver's own timeouts end this much (at most) before the attempt's hard stop, so its
 * error (ECONNREFUSED, a DNS failure, ...) is what the operator reads, not a bare timeout.
 * 500 ms is far more than the driver needs to report; 20% keeps short attempts useful.
 */
const DRIVER_MARGIN_MS = 500;
const DRIVER_MARGIN_SHARE = 0.2;
/** MongoDB's port, when a host in the URI names none. */
const DEFAULT_MONGODB_PORT = 27017;
/** The driver rejects non-positive timeouts; 100 ms is below any useful attempt anyway. */
const MIN_DRIVER_TIMEOUT_MS = 100;

export function newMarker(): Marker {
  return {
    _id: `postdeploy-${randomUUID()}`,
    // 16 random bytes: no earlier marker or concurrent check can hold the same nonce.
    nonce: randomBytes(16).toString("hex"),
    // Whole milliseconds: BSON dates hold no more, so the read-back compares exactly.
    writtenAt: new Date(Date.now()),
    source: "nightscout-postdeploy-check",
  };
}

/** Why `actual` is not the marker that was written, or undefined when it is. */
export function markerMismatch(expected: Marker, actual: unknown): string | undefined {
  if (actual === null || actual === undefined) return `marker ${expected._id} was not found`;
  const doc = actual as Partial<Record<keyof Marker, unknown>>;
  for (const field of ["_id", "nonce", "source"] as const) {
    if (doc[field] !== expected[field]) {
      return `field ${field} of marker ${expected._id} reads ${JSON.stringify(doc[field])}, wrote ${JSON.stringify(expected[field])}`;
    }
  }
  const at = doc.writtenAt;
  if (!(at instanceof Date) || at.getTime() !== expected.writtenAt.getTime()) {
    return `field writtenAt of marker ${expected._id} reads ${JSON.stringify(at)}, wrote ${expected.writtenAt.toISOString()}`;
  }
  return undefined;
}

/** Resolves after `ms` without keeping the process alive. */
const graceTimer = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

async function closeQuietly(client: MongoClient): Promise<void> {
  await Promise.race([client.close().catch(() => undefined), graceTimer(CLOSE_GRACE_MS)]);
}

const driverMarginMs = (budgetMs: number): number =>
  Math.min(DRIVER_MARGIN_MS, budgetMs * DRIVER_MARGIN_SHARE);

/** A TCP accept takes one round trip: the driver margin is plenty, and bounds the overshoot. */
const tcpProbeMs = (budgetMs: number): number =>
  Math.max(MIN_DRIVER_TIMEOUT_MS, Math.round(driverMarginMs(budgetMs)));

function clientFor(connectionString: string, budgetMs: number): MongoClient {
  const driverMs = Math.max(MIN_DRIVER_TIMEOUT_MS, Math.round(budgetMs - driverMarginMs(budgetMs)));
  return new MongoClient(connectionString, {
    serverSelectionTimeoutMS: driverMs,
    connectTimeoutMS: driverMs,
    socketTimeoutMS: driverMs,
    // One connection is all a check uses; more would only hide a pool problem behind retries.
    maxPoolSize: 1,
    // Retries are the retry policy's job; a driver retry would blur the count and timings.
    retryReads: false,
    retryWrites: false,
    appName: "nightscout-postdeploy-check",
  });
}

/** Writes, reads back, compares and deletes one marker; returns the time it took. */
async function roundTrip(
  client: MongoClient,
  target: MongoProbeTarget,
  hooks: MongoProbeHooks,
  now: () => number,
): Promise<number> {
  const db = client.db();
  const collection = db.collection<Marker>(target.collection);
  const marker = newMarker();
  let deleted = false;
  try {
    let t = now();
    await collection.insertOne(marker);
    let roundTripMs = now() - t;
    await hooks.afterInsert?.(marker, { database: db.databaseName, collection: target.collection });
    t = now();
    // Reads the marker back and removes it in one round trip (findAndModify): what it returns
    // is what was stored, and nothing is left behind whether it matches or not.
    const back = await collection.findOneAndDelete({ _id: marker._id });
    roundTripMs += now() - t;
    deleted = back !== null;
    const problem = markerMismatch(marker, back);
    if (problem) {
      throw new RoundTripMismatch(`${problem} (in ${db.databaseName}.${target.collection})`);
    }
    return roundTripMs;
  } finally {
    if (!deleted) {
      // Best effort: a failed round trip should not leave markers piling up.
      await collection.deleteOne({ _id: marker._id }).catch(() => undefined);
    }
  }
}

/** "host:port", "[v6]:port" or "host" as the URI writes it. */
function splitHostPort(hostPort: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (v6) return { host: v6[1], port: Number(v6[2] ?? DEFAULT_MONGODB_PORT) };
  const colon = hostPort.lastIndexOf(":");
  if (colon < 0) return { host: hostPort, port: DEFAULT_MONGODB_PORT };
  return { host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) };
}

/** Whether `hostPort` accepts a TCP connection within `ms`; nothing is sent on it. */
export function acceptsTcp(hostPort: string, ms: number): Promise<boolean> {
  const { host, port } = splitHostPort(hostPort);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * One attempt, over within `budgetMs`, plus at most the driver margin to ask whether the
 * host accepts TCP (after a timeout without a handshake) and CLOSE_GRACE_MS to close.
 */
export async function probeMongo(
  target: MongoProbeTarget,
  budgetMs: number,
  hooks: MongoProbeHooks,
  now: () => number,
): Promise<MongoTimings> {
  const client = clientFor(target.connectionString, budgetMs);
  let handshakeAnswered = false;
  client.on("serverHeartbeatSucceeded", () => (handshakeAnswered = true));
  let phase: Phase = "connect";
  let timer: NodeJS.Timeout | undefined;

  const steps = async (): Promise<MongoTimings> => {
    let t = now();
    await client.connect();
    const connectMs = now() - t;
    phase = "ping";
    t = now();
    await client.db("admin").command({ ping: 1 });
    const pingMs = now() - t;
    phase = "roundTrip";
    return { connectMs, pingMs, roundTripMs: await roundTrip(client, target, hooks, now) };
  };

  const hardStop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeout(budgetMs)), budgetMs);
  });
  try {
    return await Promise.race([steps(), hardStop]);
  } catch (err) {
    let tcpAccepted: boolean | undefined;
    if (phase === "connect" && !handshakeAnswered && isTimeout(err) && target.hosts.length > 0) {
      // A silent server and an unreachable one both time out; only the first accepts TCP.
      tcpAccepted = await acceptsTcp(target.hosts[0], tcpProbeMs(budgetMs));
    }
    throw new MongoAttemptError(phase, err, { handshakeAnswered, tcpAccepted });
  } finally {
    clearTimeout(timer);
    await closeQuietly(client);
  }
}
