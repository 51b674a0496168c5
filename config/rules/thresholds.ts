import {
  DisplayUnits,
  MGDL_PER_MMOL,
  THRESHOLD_ORDER,
  THRESHOLD_RANGES,
  Thresholds,
} from "../../domain";
import { Settings } from "../read";
import type { SettingKey } from "../settings";

const KEYS: Record<(typeof THRESHOLD_ORDER)[number], SettingKey> = {
  low: "bgLow",
  targetBottom: "bgTargetBottom",
  targetTop: "bgTargetTop",
  high: "bgHigh",
};

/**
 * Fact 22: Nightscout converts thresholds from mmol/L only when the units are mmol and
 * BG_HIGH < 50, and only as a set. So all four or none, in the display unit, in a plausible
 * range and strictly rising.
 */
export function thresholdsRule(s: Settings, units: DisplayUnits): Thresholds | undefined {
  const keys = THRESHOLD_ORDER.map((t) => KEYS[t]);
  const given = keys.filter((k) => s.isSet(k));
  if (given.length === 0) return undefined;
  if (given.length < keys.length) {
    const missing = keys.filter((k) => !given.includes(k));
    s.problems.add(
      missing[0],
      undefined,
      `is unset while ${given.join(", ")} ${given.length === 1 ? "is" : "are"} set; Nightscout then mixes your values with its mg/dL defaults`,
      `set all four thresholds (${keys.join(", ")}) in ${units}, or none`,
    );
    return undefined;
  }
  if (!keys.every((k) => s.isValid(k))) return undefined;

  const [min, max] = THRESHOLD_RANGES[units];
  const values = {} as Thresholds;
  let valid = true;
  for (const t of THRESHOLD_ORDER) {
    const value = s.text(KEYS[t])!;
    const n = Number(value);
    if (n < min || n > max) {
      s.problems.add(KEYS[t], value, ...outOfRange(n, units, min, max, KEYS[t]));
      valid = false;
    }
    values[t] = n;
  }
  if (!valid) return undefined;
  for (let i = 0; i + 1 < THRESHOLD_ORDER.length; i++) {
    const [a, b] = [THRESHOLD_ORDER[i], THRESHOLD_ORDER[i + 1]];
    if (!(values[a] < values[b])) {
      s.problems.add(
        KEYS[a],
        String(values[a]),
        `must be below ${KEYS[b]} (${values[b]}): thresholds must rise low < target bottom < target top < high`,
        `choose ${KEYS[a]} < ${KEYS[b]}`,
      );
      valid = false;
    }
  }
  return valid ? values : undefined;
}

/** The why and fix for a value outside the unit's range; a value in the other unit is named. */
function outOfRange(
  n: number,
  units: DisplayUnits,
  min: number,
  max: number,
  key: SettingKey,
): [string, string] {
  const other: DisplayUnits = units === "mmol/L" ? "mg/dL" : "mmol/L";
  const [otherMin, otherMax] = THRESHOLD_RANGES[other];
  const looksOther = n >= otherMin && n <= otherMax;
  const converted =
    units === "mmol/L" ? (n / MGDL_PER_MMOL).toFixed(1) : String(Math.round(n * MGDL_PER_MMOL));
  return [
    `must be a number from ${min} to ${max} ${units}` +
      (looksOther ? ` (it looks like ${other}; thresholds are given in displayUnits)` : ""),
    looksOther && Number(converted) >= min && Number(converted) <= max
      ? `pulumi config set ${key} ${converted}`
      : `pulumi config set ${key} <${min}..${max}>`,
  ];
}
