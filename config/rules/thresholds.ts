import {
  DisplayUnits,
  THRESHOLD_ORDER,
  type ThresholdField,
  Thresholds,
  thresholdValues,
  thresholds,
} from "../../domain";
import { Settings } from "../read";
import type { SettingKey } from "../settings";
import { enforceOnSettings } from "./catalogue";

const KEYS: Record<ThresholdField, SettingKey> = {
  low: "bgLow",
  targetBottom: "bgTargetBottom",
  targetTop: "bgTargetTop",
  high: "bgHigh",
  units: "displayUnits",
};

/** Fact 22 (domain/rules/thresholds.ts) over the settings: the thresholds, or undefined. */
export function thresholdsRule(s: Settings, units: DisplayUnits): Thresholds | undefined {
  const set = THRESHOLD_ORDER.filter((t) => s.isSet(KEYS[t]));
  // A threshold that failed its own format check was reported already; a partial set is
  // reported whatever the values.
  if (set.length === THRESHOLD_ORDER.length && !set.every((t) => s.isValid(KEYS[t]))) {
    return undefined;
  }
  const given = Object.fromEntries(set.map((t) => [t, s.text(KEYS[t])!.trim()]));
  const model = { units, given, toBeRendered: true };
  if (enforceOnSettings(s, thresholds, KEYS, model).length > 0) return undefined;
  return thresholdValues(model);
}
