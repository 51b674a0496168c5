/**
 * The check's configuration, read from the environment (CHECK_ENV) into a typed config. A
 * string instead is a usage error (exit 64), already free of secrets.
 */
import { CHECK_ENV, DEFAULT_CHECK_DEADLINE_SECONDS } from "../domain";
import { normalizeUnits, type NightscoutUnits } from "./nightscout-probe";
import { scrub } from "./redact";
import { driverProblem, overrideHost, parseMongoUri } from "./uri";

export type Env = Readonly<Record<string, string | undefined>>;

export interface CheckConfig {
  /** The connection string the driver uses (after any host override). Secret. */
  uri: string;
  /** What messages may show of the URI: no credentials, no query string. */
  displayUri: string;
  /** Strings that must never appear in anything the check prints. */
  secrets: readonly string[];
  /** Whether the URI names a user; an auth failure without one needs another hint. */
  hasCredentials: boolean;
  /** host:port pairs the driver connects to; none for mongodb+srv:// (DNS gives them). */
  hosts: readonly string[];
  deadlineMs: number;
  attemptTimeoutMs: number;
  collection: string;
  nightscoutUrl?: string;
  expectedUnits?: NightscoutUnits;
}

export const DEFAULT_DEADLINE_MS = DEFAULT_CHECK_DEADLINE_SECONDS * 1000;
export const DEFAULT_COLLECTION = "_postdeploy_check";
/**
 * The default attempt timeout is a quarter of the deadline, so at least four attempts fit,
 * within these bounds: 1 s covers a TCP and SCRAM handshake through a port-forward to a busy
 * cluster; past 20 s a healthy FerretDB has long answered (it takes milliseconds), and a hung
 * attempt must not eat most of a minutes-long deadline.
 */
const ATTEMPTS_PER_DEADLINE = 4;
const MIN_DEFAULT_ATTEMPT_MS = 1_000;
const MAX_DEFAULT_ATTEMPT_MS = 20_000;
const HOST_PORT = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;

function positiveInt(env: Env, name: string): number | string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    return `${name} is not a positive integer number of milliseconds`;
  }
  return value;
}

type MongoSettings = Pick<
  CheckConfig,
  "uri" | "displayUri" | "secrets" | "hasCredentials" | "hosts"
>;

function readMongoSettings(env: Env): MongoSettings | string {
  const raw = env[CHECK_ENV.mongoUri];
  if (!raw) {
    return (
      `${CHECK_ENV.mongoUri} is not set: put the FerretDB URI (mongodb://user:password@host:port/db) ` +
      "in the environment; the check never takes it as an argument"
    );
  }
  const parsed = parseMongoUri(raw);
  if (typeof parsed === "string") return parsed;
  const override = env[CHECK_ENV.hostOverride];
  if (!override) {
    return {
      uri: parsed.connectionString,
      displayUri: parsed.display,
      secrets: parsed.secrets,
      hasCredentials: parsed.hasCredentials,
      hosts: parsed.isSrv ? [] : parsed.hosts,
    };
  }
  if (!HOST_PORT.test(override)) {
    // Not shown: the variable may hold a pasted URI with its own password.
    return `${CHECK_ENV.hostOverride} is not host:port`;
  }
  if (parsed.isSrv) {
    return (
      `${CHECK_ENV.hostOverride} cannot rewrite a mongodb+srv:// URI (its hosts come from DNS); ` +
      "use a mongodb:// URI or the direct mode"
    );
  }
  const uri = overrideHost(parsed.connectionString, override);
  const secrets = [...new Set([...parsed.secrets, uri])].sort((a, b) => b.length - a.length);
  const problem = driverProblem(uri, secrets);
  if (problem) return problem;
  return {
    uri,
    displayUri: `${parsed.display} via ${override}`,
    secrets,
    hasCredentials: parsed.hasCredentials,
    hosts: [override],
  };
}

interface NightscoutSettings {
  nightscoutUrl?: string;
  expectedUnits?: NightscoutUnits;
}

function readNightscoutSettings(env: Env): NightscoutSettings | string {
  const url = env[CHECK_ENV.nightscoutUrl];
  const units = env[CHECK_ENV.expectedUnits];
  let nightscoutUrl: string | undefined;
  if (url) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol)) {
      return `${CHECK_ENV.nightscoutUrl} is not an http(s) URL`;
    }
    nightscoutUrl = url.replace(/\/+$/, "");
  }
  if (!units) return { nightscoutUrl };
  if (!/^(mmol(\/l)?|mg\/dl)$/i.test(units)) {
    return `${CHECK_ENV.expectedUnits} must be "mmol/L" or "mg/dL"`;
  }
  if (!nightscoutUrl) {
    return `${CHECK_ENV.expectedUnits} is set but ${CHECK_ENV.nightscoutUrl} is not: the units are read from Nightscout`;
  }
  return { nightscoutUrl, expectedUnits: normalizeUnits(units) };
}

type Limits = Pick<CheckConfig, "deadlineMs" | "attemptTimeoutMs" | "collection">;

function readLimits(env: Env): Limits | string {
  const deadlineMs = positiveInt(env, CHECK_ENV.deadlineMs) ?? DEFAULT_DEADLINE_MS;
  if (typeof deadlineMs === "string") return deadlineMs;
  const attemptTimeout = positiveInt(env, CHECK_ENV.attemptTimeoutMs);
  if (typeof attemptTimeout === "string") return attemptTimeout;
  const defaultAttemptMs = Math.min(
    MAX_DEFAULT_ATTEMPT_MS,
    Math.max(MIN_DEFAULT_ATTEMPT_MS, Math.round(deadlineMs / ATTEMPTS_PER_DEADLINE)),
  );
  const attemptTimeoutMs = Math.min(deadlineMs, attemptTimeout ?? defaultAttemptMs);
  const collection = env[CHECK_ENV.collection] || DEFAULT_COLLECTION;
  if (collection.includes("$") || collection.startsWith("system.")) {
    return `${CHECK_ENV.collection} is not a usable collection name (no '$', no system.*)`;
  }
  return { deadlineMs, attemptTimeoutMs, collection };
}

/**
 * Reads and validates the environment; a string is a usage error message, free of secrets:
 * a URI problem quotes nothing of the URI, and other values are quoted only once the URI is
 * parsed, scrubbed of its exact secrets.
 */
export function readCheckConfig(env: Env): CheckConfig | string {
  const mongo = readMongoSettings(env);
  if (typeof mongo === "string") return mongo;
  const limits = readLimits(env);
  if (typeof limits === "string") return scrub(limits, mongo.secrets);
  const nightscout = readNightscoutSettings(env);
  if (typeof nightscout === "string") return scrub(nightscout, mongo.secrets);
  return { ...mongo, ...limits, ...nightscout };
}
