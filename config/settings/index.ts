/**
 * Every configuration key the program reads, declared once. `Pulumi.yaml` must declare the
 * same keys with the same types, defaults and secrecy (a test compares them), so the engine
 * rejects a missing or plaintext secret before the program runs, and the README's table is
 * checked against this list too.
 */
import { ACCESS_SETTINGS } from "./access";
import { DEPLOYMENT_SETTINGS } from "./deployment";
import { NIGHTSCOUT_SETTINGS } from "./nightscout";
import { POSTGRES_SETTINGS } from "./postgres";
import { FERRETDB_SETTINGS } from "./ferretdb";
import { NETWORK_SETTINGS } from "./network";
import { BACKUP_SETTINGS } from "./backup";
import { CHECK_SETTINGS } from "./check";
import { MONITORING_SETTINGS } from "./monitoring";
import { NOTIFICATION_SETTINGS } from "./notifications";
import { Setting, declareSettings } from "./setting";

export type { DeclaredSettings, RecordField, Setting, SettingType } from "./setting";
export { declareSettings } from "./setting";

const DECLARED = [
  ...DEPLOYMENT_SETTINGS,
  ...NIGHTSCOUT_SETTINGS,
  ...POSTGRES_SETTINGS,
  ...FERRETDB_SETTINGS,
  ...NETWORK_SETTINGS,
  ...BACKUP_SETTINGS,
  ...CHECK_SETTINGS,
  ...MONITORING_SETTINGS,
  ...NOTIFICATION_SETTINGS,
  ...ACCESS_SETTINGS,
] as const;

/** Every declared key: a typo in the program's own reads fails to compile. */
export type SettingKey = (typeof DECLARED)[number]["key"];
export const SETTINGS: readonly Setting[] = DECLARED;

/** Whether Pulumi.yaml declares `s`: not an optional secret, nor a list of records. */
export function inProjectFile(s: Setting): boolean {
  return !s.optionalSecret && s.type !== "records";
}

/** The app project's settings, as config/read.ts reads them unless told otherwise. */
export const APP_SETTINGS = declareSettings("nightscout", DECLARED);
