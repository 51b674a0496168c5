/**
 * Domain knowledge shared by the program, the policy pack and the tests. Each constant
 * names the domain fact (../shared/docs/domain-facts.md) it encodes.
 */

/** Fact 1: FerretDB releases and the DocumentDB extension release each one "works best with". */
export const FERRETDB_DOCUMENTDB_PAIRS: Readonly<Record<string, string>> = {
  "2.0.0": "0.102.0",
  "2.1.0": "0.102.0",
  "2.2.0": "0.103.0",
  "2.3.0": "0.104.0",
  "2.3.1": "0.104.0",
  "2.4.0": "0.105.0",
  "2.5.0": "0.106.0",
  "2.7.0": "0.107.0",
};

/** The DocumentDB extension version FerretDB `ferretdbVersion` expects, if known. */
export function documentDbFor(ferretdbVersion: string): string | undefined {
  const exact = FERRETDB_DOCUMENTDB_PAIRS[ferretdbVersion];
  if (exact) return exact;
  // 2.3.x patch releases all pair with 0.104.0.
  if (/^2\.3\.\d+$/.test(ferretdbVersion)) return "0.104.0";
  return undefined;
}

export interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits `registry/repo[:tag][@sha256:digest]`; a port in the registry host is not a tag. */
export function parseImage(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf("/");
  const lastColon = rest.lastIndexOf(":");
  let tag: string | undefined;
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  return { repository: rest, tag, digest };
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Why `image` is not pinned, or undefined when it is (a non-`latest` tag, or a digest). */
export function imagePinProblem(image: string, requireDigest = false): string | undefined {
  if (!image || /\s/.test(image)) return "is empty or contains whitespace";
  const ref = parseImage(image);
  if (ref.digest !== undefined && !DIGEST.test(ref.digest)) {
    return `has a malformed digest "${ref.digest}" (expected sha256:<64 hex characters>)`;
  }
  if (requireDigest && ref.digest === undefined) return "is not pinned by digest (@sha256:...)";
  if (ref.digest) return undefined;
  if (!ref.tag) return "has no tag, so it floats to latest";
  if (ref.tag === "latest") return 'uses the floating tag "latest"';
  return undefined;
}

/**
 * Fact 1: `ghcr.io/ferretdb/postgres-documentdb:<pg>-<documentdb>-ferretdb-<ferretdb>`.
 * Returns the versions the tag names, or undefined for another tag shape.
 */
export function parseDocumentDbImageTag(
  image: string,
): { postgres: string; documentdb: string; ferretdb: string } | undefined {
  const tag = parseImage(image).tag;
  const match = tag?.match(/^(\d+)-(\d+\.\d+\.\d+)-ferretdb-(\d+\.\d+\.\d+)$/);
  if (!match) return undefined;
  return { postgres: match[1], documentdb: match[2], ferretdb: match[3] };
}

/** Fact 12: the FerretDB version in `ghcr.io/ferretdb/ferretdb:<version>`. */
export function parseFerretDbImageVersion(image: string): string | undefined {
  const tag = parseImage(image).tag;
  const match = tag?.match(/^v?(\d+\.\d+\.\d+)$/);
  return match ? match[1] : undefined;
}

/** Fact 22: Nightscout's conversion factor from mmol/L to mg/dL. */
export const MGDL_PER_MMOL = 18.01559;

/** Fact 26: roles Nightscout ships with. */
export const NIGHTSCOUT_ROLES = [
  "admin",
  "denied",
  "status-only",
  "readable",
  "careportal",
  "devicestatus-upload",
  "activity",
] as const;

/** Plugins of cgm-remote-monitor 15.0.7 that can be named in ENABLE / SHOW_PLUGINS. */
export const NIGHTSCOUT_PLUGINS = [
  "ar2",
  "basal",
  "bage",
  "boluscalc",
  "bolus",
  "bridge",
  "bgnow",
  "cage",
  "careportal",
  "cob",
  "dbsize",
  "delta",
  "devicestatus",
  "direction",
  "errorcodes",
  "food",
  "iage",
  "iob",
  "loop",
  "maker",
  "mmconnect",
  "openaps",
  "profile",
  "pump",
  "pushover",
  "rawbg",
  "sage",
  "simplealarms",
  "speech",
  "timeago",
  "treatmentnotify",
  "upbat",
  "xdripjs",
  "alexa",
  "googlehome",
  "cors",
  "override",
  "bwp",
] as const;

/** Fact 16 and 12: FerretDB ports (wire protocol, debug/probes). */
export const FERRETDB_PORT = 27017;
export const FERRETDB_DEBUG_PORT = 8088;
/** Fact 18: Nightscout's listening port. */
export const NIGHTSCOUT_PORT = 1337;
/** Fact 35: PostgreSQL and the CNPG instance manager's status port. */
export const POSTGRES_PORT = 5432;
export const CNPG_STATUS_PORT = 8000;
/** Fact 8: the Barman Cloud plugin's name in `spec.plugins` and `pluginConfiguration`. */
export const BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io";

/**
 * Env var names that hold secrets and so must come from a Secret, never a literal value
 * (case-insensitive regular expressions). The program refuses them and the policy pack's
 * no-literal-secrets uses them as its default, so the two cannot disagree.
 */
export const SENSITIVE_ENV_NAME_PATTERNS = [
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "TOKEN",
  "CREDENTIAL",
  "(^|_)KEY$",
];

/** `scheme://user:password@host`: a URI that carries a password. */
const CREDENTIAL_URI = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;

export function hasCredentialUri(value: string): boolean {
  return CREDENTIAL_URI.test(value);
}

/** Whether an env var with this name or value may only come from a Secret. */
export function isSecretLookingEnv(name: string, value: string): boolean {
  return (
    SENSITIVE_ENV_NAME_PATTERNS.some((p) => new RegExp(p, "i").test(name)) ||
    hasCredentialUri(value)
  );
}
