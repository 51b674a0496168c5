import {
  DATABASE_URI_VARS,
  PUSHOVER_ENV,
  THRESHOLD_ORDER,
  type ThresholdField,
  type ThresholdName,
  displayUnitsExplicit,
  pushoverComplete,
  shownPluginsEnabled,
  thresholds,
  thresholdUnitsNightscoutReads,
} from "../../domain";
import { enforceOnObject } from "../lib/catalogue";
import { resourcePolicy } from "../lib/define";
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

/** Fact 22, lowest to highest: the env var of each threshold. */
export const THRESHOLD_VARS = {
  low: "BG_LOW",
  targetBottom: "BG_TARGET_BOTTOM",
  targetTop: "BG_TARGET_TOP",
  high: "BG_HIGH",
  units: "DISPLAY_UNITS",
} as const satisfies Record<ThresholdField, string>;
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

function isOn(value: string | undefined): boolean {
  return value === "on" || value === "true";
}

/** Fact 41: the env var of each Pushover setting, and ENABLE. */
export const PUSHOVER_VARS = { ...PUSHOVER_ENV, enabled: "ENABLE" } as const;

const words = (v: string | undefined) => (v ?? "").split(/\s+/).filter((w) => w.length > 0);

/**
 * Facts 21, 22, 30 and 41 (domain/rules/) over the container's environment: the units
 * Nightscout will read, the thresholds in them, the plugins shown, and Pushover whole. A
 * threshold set from a reference instead of a literal is not a number the rule can judge, and
 * says so; Pushover's keys are judged by their presence (they come from a Secret).
 */
export function checkCatalogueRules(
  env: ReadonlyMap<string, EnvEntry>,
  report: (message: string) => void,
): void {
  const value = (name: string) => env.get(name)?.value;
  const displayUnits = value("DISPLAY_UNITS");
  enforceOnObject(
    displayUnitsExplicit,
    { value: "DISPLAY_UNITS" },
    { value: displayUnits },
    {},
    report,
  );
  const given: Partial<Record<ThresholdName, string>> = {};
  for (const t of THRESHOLD_ORDER) {
    if (env.has(THRESHOLD_VARS[t]))
      given[t] = value(THRESHOLD_VARS[t])?.trim() ?? "(a reference, not a literal)";
  }
  enforceOnObject(
    thresholds,
    THRESHOLD_VARS,
    { units: thresholdUnitsNightscoutReads(displayUnits ?? "", Number(given.high)), given },
    {},
    report,
  );
  const shown = value("SHOW_PLUGINS");
  // Either list taken from a reference is not one the rule can read: nothing to judge, rather
  // than a referenced ENABLE read as enabling nothing.
  const enabledUnreadable = env.has("ENABLE") && value("ENABLE") === undefined;
  if (shown !== undefined && !enabledUnreadable) {
    enforceOnObject(
      shownPluginsEnabled,
      { enabled: "ENABLE", shown: "SHOW_PLUGINS" },
      { enabled: words(value("ENABLE")), shown: words(shown) },
      {},
      report,
    );
  }
  enforceOnObject(
    pushoverComplete,
    PUSHOVER_VARS,
    {
      apiToken: env.has(PUSHOVER_VARS.apiToken),
      userKey: env.has(PUSHOVER_VARS.userKey),
      alarmKey: env.has(PUSHOVER_VARS.alarmKey),
      announcementKey: env.has(PUSHOVER_VARS.announcementKey),
      // A referenced ENABLE enables nothing the rule can see.
      enabled: enabledUnreadable ? [] : words(value("ENABLE")),
    },
    {},
    report,
  );
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
  { name: "nightscout-settings", enforcementLevel: "mandatory" },
  "Nightscout gets its API_SECRET from a Secret, a database URI, HOSTNAME=0.0.0.0, one replica with Recreate, consistent BG thresholds and probes that work.",
  (args, reportViolation) => {
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
        if (
          args.type !== TYPES.deployment &&
          args.type !== TYPES.statefulSet &&
          args.type !== TYPES.replicaSet
        )
          return;
        const replicas = at(args.props, "spec", "replicas");
        if (replicas !== undefined && replicas !== 1) {
          reportViolation(
            `spec.replicas is ${JSON.stringify(replicas)}; Nightscout keeps state in memory and must run one replica.`,
          );
        }
        // Neither a StatefulSet nor a ReplicaSet has spec.strategy: neither starts a new pod beside
        // the old one (a StatefulSet replaces it only once it stopped, a ReplicaSet never does).
        if (args.type !== TYPES.deployment) return;
        if (at(args.props, "spec", "strategy", "type") !== "Recreate") {
          reportViolation(
            "spec.strategy.type must be Recreate: a rolling update briefly runs two Nightscout pods.",
          );
        }
      },
      () => {
        checkCatalogueRules(env, reportViolation);
        if (THRESHOLD_ORDER.some((t) => env.has(THRESHOLD_VARS[t])) && !env.has("ALARM_TYPES")) {
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
