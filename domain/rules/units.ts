import { DISPLAY_UNITS_WORD, unitsNightscoutReads } from "../nightscout";
import { rule } from "./rule";

const WORDS: readonly string[] = Object.values(DISPLAY_UNITS_WORD);

/**
 * Fact 21: Nightscout reads any DISPLAY_UNITS containing "mmol" as mmol/L and anything else,
 * unset included, as mg/dL. Only the two words it reports back say unambiguously which.
 */
export const displayUnitsExplicit = rule({
  id: "display-units-explicit",
  fact: 21,
  onSettings: false,
  policy: "nightscout-settings",
  summary: `DISPLAY_UNITS is set, to ${WORDS.join(" or ")}: any value containing mmol means mmol/L, anything else mg/dL.`,
  check(model: { value: string | undefined }, words) {
    if (model.value !== undefined && WORDS.includes(model.value)) return [];
    const read = model.value === undefined ? "mg/dL" : unitsNightscoutReads(model.value);
    return [
      {
        field: "value" as const,
        value: model.value,
        why:
          model.value === undefined
            ? "is unset, so Nightscout shows mg/dL"
            : `is read by Nightscout as ${read}, but only ${WORDS.join(" and ")} say so unambiguously`,
        fix: words.set("value", DISPLAY_UNITS_WORD[read]) ?? "",
      },
    ];
  },
});
