/**
 * Boundaries of fact 22 over the settings, pinned so that `<` turned into `<=` (or a bound moved
 * by one) fails a test: see docs/mutation-testing.md.
 */
import { expectOneProblem, nightscoutEnv, parse } from "./helpers";

const MMOL = { bgLow: "3.5", bgTargetBottom: "3.9", bgTargetTop: "10", bgHigh: "13.9" };

describe("thresholdsRule boundaries (fact 22)", () => {
  test("two equal neighbours are refused: the thresholds must rise strictly", () => {
    expectOneProblem(
      { ...MMOL, bgLow: "3.9" },
      "bgLow",
      /must be below bgTargetBottom \(3.9\)/,
      /choose bgLow < bgTargetBottom/,
    );
    expectOneProblem({ ...MMOL, bgTargetTop: "13.9" }, "bgTargetTop", /below bgHigh \(13.9\)/);
  });

  test("the smallest step up is accepted", () =>
    expect(
      nightscoutEnv(
        parse({ bgLow: "3.8", bgTargetBottom: "3.9", bgTargetTop: "13.8", bgHigh: "13.9" }),
      ),
    ).toMatchObject({ BG_LOW: "3.8", BG_TARGET_BOTTOM: "3.9", BG_HIGH: "13.9" }));

  test("the mmol/L range's ends are inside, one step past them is not", () => {
    expect(nightscoutEnv(parse({ ...MMOL, bgLow: "2", bgHigh: "27" }))).toMatchObject({
      BG_HIGH: "27.0",
    });
    expectOneProblem({ ...MMOL, bgLow: "1.9" }, "bgLow", /from 2 to 27 mmol\/L/);
    expectOneProblem({ ...MMOL, bgHigh: "27.1" }, "bgHigh", /from 2 to 27 mmol\/L/);
  });

  test("the mg/dL range's ends are inside, one past them is not", () => {
    const MGDL = { displayUnits: "mg/dL", bgTargetBottom: "70", bgTargetTop: "180" };
    expect(nightscoutEnv(parse({ ...MGDL, bgLow: "36", bgHigh: "486" }))).toMatchObject({
      BG_LOW: "36",
      BG_HIGH: "486",
    });
    expectOneProblem({ ...MGDL, bgLow: "55", bgHigh: "487" }, "bgHigh", /from 36 to 486 mg\/dL/);
  });

  test("mmol/L takes one decimal, as rendered: two decimals would collapse 10.0 and 10.04", () => {
    expect(nightscoutEnv(parse({ ...MMOL, bgTargetTop: "10.0", bgHigh: "10.1" }))).toMatchObject({
      BG_TARGET_TOP: "10.0",
      BG_HIGH: "10.1",
    });
    expectOneProblem(
      { ...MMOL, bgTargetTop: "10.0", bgHigh: "10.04" },
      "bgHigh",
      /may have at most 1 decimal in mmol\/L: Nightscout would be given 10.0/,
      /pulumi config set bgHigh 10.0/,
    );
  });

  test("mg/dL takes whole numbers: 180.4 would reach Nightscout as 180", () => {
    const MGDL = { displayUnits: "mg/dL", bgLow: "55", bgTargetBottom: "70", bgHigh: "250" };
    expect(nightscoutEnv(parse({ ...MGDL, bgTargetTop: "180" }))).toMatchObject({
      BG_TARGET_TOP: "180",
    });
    expectOneProblem(
      { ...MGDL, bgTargetTop: "180.4" },
      "bgTargetTop",
      /must be a whole number in mg\/dL: Nightscout would be given 180/,
    );
  });
});
