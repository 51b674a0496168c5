/** What Nightscout (cgm-remote-monitor 15.0.7) accepts and how it reads it (facts 21-30). */

export const DISPLAY_UNITS = ["mmol/L", "mg/dL"] as const;
export type DisplayUnits = (typeof DISPLAY_UNITS)[number];

/**
 * Fact 29: DBSIZE_MAX derived from the volume: 80 % leaves the dbsize pill time to warn before
 * PostgreSQL runs out of disk (WAL and vacuum need room beyond the data).
 */
export const DBSIZE_SHARE_OF_VOLUME = 0.8;

/** Fact 21: the word Nightscout is given for each unit (DISPLAY_UNITS) and reports back. */
export const DISPLAY_UNITS_WORD = { "mmol/L": "mmol", "mg/dL": "mg/dl" } as const;
export type DisplayUnitsWord = (typeof DISPLAY_UNITS_WORD)[DisplayUnits];

/** Fact 21: Nightscout reads any DISPLAY_UNITS containing "mmol" as mmol/L, anything else as mg/dL. */
export function unitsNightscoutReads(value: string): DisplayUnits {
  return /mmol/i.test(value) ? "mmol/L" : "mg/dL";
}

/**
 * Fact 22: Nightscout converts the thresholds from mmol/L only while BG_HIGH is below this; the
 * mmol/L range below must stay under it.
 */
export const MMOL_CONVERSION_CEILING = 50;

/**
 * Fact 22: the unit Nightscout reads the four thresholds in: mmol/L only when DISPLAY_UNITS
 * says mmol and BG_HIGH is below the conversion ceiling, mg/dL otherwise.
 */
export function thresholdUnitsNightscoutReads(displayUnits: string, high: number): DisplayUnits {
  return unitsNightscoutReads(displayUnits) === "mmol/L" && high < MMOL_CONVERSION_CEILING
    ? "mmol/L"
    : "mg/dL";
}

/** Fact 22: Nightscout's conversion factor from mmol/L to mg/dL. */
export const MGDL_PER_MMOL = 18.01559;

/** The four alarm thresholds, in the display unit (fact 22). */
export interface Thresholds {
  low: number;
  targetBottom: number;
  targetTop: number;
  high: number;
}

/**
 * Plausible thresholds per unit. CGM sensors read about 2.2-22.2 mmol/L (40-400 mg/dL): an
 * alarm set outside that never fires, so the bounds leave only a small margin. Below 36 mg/dL
 * (2 mmol/L) an mg/dL threshold is almost surely an mmol/L value, which Nightscout would read
 * as mg/dL; the policy pack's nightscout-settings uses the same floor. The mmol/L top must
 * stay below 50, where Nightscout stops treating the set as mmol/L (fact 22); 27 mmol/L is
 * 486 mg/dL.
 */
export const THRESHOLD_RANGES: Readonly<Record<DisplayUnits, readonly [number, number]>> = {
  "mmol/L": [2, 27],
  "mg/dL": [36, 486],
};

/**
 * Fact 22: the decimals each unit's thresholds are rendered with (and so may be given with):
 * more would be rounded away on the way to Nightscout, and two distinct settings could collapse
 * into one rendered value.
 */
export const THRESHOLD_DECIMALS: Readonly<Record<DisplayUnits, number>> = {
  "mmol/L": 1,
  "mg/dL": 0,
};

/** A threshold as Nightscout is given it in `units`. */
export function renderedThreshold(value: number, units: DisplayUnits): string {
  return value.toFixed(THRESHOLD_DECIMALS[units]);
}

/** Threshold keys in the order they must rise: low < target bottom < target top < high. */
export const THRESHOLD_ORDER = ["low", "targetBottom", "targetTop", "high"] as const;

/** Fact 26: the roles Nightscout ships with, and what each lets an unauthenticated visitor do. */
export const NIGHTSCOUT_ROLE_GRANTS = {
  admin: "everything, settings included",
  denied: "nothing; even /api/v1/status.json answers 401",
  "status-only": "the status page, no glucose data",
  readable: "every glucose value and treatment: the data is public",
  careportal: "entering treatments",
  "devicestatus-upload": "uploading device status",
  activity: "reading and writing activity",
} as const;
export type NightscoutRole = keyof typeof NIGHTSCOUT_ROLE_GRANTS;
export const NIGHTSCOUT_ROLES = Object.keys(NIGHTSCOUT_ROLE_GRANTS) as NightscoutRole[];
export const PUBLIC_READ_ROLE: NightscoutRole = "readable";

/** Fact 21-22: the alarm engines ALARM_TYPES can name. */
export const ALARM_TYPES = ["simple", "predict"] as const;

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

/**
 * Fact 30: what the stack's users rely on, by the plugin in ENABLE that provides it
 * (cgm-remote-monitor 15.0.7). Follower apps (Nightguard, xDrip+ and LoopFollow among them) read
 * the pills' values from /api/v2/properties, which holds only enabled plugins. The Reports page
 * and the always-on features (delta, direction, timeago, devicestatus, upbat, errorcodes,
 * profile: lib/settings.js's DEFAULT_FEATURES) need no entry.
 */
export const FEATURE_PLUGINS = {
  careportal: "treatment logging (carbs, insulin, site changes) from the site",
  iob: "insulin on board, on the page and for follower apps",
  cob: "carbs on board, on the page and for follower apps",
  basal: "the basal profile on the chart and in the reports",
  cage: "the cannula's age",
  sage: "the sensor's age",
  iage: "the insulin's age",
  bage: "the pump battery's age",
  pump: "the pump's reservoir and battery",
  loop: "Loop's status",
  openaps: "AAPS's and OpenAPS's status",
} as const satisfies Partial<Record<(typeof NIGHTSCOUT_PLUGINS)[number], string>>;

/** Fact 30: the feature plugins the page shows by default (SHOW_PLUGINS). */
export const SHOWN_FEATURE_PLUGINS = ["careportal", "basal", "iob", "cob"] as const;

/** Fact 41: the env var Nightscout reads each Pushover credential from. */
export const PUSHOVER_ENV = {
  apiToken: "PUSHOVER_API_TOKEN",
  userKey: "PUSHOVER_USER_KEY",
  alarmKey: "PUSHOVER_ALARM_KEY",
  announcementKey: "PUSHOVER_ANNOUNCEMENT_KEY",
} as const;

/** Plugins that call services on the internet and so need egress beyond the cluster. */
export const INTERNET_PLUGINS = ["bridge", "mmconnect", "pushover", "loop"];

/** Fact 19: Nightscout reads the first of these that is set, so one set before MONGODB_URI wins. */
export const DATABASE_URI_VARS = [
  "STORAGE_URI",
  "MONGO_CONNECTION",
  "MONGO",
  "MONGOLAB_URI",
  "MONGODB_URI",
];

/** Env the Nightscout component sets itself; a setting may never override or shadow them. */
export const RESERVED_NIGHTSCOUT_ENV = [
  "API_SECRET",
  ...DATABASE_URI_VARS,
  "HOSTNAME",
  "PORT",
  "BASE_URL",
];

/**
 * Fact 37: Nightscout 15.0.7's URI parser crashes at boot on authMechanism=SCRAM-SHA-256, and
 * the driver negotiates SCRAM with FerretDB v2 without it.
 */
export function mongoUriProblemForNightscout(uri: string): string | undefined {
  return /[?&]authMechanism=/i.test(uri)
    ? "carries authMechanism, which crashes Nightscout 15.0.7 at boot"
    : undefined;
}

/** Nightscout refuses to start with a shorter API_SECRET. */
export const MIN_API_SECRET_LENGTH = 12;
