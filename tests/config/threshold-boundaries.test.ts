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
});
