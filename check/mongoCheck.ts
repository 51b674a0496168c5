/**
 * Post-deploy check: proves that the MongoDB path through FerretDB works end to end (ping,
 * then a marker document written, read back and deleted), and optionally that the public
 * Nightscout answers with the configured units.
 *
 * Everything here takes the environment as a plain object and returns a result, so tests
 * call it in-process; `cli.ts` only maps the result to output and an exit code.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  MongoClient,
  MongoError,
  MongoInvalidArgumentError,
  MongoMissingCredentialsError,
  MongoNetworkError,
  MongoParseError,
  MongoServerError,
  MongoServerSelectionError,
} from "mongodb";

/** Exit codes of the CLI, one per way the check can fail. */
export const EXIT_CODES = {
  ok: 0,
  internal: 1,
  unreachable: 2,
  auth: 3,
  deadline: 4,
  mismatch: 5,
  nightscout: 6,
  usage: 64,
} as const;

export type FailureKind = Exclude<keyof typeof EXIT_CODES, "ok">;

const FAILURE_LABELS: Record<FailureKind, string> = {
  internal: "internal error",
  unreachable: "unreachable",
  auth: "authentication failed",
  deadline: "deadline exceeded",
  mismatch: "round trip mismatch",
  nightscout: "nightscout check failed",
  usage: "usage",
};

export const DEFAULT_DEADLINE_MS = 120_000;
export const DEFAULT_COLLECTION = "_postdeploy_check";
/** Prefix of every line the check prints, so it stands out in `pulumi up` output. */
export const LOG_PREFIX = "post-deploy-check:";

/** Below this, an attempt cannot even finish a TCP and SCRAM handshake: stop instead. */
const MIN_ATTEMPT_MS = 250;
/** How long closing a client may take before the check moves on without it. */
const CLOSE_GRACE_MS = 500;
const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 5_000;
/**
 * Auth failures are final, but one retry absorbs the window right after a deploy in which
 * the password Secret and the server's user are briefly out of step.
 */
const AUTH_RETRIES = 1;
const MAX_MESSAGE_CHARS = 600;

export type Units = "mmol" | "mg/dl";

export interface CheckConfig {
  /** The URI the driver connects to (after any host override). Secret. */
  uri: string;
  /** What messages may show of the URI: no credentials, no query string. */
  displayUri: string;
  /** Strings that must never appear in anything the check prints. */
  secrets: string[];
  /** Whether the URI names a user; an auth failure without one needs another hint. */
  hasCredentials: boolean;
  deadlineMs: number;
  attemptTimeoutMs: number;
  collection: string;
  nightscoutUrl?: string;
  expectedUnits?: Units;
}

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

export interface Marker {
  _id: string;
  nonce: string;
  writtenAt: Date;
  source: string;
}

export type Phase = "connect" | "ping" | "roundTrip";

export interface AttemptFailure {
  attempt: number;
  kind: "unreachable" | "auth" | "server";
  phase: Phase;
  message: string;
  /** Undefined when no further attempt follows. */
  retryInMs?: number;
}

export interface CheckHooks {
  /**
   * Runs after the marker is inserted and before it is read back. Tests use it to look at
   * the backing PostgreSQL tables, or to tamper with the stored document.
   */
  afterInsert?: (marker: Marker, where: { database: string; collection: string }) => Promise<void>;
  /** Called for every failed attempt, e.g. to print progress on stderr. */
  onAttemptFailed?: (failure: AttemptFailure) => void;
  /** Monotonic clock in ms; tests may replace it. */
  now?: () => number;
  /**
   * When the deadline started, on the `now` clock (default: when runCheck is called). The CLI
   * passes 0, i.e. process start on `performance.now()`, so module loading counts too.
   */
  startedAt?: number;
  /** Backoff jitter source in [0, 1). */
  random?: () => number;
}

export type Env = Readonly<Record<string, string | undefined>>;

// ---------------------------------------------------------------------------------------
// URI handling

interface MongoUriParts {
  scheme: string;
  /** Everything before the last "@", still percent-encoded, or undefined without one. */
  userinfo?: string;
  hosts: string;
  /** "/db" or "" (the query string is kept apart because it may carry secrets). */
  path: string;
  query: string;
}

const SCHEME_RE = /^(mongodb(?:\+srv)?):\/\//i;

/**
 * Splits a MongoDB URI without validating it. The userinfo ends at the LAST "@", so a
 * password with an unencoded "@" (invalid, but seen) is hidden whole rather than in part.
 */
export function splitMongoUri(uri: string): MongoUriParts | undefined {
  const scheme = SCHEME_RE.exec(uri);
  if (!scheme) return undefined;
  const rest = uri.slice(scheme[0].length);
  const at = rest.lastIndexOf("@");
  const userinfo = at >= 0 ? rest.slice(0, at) : undefined;
  const afterUser = at >= 0 ? rest.slice(at + 1) : rest;
  const hostsEnd = afterUser.search(/[/?]/);
  const hosts = hostsEnd >= 0 ? afterUser.slice(0, hostsEnd) : afterUser;
  const tail = hostsEnd >= 0 ? afterUser.slice(hostsEnd) : "";
  const q = tail.indexOf("?");
  const path = q >= 0 ? tail.slice(0, q) : tail;
  const query = q >= 0 ? tail.slice(q + 1) : "";
  return {
    scheme: scheme[1].toLowerCase(),
    userinfo,
    hosts,
    path: path === "/" ? "" : path,
    query,
  };
}

/** `mongodb://***@host:port/db`: never the credentials, never the query string. */
export function redactUri(uri: string): string {
  const parts = splitMongoUri(uri);
  if (!parts) return "<unparseable MongoDB URI>";
  const user = parts.userinfo !== undefined ? "***@" : "";
  return `${parts.scheme}://${user}${parts.hosts}${parts.path}`;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The strings of `uri` that must never be printed, longest first. */
export function uriSecrets(uri: string | undefined): string[] {
  if (!uri) return [];
  const parts = splitMongoUri(uri);
  // Unparseable: hide it whole. Without credentials: nothing in it is secret.
  if (!parts) return [uri];
  const secrets = new Set<string>();
  if (parts.userinfo) {
    secrets.add(uri);
    secrets.add(parts.userinfo);
    const colon = parts.userinfo.indexOf(":");
    if (colon >= 0) {
      const password = parts.userinfo.slice(colon + 1);
      secrets.add(password);
      secrets.add(safeDecode(password));
      secrets.add(encodeURIComponent(safeDecode(password)));
    }
  }
  // Query options such as tlsCertificateKeyFilePassword may be secret too.
  for (const pair of parts.query.split("&")) {
    const [key, value] = pair.split("=");
    if (value && /password|secret|token|key/i.test(key)) {
      secrets.add(uri);
      secrets.add(value);
      secrets.add(safeDecode(value));
    }
  }
  return [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** One line, at most MAX_MESSAGE_CHARS, with every secret replaced by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("***");
  out = out.replace(/\s*[\r\n]+\s*/g, " ").trim();
  return out.length > MAX_MESSAGE_CHARS ? `${out.slice(0, MAX_MESSAGE_CHARS - 1)}…` : out;
}

/**
 * Points `uri` at `hostPort` (a port-forward's local end). Forces a direct connection:
 * through one forwarded port the driver must not try to discover other members by their
 * in-cluster names.
 */
export function overrideHost(uri: string, hostPort: string): string {
  const parts = splitMongoUri(uri);
  if (!parts) throw new Error("MONGODB_URI is not a mongodb:// URI");
  if (parts.scheme !== "mongodb") {
    throw new Error(
      "CHECK_HOST_OVERRIDE cannot rewrite a mongodb+srv:// URI (its hosts come from DNS); " +
        "use a mongodb:// URI or the direct mode",
    );
  }
  const user = parts.userinfo !== undefined ? `${parts.userinfo}@` : "";
  const options = parts.query.split("&").filter((p) => p && !/^directConnection=/i.test(p));
  options.push("directConnection=true");
  return `mongodb://${user}${hostPort}${parts.path || "/"}?${options.join("&")}`;
}

// ---------------------------------------------------------------------------------------
// Configuration

export function normalizeUnits(value: string): Units {
  // Fact 21: Nightscout treats any value containing "mmol" as mmol/L, everything else mg/dl.
  return /mmol/i.test(value) ? "mmol" : "mg/dl";
}

function positiveInt(env: Env, name: string): number | string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    return `${name}=${JSON.stringify(raw)} is not a positive integer number of milliseconds`;
  }
  return value;
}

function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "***";
      u.password = "";
    }
    u.search = "";
    u.hash = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "<unparseable URL>";
  }
}

/** Reads and validates the environment; a string is a usage error message. */
export function parseConfig(env: Env): CheckConfig | string {
  const original = env.MONGODB_URI;
  if (!original) {
    return (
      "MONGODB_URI is not set: put the FerretDB URI (mongodb://user:password@host:port/db) " +
      "in the environment; the check never takes it as an argument"
    );
  }
  if (!SCHEME_RE.test(original)) {
    return "MONGODB_URI does not start with mongodb:// or mongodb+srv://";
  }
  const deadlineMs = positiveInt(env, "CHECK_DEADLINE_MS") ?? DEFAULT_DEADLINE_MS;
  if (typeof deadlineMs === "string") return deadlineMs;
  const attemptTimeout = positiveInt(env, "CHECK_ATTEMPT_TIMEOUT_MS");
  if (typeof attemptTimeout === "string") return attemptTimeout;
  // A quarter of the deadline leaves room for several attempts when the server is slow.
  const attemptTimeoutMs = Math.min(
    deadlineMs,
    attemptTimeout ?? Math.min(20_000, Math.max(1_000, Math.round(deadlineMs / 4))),
  );

  const collection = env.CHECK_COLLECTION || DEFAULT_COLLECTION;
  if (collection.includes("$") || collection.startsWith("system.")) {
    return `CHECK_COLLECTION=${JSON.stringify(collection)} is not a usable collection name`;
  }

  let uri = original;
  let displayUri = redactUri(original);
  const override = env.CHECK_HOST_OVERRIDE;
  if (override) {
    if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(override)) {
      return `CHECK_HOST_OVERRIDE=${JSON.stringify(override)} is not host:port`;
    }
    try {
      uri = overrideHost(original, override);
    } catch (err) {
      return (err as Error).message;
    }
    displayUri = `${displayUri} via ${override}`;
  }

  let nightscoutUrl: string | undefined;
  if (env.NIGHTSCOUT_URL) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(env.NIGHTSCOUT_URL);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) {
      return `NIGHTSCOUT_URL=${JSON.stringify(displayUrl(env.NIGHTSCOUT_URL))} is not an http(s) URL`;
    }
    nightscoutUrl = env.NIGHTSCOUT_URL.replace(/\/+$/, "");
  }
  let expectedUnits: Units | undefined;
  if (env.EXPECTED_UNITS) {
    if (!/^(mmol(\/l)?|mg\/dl)$/i.test(env.EXPECTED_UNITS)) {
      return `EXPECTED_UNITS=${JSON.stringify(env.EXPECTED_UNITS)} must be "mmol/L" or "mg/dL"`;
    }
    if (!nightscoutUrl) {
      return "EXPECTED_UNITS is set but NIGHTSCOUT_URL is not: the units are read from Nightscout";
    }
    expectedUnits = normalizeUnits(env.EXPECTED_UNITS);
  }

  return {
    uri,
    displayUri,
    hasCredentials: splitMongoUri(original)?.userinfo !== undefined,
    secrets: [...new Set([...uriSecrets(original), ...uriSecrets(uri)])].sort(
      (a, b) => b.length - a.length,
    ),
    deadlineMs,
    attemptTimeoutMs,
    collection,
    nightscoutUrl,
    expectedUnits,
  };
}

// ---------------------------------------------------------------------------------------
// Errors

class AttemptTimeout extends Error {
  constructor(readonly budgetMs: number) {
    super(`no answer within the attempt's ${budgetMs} ms`);
  }
}

class RoundTripMismatch extends Error {}

class AttemptError extends Error {
  constructor(
    readonly phase: Phase,
    readonly inner: unknown,
  ) {
    super(inner instanceof Error ? inner.message : String(inner));
  }
}

interface Classified {
  kind: "unreachable" | "auth" | "server" | "usage" | "mismatch";
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

/** Decides what a failed attempt means: retry, or stop with a specific exit code. */
export function classifyError(err: unknown, phase: Phase): Classified {
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
    err instanceof MongoMissingCredentialsError
  ) {
    return { kind: "usage", detail: `MONGODB_URI is not usable: ${detail}` };
  }
  if (err instanceof MongoServerSelectionError) return { kind: "unreachable", detail };
  if (err instanceof MongoNetworkError || err instanceof AttemptTimeout) {
    // Once connected, a dropped or silent connection means the server side is unwell.
    return { kind: phase === "connect" ? "unreachable" : "server", detail };
  }
  if (err instanceof MongoError) return { kind: "server", detail };
  return { kind: "server", detail };
}

// ---------------------------------------------------------------------------------------
// The check

const round1 = (ms: number): number => Math.round(ms * 10) / 10;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Resolves after `ms` without keeping the process alive. */
const graceTimer = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  // Half fixed, half jitter: several checks started together do not retry in lockstep.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function newMarker(): Marker {
  return {
    _id: `postdeploy-${randomUUID()}`,
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

interface AttemptTimings {
  connectMs: number;
  pingMs: number;
  roundTripMs: number;
}

async function closeQuietly(client: MongoClient): Promise<void> {
  await Promise.race([client.close().catch(() => undefined), graceTimer(CLOSE_GRACE_MS)]);
}

async function attemptOnce(
  cfg: CheckConfig,
  budgetMs: number,
  hooks: CheckHooks,
  now: () => number,
): Promise<AttemptTimings> {
  // The driver's own timeouts end a little before the attempt's hard stop, so its error
  // (ECONNREFUSED, a DNS failure, ...) is what the operator reads, not a bare timeout.
  const driverTimeoutMs = Math.max(100, Math.round(budgetMs - Math.min(500, budgetMs * 0.2)));
  const client = new MongoClient(cfg.uri, {
    serverSelectionTimeoutMS: driverTimeoutMs,
    connectTimeoutMS: driverTimeoutMs,
    socketTimeoutMS: driverTimeoutMs,
    maxPoolSize: 1,
    // Retries are this loop's job; a driver retry would blur the attempt count and timings.
    retryReads: false,
    retryWrites: false,
    appName: "nightscout-postdeploy-check",
  });
  let phase: Phase = "connect";
  let timer: NodeJS.Timeout | undefined;

  const steps = async (): Promise<AttemptTimings> => {
    let t = now();
    await client.connect();
    const connectMs = now() - t;

    phase = "ping";
    t = now();
    await client.db("admin").command({ ping: 1 });
    const pingMs = now() - t;

    phase = "roundTrip";
    const db = client.db();
    const collection = db.collection<Marker>(cfg.collection);
    const marker = newMarker();
    let deleted = false;
    try {
      t = now();
      await collection.insertOne(marker);
      let roundTripMs = now() - t;
      await hooks.afterInsert?.(marker, { database: db.databaseName, collection: cfg.collection });
      t = now();
      const back = await collection.findOne({ _id: marker._id });
      const result = await collection.deleteOne({ _id: marker._id });
      roundTripMs += now() - t;
      deleted = true;
      const problem =
        markerMismatch(marker, back) ??
        (result.deletedCount === 1
          ? undefined
          : `deleting marker ${marker._id} removed ${result.deletedCount} documents, expected 1`);
      if (problem) {
        throw new RoundTripMismatch(`${problem} (in ${db.databaseName}.${cfg.collection})`);
      }
      return { connectMs, pingMs, roundTripMs };
    } finally {
      if (!deleted) {
        // Best effort: a failed round trip should not leave markers piling up.
        await collection.deleteOne({ _id: marker._id }).catch(() => undefined);
      }
    }
  };

  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimeout(budgetMs)), budgetMs);
  });
  try {
    return await Promise.race([steps(), deadline]);
  } catch (err) {
    throw new AttemptError(phase, err);
  } finally {
    clearTimeout(timer);
    await closeQuietly(client);
  }
}

interface NightscoutOk {
  units: string;
  statusMs: number;
}

async function checkNightscout(
  cfg: CheckConfig & { nightscoutUrl: string },
  deadlineAt: number,
  now: () => number,
  random: () => number,
): Promise<NightscoutOk | string> {
  const url = `${cfg.nightscoutUrl}/api/v1/status.json`;
  const shown = `${displayUrl(cfg.nightscoutUrl)}/api/v1/status.json`;
  let lastProblem = "no attempt fitted in the deadline";
  for (let attempt = 1; ; attempt++) {
    const remaining = deadlineAt - now();
    if (remaining < MIN_ATTEMPT_MS) break;
    const t = now();
    try {
      const response = await fetch(url, {
        headers: { accept: "application/json" },
        redirect: "follow",
        // AbortSignal.timeout throws on a fractional delay.
        signal: AbortSignal.timeout(
          Math.max(1, Math.floor(Math.min(cfg.attemptTimeoutMs, remaining))),
        ),
      });
      const statusMs = now() - t;
      const body = await response.text();
      if (response.status >= 500) {
        lastProblem = `${shown} answered HTTP ${response.status}`;
      } else if (response.status === 401 || response.status === 403) {
        // Fact 26: AUTH_DEFAULT_ROLES=denied hides status.json; status-only keeps it readable.
        return `${shown} answered HTTP ${response.status}: set AUTH_DEFAULT_ROLES to status-only (or readable) so the status stays public`;
      } else if (response.status !== 200) {
        return `${shown} answered HTTP ${response.status}`;
      } else {
        let status: { status?: unknown; settings?: { units?: unknown } };
        try {
          status = JSON.parse(body) as typeof status;
        } catch {
          return `${shown} did not answer JSON (is NIGHTSCOUT_URL the Nightscout site?)`;
        }
        const units = status.settings?.units;
        if (typeof units !== "string") {
          return `${shown} has no settings.units`;
        }
        if (cfg.expectedUnits && normalizeUnits(units) !== cfg.expectedUnits) {
          return `Nightscout shows units ${JSON.stringify(units)}, expected ${cfg.expectedUnits}: check DISPLAY_UNITS`;
        }
        return { units, statusMs: round1(statusMs) };
      }
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      lastProblem = `${shown} did not answer: ${e.cause?.code ?? e.cause?.message ?? e.message}`;
    }
    const delay = backoffMs(attempt, random);
    if (deadlineAt - now() < delay + MIN_ATTEMPT_MS) break;
    await sleep(delay);
  }
  return `${lastProblem} (gave up at the deadline)`;
}

/**
 * Runs the whole check within `CHECK_DEADLINE_MS`: attempts (connect, ping, round trip)
 * with backoff between them, then the optional Nightscout status check.
 */
export async function runCheck(env: Env, hooks: CheckHooks = {}): Promise<CheckResult> {
  const now = hooks.now ?? (() => performance.now());
  const random = hooks.random ?? Math.random;
  const started = hooks.startedAt ?? now();
  const elapsed = (): number => round1(now() - started);
  const parsed = parseConfig(env);
  if (typeof parsed === "string") {
    return {
      ok: false,
      kind: "usage",
      message: scrub(parsed, uriSecrets(env.MONGODB_URI)),
      attempts: 0,
      totalMs: elapsed(),
    };
  }
  const cfg = parsed;
  const deadlineAt = started + cfg.deadlineMs;
  const fail = (kind: FailureKind, message: string, attempts: number): CheckFailure => ({
    ok: false,
    kind,
    message: scrub(message, cfg.secrets),
    attempts,
    totalMs: elapsed(),
  });

  const authMessage = (detail: string): string =>
    cfg.hasCredentials
      ? `${cfg.displayUri} rejected the credentials in MONGODB_URI (${detail})`
      : `${cfg.displayUri} requires credentials, and MONGODB_URI has no user:password (${detail})`;

  let attempts = 0;
  let authFailures = 0;
  let last: (Classified & { phase: Phase }) | undefined;
  let timings: AttemptTimings | undefined;

  while (!timings) {
    const remaining = deadlineAt - now();
    if (remaining < MIN_ATTEMPT_MS) break;
    attempts++;
    try {
      timings = await attemptOnce(cfg, Math.min(cfg.attemptTimeoutMs, remaining), hooks, now);
      break;
    } catch (err) {
      const phase = err instanceof AttemptError ? err.phase : "connect";
      const c = classifyError(err instanceof AttemptError ? err.inner : err, phase);
      last = { ...c, phase };
      if (c.kind === "usage") return fail("usage", c.detail, attempts);
      if (c.kind === "mismatch") return fail("mismatch", c.detail, attempts);
      if (c.kind === "auth") authFailures++;
      const delay = backoffMs(attempts, random);
      const final =
        (c.kind === "auth" && authFailures > AUTH_RETRIES) ||
        deadlineAt - now() < delay + MIN_ATTEMPT_MS;
      hooks.onAttemptFailed?.({
        attempt: attempts,
        kind: c.kind,
        phase,
        message: scrub(c.detail, cfg.secrets),
        retryInMs: final ? undefined : delay,
      });
      if (c.kind === "auth" && authFailures > AUTH_RETRIES) {
        return fail("auth", authMessage(c.detail), attempts);
      }
      if (final) break;
      await sleep(delay);
    }
  }

  if (!timings) {
    const seconds = (cfg.deadlineMs / 1000).toFixed(1);
    if (!last) {
      return fail("deadline", `CHECK_DEADLINE_MS=${cfg.deadlineMs} left no time for an attempt`, 0);
    }
    const tried = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
    if (last.kind === "unreachable") {
      return fail(
        "unreachable",
        `could not reach ${cfg.displayUri} within ${seconds} s (${tried}): ${last.detail}`,
        attempts,
      );
    }
    if (last.kind === "auth") {
      return fail("auth", authMessage(last.detail), attempts);
    }
    return fail(
      "deadline",
      `no successful check of ${cfg.displayUri} within ${seconds} s (${tried}); last error during ${last.phase}: ${last.detail}`,
      attempts,
    );
  }

  const success: CheckSuccess = {
    ok: true,
    connectMs: round1(timings.connectMs),
    pingMs: round1(timings.pingMs),
    roundTripMs: round1(timings.roundTripMs),
    attempts,
    totalMs: 0,
  };
  if (cfg.nightscoutUrl) {
    const ns = await checkNightscout(
      { ...cfg, nightscoutUrl: cfg.nightscoutUrl },
      deadlineAt,
      now,
      random,
    );
    if (typeof ns === "string") return fail("nightscout", ns, attempts);
    success.nightscout = ns;
  }
  success.totalMs = elapsed();
  return success;
}

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
    return { exitCode: EXIT_CODES.ok, stdout: JSON.stringify(line) };
  }
  return {
    exitCode: EXIT_CODES[result.kind],
    stderr: `${LOG_PREFIX} ${FAILURE_LABELS[result.kind]}: ${result.message}`,
  };
}

/** One progress line for a failed attempt. */
export function formatAttemptFailure(f: AttemptFailure): string {
  const next = f.retryInMs === undefined ? "giving up" : `retrying in ${f.retryInMs} ms`;
  return `${LOG_PREFIX} attempt ${f.attempt} failed (${f.kind} during ${f.phase}): ${f.message}; ${next}`;
}
