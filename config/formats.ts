/**
 * What each kind of string setting must look like. A check answers why a value is wrong
 * (never echoing a credential) and, where it can, a corrected value to suggest.
 */
import {
  ALARM_TYPES,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  MAX_CLUSTER_NAME_LENGTH,
  MEBIBYTE,
  MONGODB_URI_SCHEME,
  backupScheduleProblem,
  bytesSlip,
  cpuProblem,
  hostnameProblem,
  imagePinProblem,
  memoryProblem,
  parseQuantity,
} from "../domain";

export type StringFormat =
  | "path"
  | "namespace"
  | "hostname"
  | "decimal"
  | "alarmTypes"
  | "image"
  | "clusterName"
  | "cpu"
  | "memory"
  | "storage"
  | "objectName"
  | "middlewareRef"
  | "objectStoreUrl"
  | "endpointUrl"
  | "retention"
  | "cron"
  | "timestamp"
  | "mongoUri"
  | "pushoverToken"
  | "pushoverKeys"
  | "pushoverKeysOrOff";

export interface FormatProblem {
  why: string;
  /** A corrected value, when the mistake is recognisable (e.g. `1GB` for `1G`). */
  suggestion?: string;
  /** Show this instead of the value: it holds credentials. */
  shownValue?: string;
}

/**
 * Formats of secret settings whose reasons never quote the value, only its shape, so a refusal
 * may say more than "is not in the expected form".
 */
export const SECRET_SAFE_FORMATS: ReadonlySet<StringFormat> = new Set([
  "pushoverToken",
  "pushoverKeys",
  "pushoverKeysOrOff",
]);

/** Fact 41: Pushover's application tokens and user and group keys are 30 letters and digits. */
const PUSHOVER_KEY = /^[A-Za-z0-9]{30}$/;

/** What is wrong with one Pushover token or key, by its shape only. */
function pushoverKeyShape(key: string): string | undefined {
  if (PUSHOVER_KEY.test(key)) return undefined;
  const other = /[^A-Za-z0-9]/.test(key)
    ? ", and holds characters other than letters and digits"
    : "";
  return `has ${key.length} characters${other}`;
}

/** Space-separated user or group keys (Nightscout splits them on spaces), or "off" if allowed. */
function pushoverKeysProblem(value: string, offAllowed: boolean): FormatProblem | undefined {
  if (offAllowed && value === "off") return undefined;
  const keys = value.split(" ");
  const bad = keys.map(pushoverKeyShape).findIndex((why) => why !== undefined);
  if (bad < 0) return undefined;
  const which = keys.length > 1 ? `key ${bad + 1} of ${keys.length} ` : "it ";
  return {
    why:
      `must be Pushover user or group keys, 30 letters and digits each, separated by single spaces${offAllowed ? ', or "off"' : ""}; ` +
      `${which}${pushoverKeyShape(keys[bad])}`,
  };
}

/** A volume must hold WAL segments and a year of CGM data: 1 GiB is the least that does. */
const MIN_STORAGE_MIB = 1024;

type Check = (value: string) => FormatProblem | undefined;

const CHECKS: Record<StringFormat, Check> = {
  path: (v) => (/[\u0000-\u001f]/.test(v) ? { why: "contains control characters" } : undefined),
  namespace: (v) =>
    DNS_LABEL.test(v)
      ? undefined
      : { why: "is not a valid namespace name (lowercase DNS label, at most 63 characters)" },
  hostname: (v) => whyOnly(hostnameProblem(v)),
  decimal: (v) => {
    if (/^\d+,\d+$/.test(v.trim())) {
      return { why: "uses a decimal comma", suggestion: v.trim().replace(",", ".") };
    }
    return /^\d+(\.\d+)?$/.test(v.trim()) ? undefined : { why: "is not a number" };
  },
  alarmTypes: (v) => {
    const words = v.split(/\s+/).filter(Boolean);
    const known = ALARM_TYPES as readonly string[];
    return words.length > 0 && words.every((w) => known.includes(w))
      ? undefined
      : { why: 'must be simple, predict, or "simple predict"' };
  },
  image: (v) => {
    const why = imagePinProblem(v);
    return why ? { why: `image ${why}` } : undefined;
  },
  clusterName: (v) =>
    DNS_LABEL.test(v) && v.length <= MAX_CLUSTER_NAME_LENGTH
      ? undefined
      : {
          why: `must be a lowercase DNS label of at most ${MAX_CLUSTER_NAME_LENGTH} characters (CNPG derives longer names from it)`,
        },
  cpu: (v) => cpuProblem(v),
  memory: (v) => memoryProblem(v),
  storage: (v) => {
    const bytes = parseQuantity(v);
    if (bytes === undefined || bytes <= 0 || /^[+-]/.test(v)) {
      return { why: "is not a Kubernetes quantity", suggestion: bytesSlip(v) };
    }
    return bytes / MEBIBYTE < MIN_STORAGE_MIB
      ? { why: "is below 1Gi, too small for WAL and a year of CGM data" }
      : undefined;
  },
  objectName: (v) =>
    DNS_SUBDOMAIN.test(v) ? undefined : { why: "is not a valid Kubernetes object name" },
  middlewareRef: (v) =>
    /^[a-z0-9-]+-[a-z0-9-]+@kubernetescrd$/.test(v)
      ? undefined
      : { why: "is not a Traefik CRD middleware reference" },
  objectStoreUrl: (v) => objectStoreUrlProblem(v),
  endpointUrl: (v) => urlProblem(v, ["http:", "https:"], false),
  retention: (v) =>
    /^[1-9][0-9]*[dwm]$/.test(v) ? undefined : { why: "must be a number followed by d, w or m" },
  cron: (v) => whyOnly(backupScheduleProblem(v)),
  timestamp: (v) => whyOnly(timestampProblem(v)),
  mongoUri: (v) =>
    MONGODB_URI_SCHEME.test(v)
      ? undefined
      : { why: "does not start with mongodb:// or mongodb+srv://" },
  pushoverToken: (v) => {
    const why = pushoverKeyShape(v);
    return why
      ? { why: `must be a Pushover application token, 30 letters and digits; it ${why}` }
      : undefined;
  },
  pushoverKeys: (v) => pushoverKeysProblem(v, false),
  pushoverKeysOrOff: (v) => pushoverKeysProblem(v, true),
};

export function formatProblem(format: StringFormat, value: string): FormatProblem | undefined {
  return CHECKS[format](value);
}

function whyOnly(why: string | undefined): FormatProblem | undefined {
  return why === undefined ? undefined : { why };
}

/**
 * The stack hands the Barman Cloud plugin S3 credentials (backupAccessKeyId and
 * backupSecretAccessKey), so the store is one it reaches with them: s3://<bucket>/<path>, on AWS
 * or, with backupEndpointUrl, on any S3-compatible server. gs:// and Azure's https:// URLs parse
 * and then fail at the first WAL archive, for want of their own kind of credentials.
 */
function objectStoreUrlProblem(value: string): FormatProblem | undefined {
  const problem = urlProblem(value, ["s3:", "gs:", "http:", "https:"], true);
  if (problem) return problem;
  const url = new URL(value);
  if (url.protocol === "s3:") return undefined;
  if (url.protocol === "gs:") {
    return {
      why: "is a Google Cloud Storage URL, which needs Google credentials; the stack gives the plugin S3 credentials",
      suggestion: `s3://${url.host}${url.pathname} (and pulumi config set backupEndpointUrl https://storage.googleapis.com with HMAC keys)`,
    };
  }
  const [bucket, ...rest] = url.pathname.split("/").filter(Boolean);
  return {
    why: `is an ${url.protocol.slice(0, -1)} URL; the plugin reads one with S3 credentials only as s3://<bucket>/<path>, with the server in backupEndpointUrl`,
    suggestion: bucket
      ? `s3://${bucket}${rest.length ? `/${rest.join("/")}` : ""} (and pulumi config set backupEndpointUrl ${url.protocol}//${url.host})`
      : undefined,
  };
}

/**
 * Parsed with the WHATWG URL parser. Credentials in a URL would sit in plaintext in the
 * ObjectStore spec and in the state: they belong in the secret backup settings, and the
 * message shows the URL without them.
 */
function urlProblem(
  value: string,
  schemes: string[],
  pathAllowed: boolean,
): FormatProblem | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      why: pathAllowed ? "is not an object store URL" : "must be an http(s) URL with no path",
    };
  }
  if (url.username || url.password) {
    return {
      why: "carries credentials in the URL, where they would be stored in plaintext",
      shownValue: `${url.protocol}//<credentials>@${url.host}${url.pathname}`,
    };
  }
  if (!schemes.includes(url.protocol) || !url.hostname) {
    return {
      why: pathAllowed ? "is not an object store URL" : "must be an http(s) URL with no path",
    };
  }
  if (!pathAllowed && (url.pathname !== "/" || url.search || url.hash)) {
    return { why: "must be an http(s) URL with no path" };
  }
  return undefined;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):?(\d{2}))$/i;

/**
 * RFC 3339 with an offset, checked field by field: Date.parse rolls 2025-02-30 over to
 * March 2 instead of refusing it.
 */
function timestampProblem(value: string): string | undefined {
  const match = value.match(RFC3339);
  const invalid = "must be an RFC 3339 timestamp with a timezone";
  if (!match) return invalid;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const offsetHour = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinute = match[10] === undefined ? 0 : Number(match[10]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    return `${invalid}; ${match[1]}-${match[2]} has no day ${match[3]}`;
  }
  // 60 is a leap second, which RFC 3339 allows.
  if (hour > 23 || minute > 59 || second > 60 || offsetHour > 23 || offsetMinute > 59) {
    return `${invalid}; the time of day is out of range`;
  }
  return undefined;
}
