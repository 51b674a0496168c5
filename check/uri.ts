/**
 * The MongoDB URI the check receives in MONGODB_URI: validated with the driver's own parsers
 * before anything connects, shown only redacted, and pointed at a port-forward when asked.
 *
 * No message built here ever quotes the URI or a part of it: a URI that cannot be parsed
 * cannot be split into "safe to show" and "password" either.
 */
import * as fs from "node:fs";
import { MongoClient } from "mongodb";
import { ConnectionString } from "mongodb-connection-string-url";
import { CHECK_ENV } from "../domain";
import { scrub } from "./redact";

const NAME = CHECK_ENV.mongoUri;
const SCHEMES = ["mongodb://", "mongodb+srv://"] as const;
/** Query options whose values are credentials (the driver's own redaction hides the same). */
const SECRET_OPTION = /password|secret|token|key|authMechanismProperties|proxyUsername/i;

export interface MongoUri {
  /** The connection string the driver gets. Secret. */
  readonly connectionString: string;
  /** `mongodb://***@host:port/db`: never the credentials, never the query string. */
  readonly display: string;
  readonly hosts: readonly string[];
  readonly isSrv: boolean;
  /** Whether the URI names a user; an auth failure without one needs another hint. */
  readonly hasCredentials: boolean;
  /** Every string of the URI that must never be printed, longest first. */
  readonly secrets: readonly string[];
}

const schemeOf = (raw: string): string | undefined => SCHEMES.find((s) => raw.startsWith(s));

const count = (text: string, char: string): number => text.split(char).length - 1;

/** What the connection-string parser's complaint means, in words that quote nothing. */
function explainParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : "";
  const escapeHint = "percent-encode it (e.g. '@' as %40, '/' as %2F, ':' as %3A, '%' as %25)";
  if (err instanceof URIError || /URI malformed/.test(message)) {
    return `${NAME} has a '%' not followed by two hex digits in its user name or password: write a literal '%' as %25`;
  }
  if (/Password contains unescaped characters/.test(message)) {
    return `the password in ${NAME} contains one of : / ? # [ ] @ unescaped: ${escapeHint}`;
  }
  if (/Username contains unescaped characters/.test(message)) {
    return `the user name in ${NAME} contains one of : / ? # [ ] @ unescaped: ${escapeHint}`;
  }
  if (/empty userinfo/.test(message)) {
    return `${NAME} has credentials without a user name before the ':' or '@'`;
  }
  if (/host list are required/.test(message)) return `${NAME} names no host`;
  if (/cannot have port number/.test(message)) {
    return `${NAME} is a mongodb+srv:// URI with a port: DNS SRV records give the port, so drop it (or use mongodb://host:port)`;
  }
  if (/multiple service names/.test(message)) {
    return `${NAME} is a mongodb+srv:// URI with more than one host: name the one SRV record (or use mongodb://)`;
  }
  return `${NAME} is not a valid MongoDB connection string (check its path and options for unescaped characters)`;
}

/** The credentials part as written: between the scheme and the first '@' before the query. */
function writtenUserinfo(raw: string, scheme: string): string | undefined {
  const authority = raw.slice(scheme.length).split("?")[0];
  const at = authority.indexOf("@");
  return at >= 0 ? authority.slice(0, at) : undefined;
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A value as written, percent-decoded and re-encoded: any of them could end up in a message. */
function addForms(into: Set<string>, value: string): void {
  into.add(value);
  into.add(decoded(value));
  into.add(encodeURIComponent(decoded(value)));
}

const longestFirst = (set: Set<string>): string[] =>
  [...set].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);

function secretsOf(raw: string, scheme: string, parsed: ConnectionString): string[] {
  const secrets = new Set<string>();
  const userinfo = writtenUserinfo(raw, scheme);
  if (userinfo !== undefined) {
    secrets.add(raw);
    secrets.add(userinfo);
    const colon = userinfo.indexOf(":");
    if (colon >= 0) addForms(secrets, userinfo.slice(colon + 1));
    if (parsed.password) addForms(secrets, parsed.password);
  }
  const query = raw.includes("?") ? raw.slice(raw.indexOf("?") + 1) : "";
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && SECRET_OPTION.test(pair.slice(0, eq)) && pair.length > eq + 1) {
      secrets.add(raw);
      addForms(secrets, pair.slice(eq + 1));
    }
  }
  for (const [key, value] of parsed.searchParams) {
    if (SECRET_OPTION.test(key) && value) addForms(secrets, value);
  }
  return longestFirst(secrets);
}

/**
 * Without a parse nothing can be told apart: hide the whole URI, and everything up to its
 * last '@' piece by piece, in case a message quotes a fragment of it.
 */
function fallbackSecrets(raw: string): string[] {
  const secrets = new Set<string>([raw]);
  const rest = raw.slice(schemeOf(raw)?.length ?? 0);
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    secrets.add(userinfo);
    const password = userinfo.slice(userinfo.indexOf(":") + 1);
    addForms(secrets, password);
    for (const piece of password.split("@")) addForms(secrets, piece);
  }
  return longestFirst(secrets);
}

/**
 * Parses `raw` the way the driver will, before anything connects: a string is the usage
 * error, naming what is wrong without quoting any part of the URI.
 */
export function parseMongoUri(raw: string): MongoUri | string {
  const scheme = schemeOf(raw);
  if (!scheme) return `${NAME} does not start with mongodb:// or mongodb+srv://`;
  // The parsers split the credentials at the first '@' (ConnectionString) or the last one
  // (URL): a second '@' sends a password fragment to DNS as a host name. Refuse it here.
  if (count(raw.slice(scheme.length).split("?")[0], "@") > 1) {
    return `${NAME} has more than one '@' before the host: percent-encode '@' in the password as %40`;
  }
  let parsed: ConnectionString;
  try {
    parsed = new ConnectionString(raw);
  } catch (err) {
    return explainParseError(err);
  }
  const secrets = secretsOf(raw, scheme, parsed);
  const problem = driverProblem(raw, secrets) ?? tlsFileProblem(parsed);
  if (problem) return problem;
  const hasCredentials = writtenUserinfo(raw, scheme) !== undefined;
  const path = parsed.pathname === "/" ? "" : parsed.pathname;
  return {
    connectionString: raw,
    display: `${scheme}${hasCredentials ? "***@" : ""}${parsed.hosts.join(",")}${path}`,
    hosts: parsed.hosts,
    isSrv: parsed.isSRV,
    hasCredentials,
    secrets,
  };
}

/**
 * What the driver itself refuses (unknown options, bad values, a bad '%' in the database
 * name): constructing a client parses everything and connects nothing.
 */
export function driverProblem(
  connectionString: string,
  secrets: readonly string[],
): string | undefined {
  try {
    new MongoClient(connectionString);
    return undefined;
  } catch (err) {
    if (err instanceof URIError) {
      return `${NAME} has a '%' not followed by two hex digits in its database name: write a literal '%' as %25`;
    }
    const message = err instanceof Error ? err.message : String(err);
    return `${NAME} is not usable: ${scrub(message, secrets)}`;
  }
}

/** The URI options that name a file the driver reads when it connects. */
const TLS_FILE_OPTIONS = ["tlsCAFile", "tlsCertificateKeyFile", "tlsCRLFile"];

/**
 * A TLS file the driver cannot read fails every attempt the same way, so it is a usage error
 * before anything connects, not something to retry until the deadline. Only the option is
 * named: the path is part of the URI.
 */
export function tlsFileProblem(parsed: ConnectionString): string | undefined {
  for (const [key, value] of parsed.searchParams) {
    const option = TLS_FILE_OPTIONS.find((o) => o.toLowerCase() === key.toLowerCase());
    if (!option) continue;
    let why: string | undefined;
    try {
      if (!fs.statSync(value).isFile()) why = "is not a file";
      else fs.accessSync(value, fs.constants.R_OK);
    } catch (err) {
      why = `cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`;
    }
    if (why) {
      return `${NAME} names a ${option} that ${why}: put the file at that path, or correct the path in the URI`;
    }
  }
  return undefined;
}

/** `mongodb://***@host:port/db`, or a placeholder when the URI cannot be parsed. */
export function redactUri(raw: string): string {
  const uri = parseMongoUri(raw);
  return typeof uri === "string" ? "<unparseable MongoDB URI>" : uri.display;
}

/** The strings of `raw` that must never be printed, longest first. */
export function uriSecrets(raw: string | undefined): string[] {
  if (!raw) return [];
  const scheme = schemeOf(raw);
  if (!scheme || count(raw.slice(scheme.length).split("?")[0], "@") > 1) {
    return fallbackSecrets(raw);
  }
  try {
    return secretsOf(raw, scheme, new ConnectionString(raw));
  } catch {
    return fallbackSecrets(raw);
  }
}

/**
 * Points `uri` at `hostPort` (a port-forward's local end). Forces a direct connection:
 * through one forwarded port the driver must not try to discover other members by their
 * in-cluster names.
 */
export function overrideHost(raw: string, hostPort: string): string {
  const parsed = new ConnectionString(raw);
  if (parsed.isSRV) {
    throw new Error(
      `${CHECK_ENV.hostOverride} cannot rewrite a mongodb+srv:// URI (its hosts come from DNS); ` +
        "use a mongodb:// URI or the direct mode",
    );
  }
  parsed.hosts = [hostPort];
  parsed.searchParams.delete("directConnection");
  parsed.searchParams.set("directConnection", "true");
  return parsed.toString();
}
