/**
 * Boundaries of fact 22 in the catalogue itself (domain/rules/thresholds.ts) and in the unit
 * Nightscout reads them in (domain/nightscout.ts), pinned so that `<` turned into `<=` or a
 * bound moved by one fails a test: see docs/mutation-testing.md.
 */
import {
  MMOL_CONVERSION_CEILING,
  thresholdUnitsNightscoutReads,
  thresholds,
  thresholdValues,
  type ThresholdField,
  type ThresholdsModel,
  type Vocabulary,
} from "../../domain";

const words: Vocabulary<ThresholdField> = {
  name: (f) => f,
  set: (f, v) => `set ${f} to ${v}`,
};

function check(
  units: ThresholdsModel["units"],
  low: string,
  bottom: string,
  top: string,
  high: string,
) {
  return thresholds.check(
    { units, given: { low, targetBottom: bottom, targetTop: top, high } },
    words,
    {},
  );
}

describe("thresholdUnitsNightscoutReads (fact 22)", () => {
  test("mmol/L only while BG_HIGH is strictly below the ceiling of 50", () => {
    expect(MMOL_CONVERSION_CEILING).toBe(50);
    expect(thresholdUnitsNightscoutReads("mmol", 49.99)).toBe("mmol/L");
    expect(thresholdUnitsNightscoutReads("mmol", 50)).toBe("mg/dL");
    expect(thresholdUnitsNightscoutReads("mmol", 50.01)).toBe("mg/dL");
  });

  test("mg/dL display units are never converted, whatever BG_HIGH", () => {
    expect(thresholdUnitsNightscoutReads("mg/dl", 10)).toBe("mg/dL");
    expect(thresholdUnitsNightscoutReads("", 10)).toBe("mg/dL");
  });
});

describe("thresholds rule boundaries (fact 22)", () => {
  test("each pair of equal neighbours is one finding on the lower threshold", () => {
    expect(check("mmol/L", "4", "4", "10", "14")).toEqual([
      {
        field: "low",
        value: "4",
        why: "must be below targetBottom (4): thresholds must rise low < target bottom < target top < high",
        fix: "choose low < targetBottom",
      },
    ]);
    expect(check("mmol/L", "3.5", "4", "14", "14").map((f) => f.field)).toEqual(["targetTop"]);
    expect(check("mg/dL", "80", "80", "180", "180").map((f) => f.field)).toEqual([
      "low",
      "targetTop",
    ]);
  });

  test("the smallest rise passes", () => {
    expect(check("mmol/L", "3.9", "4", "4.1", "4.2")).toEqual([]);
    expect(check("mg/dL", "69", "70", "71", "72")).toEqual([]);
  });

  test("the range's ends are inside it, just past them is out", () => {
    expect(check("mmol/L", "2", "4", "10", "27")).toEqual([]);
    expect(check("mmol/L", "1.9", "4", "10", "27").map((f) => f.field)).toEqual(["low"]);
    expect(check("mmol/L", "2", "4", "10", "27.1").map((f) => f.field)).toEqual(["high"]);
    expect(check("mg/dL", "36", "70", "180", "486")).toEqual([]);
    expect(check("mg/dL", "35", "70", "180", "486").map((f) => f.field)).toEqual(["low"]);
    expect(check("mg/dL", "36", "70", "180", "487").map((f) => f.field)).toEqual(["high"]);
  });

  test("a value out of range that fits the other unit is named with its conversion", () => {
    expect(check("mmol/L", "3.5", "4", "10", "36")[0]).toEqual({
      field: "high",
      value: "36",
      why: "must be a number from 2 to 27 mmol/L (it looks like mg/dL; thresholds are given in units)",
      fix: "set high to 2.0",
    });
    expect(check("mg/dL", "55", "80", "180", "27")[0]).toEqual({
      field: "high",
      value: "27",
      why: "must be a number from 36 to 486 mg/dL (it looks like mmol/L; thresholds are given in units)",
      fix: "set high to 486",
    });
    expect(check("mg/dL", "2", "80", "180", "260")[0]).toEqual({
      field: "low",
      value: "2",
      why: "must be a number from 36 to 486 mg/dL (it looks like mmol/L; thresholds are given in units)",
      fix: "set low to 36",
    });
    expect(check("mg/dL", "55", "80", "180", "500")[0]).toEqual({
      field: "high",
      value: "500",
      why: "must be a number from 36 to 486 mg/dL",
      fix: "set high to <36..486>",
    });
  });

  test("not a plain number: no conversion is offered", () =>
    expect(check("mmol/L", "3.5", "4", "1e1", "14")).toEqual([
      {
        field: "targetTop",
        value: "1e1",
        why: "must be a plain number in mmol/L",
        fix: "set targetTop to <2..27>",
      },
    ]));

  test("a partial set names the first missing one and the ones given", () => {
    const found = thresholds.check({ units: "mg/dL", given: { high: "260" } }, words, {});
    expect(found).toEqual([
      {
        field: "low",
        value: undefined,
        why: "is unset while high is set; Nightscout then mixes your values with its mg/dL defaults",
        fix: "set all four thresholds (low, targetBottom, targetTop, high) in mg/dL, or none",
      },
    ]);
    const two = thresholds.check({ units: "mg/dL", given: { low: "55", high: "260" } }, words, {});
    expect(two[0]).toMatchObject({
      field: "targetBottom",
      why: expect.stringMatching(/^is unset while low, high are set;/),
    });
  });

  test("none set is fine, and only a full set has values", () => {
    expect(thresholds.check({ units: "mg/dL", given: {} }, words, {})).toEqual([]);
    expect(thresholdValues({ units: "mg/dL", given: { low: "55" } })).toBeUndefined();
    expect(
      thresholdValues({
        units: "mg/dL",
        given: { low: "55", targetBottom: "80", targetTop: "180", high: "260" },
      }),
    ).toEqual({ low: 55, targetBottom: 80, targetTop: 180, high: 260 });
  });
});

describe("thresholds rule: findings stop where they should (fact 22)", () => {
  test("a value out of range is the only finding: the rise is not judged on it", () =>
    expect(check("mmol/L", "30", "4", "10", "14")).toEqual([
      {
        field: "low",
        value: "30",
        why: "must be a number from 2 to 27 mmol/L",
        fix: "set low to <2..27>",
      },
    ]));

  test("below the other unit's range is not taken for it", () =>
    expect(check("mg/dL", "1", "80", "180", "260")[0]).toEqual({
      field: "low",
      value: "1",
      why: "must be a number from 36 to 486 mg/dL",
      fix: "set low to <36..486>",
    }));

  test("a conversion that would fit is offered only when the value looks like the other unit", () =>
    // 1.98 x 18.01559 rounds to 36, inside mg/dL's range, but 1.98 is below mmol/L's 2.
    expect(check("mg/dL", "1.98", "80", "180", "260")[0]).toEqual({
      field: "low",
      value: "1.98",
      why: "must be a number from 36 to 486 mg/dL",
      fix: "set low to <36..486>",
    }));

  test("a reader with no way to set a field gets an empty fix, never undefined", () => {
    const readOnly: Vocabulary<ThresholdField> = { name: (f) => f, set: () => undefined };
    const given = (low: string) => ({
      units: "mmol/L" as const,
      given: { low, targetBottom: "4", targetTop: "10", high: "14" },
    });
    expect(thresholds.check(given("x"), readOnly, {})[0].fix).toBe("");
    expect(thresholds.check(given("30"), readOnly, {})[0].fix).toBe("");
    // Settings yet to be rendered, with a value finer than the rendering keeps.
    expect(thresholds.check({ ...given("3.95"), toBeRendered: true }, readOnly, {})).toEqual([
      {
        field: "low",
        value: "3.95",
        why: "may have at most 1 decimal in mmol/L: Nightscout would be given 4.0",
        fix: "",
      },
    ]);
  });
});
