import { DATABASE_URI_VARS, THRESHOLD_RANGES } from "../../domain";
import { decimal, resourcePolicy } from "../lib/define";
import {
  NIGHTSCOUT_REPOSITORY,
  TYPES,
  asArr,
  asObj,
  asStr,
  at,
  envOf,
  isFromSecret,
  type EnvEntry,
  type Obj,
} from "../lib/k8s";
import { runChecks } from "../lib/unknowns";
import { applicationContainer } from "../lib/workloads";

const settings = {
  minMgdlThreshold: decimal(
    THRESHOLD_RANGES["mg/dL"][0],
    "Smallest plausible BG_* threshold in mg/dL (2 mmol/L); a smaller number is an mmol/L value Nightscout would read as mg/dL.",
  ),
};

/** Fact 22, lowest to highest. */
export const THRESHOLD_VARS = ["BG_LOW", "BG_TARGET_BOTTOM", "BG_TARGET_TOP", "BG_HIGH"] as const;
/** Fact 23: settings read as yes/no, which accept only on/true/off/false. */
export const BOOLEAN_VARS = [
  "INSECURE_USE_HTTP",
  "SECURE_HSTS_HEADER",
  "SECURE_HSTS_HEADER_INCLUDESUBDOMAINS",
  "SECURE_HSTS_HEADER_PRELOAD",
  "SECURE_CSP",
  "SECURE_CSP_REPORT_ONLY",
  "NIGHT_MODE",
  "EDIT_MODE",
  "SHOW_RAWBG",
  "SHOW_FORECAST",
  "SCALE_Y",
  "DEBUG_MINIFY",
];
const BOOLEAN_VALUES = ["on", "true", "off", "false"];
const NUMBER = /^\d+(\.\d+)?$/;

function isOn(value: string | undefined): boolean {
  return value === "on" || value === "true";
}

/** Returns the problem with the four thresholds, or undefined when they are consistent. */
export function thresholdProblem(
  env: ReadonlyMap<string, EnvEntry>,
  minMgdl: number,
): string | undefined {
  const set = THRESHOLD_VARS.filter((name) => env.has(name));
  if (set.length === 0) return undefined;
  if (set.length < THRESHOLD_VARS.length) {
    const missing = THRESHOLD_VARS.filter((name) => !env.has(name));
    return `sets ${set.join(", ")} but not ${missing.join(", ")}: set all four BG_* thresholds or none, in one unit.`;
  }
  const values: number[] = [];
  for (const name of THRESHOLD_VARS) {
    const raw = env.get(name)?.value;
    if (raw === undefined || !NUMBER.test(raw.trim())) {
      return `${name} must be a literal number, got ${JSON.stringify(raw ?? env.get(name)?.valueFrom)}.`;
    }
    values.push(Number(raw));
  }
  const [low, bottom, top, high] = values;
  if (!(low < bottom && bottom < top && top < high)) {
    return `thresholds must be ordered BG_LOW < BG_TARGET_BOTTOM < BG_TARGET_TOP < BG_HIGH, got ${values.join(" / ")}.`;
  }
  const mmolDisplay = (env.get("DISPLAY_UNITS")?.value ?? "").includes("mmol");
  // Nightscout converts all four from mmol/L only when units are mmol and BG_HIGH < 50.
  if (mmolDisplay && high < 50) return undefined;
  const looksMmol = THRESHOLD_VARS.filter((_, i) => values[i] < minMgdl);
  if (looksMmol.length > 0) {
    const why = mmolDisplay
      ? "BG_HIGH >= 50 makes Nightscout read all four as mg/dL"
      : "DISPLAY_UNITS is not mmol, so Nightscout reads them as mg/dL";
    return `${looksMmol.join(", ")} look like mmol/L values but ${why}: use one unit for all four.`;
  }
  return undefined;
}

function probePaths(container: Obj): { probe: string; path: string; headers: Obj[] }[] {
  const result: { probe: string; path: string; headers: Obj[] }[] = [];
  for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
    const httpGet = asObj(at(container, probe, "httpGet"));
    const path = asStr(httpGet?.["path"]);
    if (httpGet && path !== undefined) {
      result.push({
        probe,
        path,
        headers: asArr(httpGet["httpHeaders"]).map((h) => asObj(h) ?? {}),
      });
    }
  }
  return result;
}

export const nightscoutSettings = resourcePolicy(
  { name: "nightscout-settings", enforcementLevel: "mandatory", settings },
  "Nightscout gets its API_SECRET from a Secret, a database URI, HOSTNAME=0.0.0.0, one replica with Recreate, consistent BG thresholds and probes that work.",
  (args, reportViolation, config) => {
    const { container } = applicationContainer(args, NIGHTSCOUT_REPOSITORY, "Nightscout");
    const env = envOf(container);
    const value = (name: string) => env.get(name)?.value;

    runChecks([
      () => {
        if (!isFromSecret(env.get("API_SECRET"))) {
          reportViolation(
            "API_SECRET must be set from a Secret (valueFrom.secretKeyRef): Nightscout does not reliably fail without it.",
          );
        }
      },
      () => {
        if (!DATABASE_URI_VARS.some((name) => env.has(name))) {
          reportViolation(`No database URI: set one of ${DATABASE_URI_VARS.join(", ")}.`);
        }
        if (env.has("MONGODB_COLLECTION")) {
          reportViolation("MONGODB_COLLECTION is ignored by Nightscout; use ENTRIES_COLLECTION.");
        }
      },
      () => {
        if (value("HOSTNAME") !== "0.0.0.0") {
          reportViolation(
            'HOSTNAME must be "0.0.0.0": Kubernetes sets it to the pod name, so Nightscout would listen on the pod IP only.',
          );
        }
      },
      () => {
        if (args.type !== TYPES.deployment) return;
        const replicas = at(args.props, "spec", "replicas");
        if (replicas !== undefined && replicas !== 1) {
          reportViolation(
            `spec.replicas is ${JSON.stringify(replicas)}; Nightscout keeps state in memory and must run one replica.`,
          );
        }
        if (at(args.props, "spec", "strategy", "type") !== "Recreate") {
          reportViolation(
            "spec.strategy.type must be Recreate: a rolling update briefly runs two Nightscout pods.",
          );
        }
      },
      () => {
        const problem = thresholdProblem(env, config.minMgdlThreshold);
        if (problem) reportViolation(`Nightscout ${problem}`);
        if (THRESHOLD_VARS.some((name) => env.has(name)) && !env.has("ALARM_TYPES")) {
          reportViolation(
            "Setting BG_* switches ALARM_TYPES to simple; set ALARM_TYPES explicitly.",
          );
        }
      },
      () => {
        for (const name of BOOLEAN_VARS) {
          const v = value(name);
          if (v !== undefined && !BOOLEAN_VALUES.includes(v)) {
            reportViolation(
              `${name}=${JSON.stringify(v)} is silently ignored; use on, true, off or false.`,
            );
          }
        }
      },
      () => {
        const denied = (value("AUTH_DEFAULT_ROLES") ?? "").split(/[\s,]+/).includes("denied");
        const plainHttp = isOn(value("INSECURE_USE_HTTP"));
        for (const { probe, path, headers } of probePaths(container)) {
          if (path === "/robots.txt") {
            reportViolation(
              `${probe} on /robots.txt answers 200 even when boot failed; probe /api/v1/verifyauth.`,
            );
          }
          if (denied && path.startsWith("/api/v1/status")) {
            reportViolation(
              `${probe} on ${path} gets 401 with AUTH_DEFAULT_ROLES=denied; probe /api/v1/verifyauth.`,
            );
          }
          const forwardedHttps = headers.some(
            (h) =>
              asStr(h["name"])?.toLowerCase() === "x-forwarded-proto" && h["value"] === "https",
          );
          if (!plainHttp && !forwardedHttps) {
            reportViolation(
              `${probe} gets a 307 redirect: without INSECURE_USE_HTTP=true it must send the header X-Forwarded-Proto: https.`,
            );
          }
        }
      },
    ]);
  },
);
