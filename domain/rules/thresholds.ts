import {
  DisplayUnits,
  MGDL_PER_MMOL,
  MMOL_CONVERSION_CEILING,
  THRESHOLD_DECIMALS,
  THRESHOLD_ORDER,
  THRESHOLD_RANGES,
  renderedThreshold,
} from "../nightscout";
import { Finding, Vocabulary, rule } from "./rule";

export type ThresholdName = (typeof THRESHOLD_ORDER)[number];
/** The fields a threshold finding can name: a threshold, or the unit they are read in. */
export type ThresholdField = ThresholdName | "units";

/** The four thresholds as given (unset ones absent), and the unit Nightscout will read them in. */
export interface ThresholdsModel {
  units: DisplayUnits;
  given: Partial<Record<ThresholdName, string>>;
  /**
   * Settings the stack has yet to render, which it does with THRESHOLD_DECIMALS: finer values
   * would be rounded on the way, so they are refused. Rendered env is read as it stands.
   */
  toBeRendered?: boolean;
}

const PLAIN_NUMBER = /^\d+(\.\d+)?$/;

/**
 * Fact 22: Nightscout converts thresholds from mmol/L only when the units are mmol and BG_HIGH
 * is below 50, and only as a set. So all four or none, plain numbers in the display unit, in a
 * plausible range for it, and strictly rising.
 */
export const thresholds = rule({
  id: "thresholds",
  fact: 22,
  policy: "nightscout-settings",
  onSettings: true,
  summary: `All four BG thresholds or none, in the display unit (mmol/L ${THRESHOLD_RANGES["mmol/L"].join("-")}, below ${MMOL_CONVERSION_CEILING}; mg/dL ${THRESHOLD_RANGES["mg/dL"].join("-")}), rising low < target bottom < target top < high.`,
  check(model: ThresholdsModel, words: Vocabulary<ThresholdField>): Finding<ThresholdField>[] {
    const given = THRESHOLD_ORDER.filter((t) => model.given[t] !== undefined);
    if (given.length === 0) return [];
    if (given.length < THRESHOLD_ORDER.length) {
      const missing = THRESHOLD_ORDER.filter((t) => !given.includes(t));
      const names = given.map((t) => words.name(t));
      return [
        {
          field: missing[0],
          value: undefined,
          why: `is unset while ${names.join(", ")} ${names.length === 1 ? "is" : "are"} set; Nightscout then mixes your values with its mg/dL defaults`,
          fix: `set all four thresholds (${THRESHOLD_ORDER.map((t) => words.name(t)).join(", ")}) in ${model.units}, or none`,
        },
      ];
    }
    const [min, max] = THRESHOLD_RANGES[model.units];
    const findings: Finding<ThresholdField>[] = [];
    const values = {} as Record<ThresholdName, number>;
    for (const t of THRESHOLD_ORDER) {
      const raw = model.given[t]!;
      const n = Number(raw);
      if (!PLAIN_NUMBER.test(raw)) {
        findings.push({
          field: t,
          value: raw,
          why: `must be a plain number in ${model.units}`,
          fix: words.set(t, `<${min}..${max}>`) ?? "",
        });
      } else if (n < min || n > max) {
        findings.push(outOfRange(t, raw, model.units, words));
      } else if (
        model.toBeRendered &&
        (raw.split(".")[1] ?? "").length > THRESHOLD_DECIMALS[model.units]
      ) {
        // Rendered with fewer decimals, 10.0 and 10.04 would both reach Nightscout as 10.0.
        const decimals = THRESHOLD_DECIMALS[model.units];
        findings.push({
          field: t,
          value: raw,
          why:
            (decimals === 0
              ? `must be a whole number in ${model.units}`
              : `may have at most ${decimals} decimal in ${model.units}`) +
            `: Nightscout would be given ${renderedThreshold(n, model.units)}`,
          fix: words.set(t, renderedThreshold(n, model.units)) ?? "",
        });
      }
      values[t] = n;
    }
    if (findings.length > 0) return findings;
    for (let i = 0; i + 1 < THRESHOLD_ORDER.length; i++) {
      const [a, b] = [THRESHOLD_ORDER[i], THRESHOLD_ORDER[i + 1]];
      if (!(values[a] < values[b])) {
        findings.push({
          field: a,
          value: String(values[a]),
          why: `must be below ${words.name(b)} (${values[b]}): thresholds must rise low < target bottom < target top < high`,
          fix: `choose ${words.name(a)} < ${words.name(b)}`,
        });
      }
    }
    return findings;
  },
});

/** A value outside the unit's range; one that fits the other unit is named, with its conversion. */
function outOfRange(
  field: ThresholdName,
  raw: string,
  units: DisplayUnits,
  words: Vocabulary<ThresholdField>,
): Finding<ThresholdField> {
  const n = Number(raw);
  const [min, max] = THRESHOLD_RANGES[units];
  const other: DisplayUnits = units === "mmol/L" ? "mg/dL" : "mmol/L";
  const [otherMin, otherMax] = THRESHOLD_RANGES[other];
  const looksOther = n >= otherMin && n <= otherMax;
  const converted =
    units === "mmol/L" ? (n / MGDL_PER_MMOL).toFixed(1) : String(Math.round(n * MGDL_PER_MMOL));
  const convertedFits = Number(converted) >= min && Number(converted) <= max;
  return {
    field,
    value: raw,
    why:
      `must be a number from ${min} to ${max} ${units}` +
      (looksOther
        ? ` (it looks like ${other}; thresholds are given in ${words.name("units")})`
        : ""),
    fix: words.set(field, looksOther && convertedFits ? converted : `<${min}..${max}>`) ?? "",
  };
}

/** The four thresholds as numbers, once `thresholds` found nothing wrong with them. */
export function thresholdValues(model: ThresholdsModel): Record<ThresholdName, number> | undefined {
  if (THRESHOLD_ORDER.some((t) => model.given[t] === undefined)) return undefined;
  return Object.fromEntries(THRESHOLD_ORDER.map((t) => [t, Number(model.given[t])])) as Record<
    ThresholdName,
    number
  >;
}
