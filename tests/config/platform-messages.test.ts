/**
 * The words of config/platform.ts's refusals, whole: what the engine prints when the platform
 * stack cannot carry this one (the checks themselves: tests/monitoring/platform.test.ts).
 */
import { PlatformStackError, checkPlatformOutputs, platformProblems } from "../../config/platform";
import { MIN_CNPG_OPERATOR_VERSION } from "../../domain/platform";

const STACK = "organization/nightscout-platform/production";
const FIT = {
  operatorNamespace: "db-operators",
  operatorVersion: "1.30.0",
  pluginName: "barman-cloud.cloudnative-pg.io",
  monitoringCrdsPresent: true,
};
const NEEDS = { backups: true, monitoring: true };
const OLD_OPERATOR = `nightscout:platformStack = "${STACK}": its CloudNative-PG operator is "1.25.3", older than ${MIN_CNPG_OPERATOR_VERSION}, the oldest this program's Cluster (Barman Cloud plugin) works with. Fix: upgrade the operator in the platform stack (docs/upstream-files.md, "Moving to a newer release") and pulumi up it, then this stack.`;

function thrownBy(outputs: Record<string, unknown>): PlatformStackError {
  try {
    checkPlatformOutputs(STACK, outputs, NEEDS);
  } catch (error) {
    if (error instanceof PlatformStackError) return error;
    throw error;
  }
  throw new Error("expected a PlatformStackError, got none");
}

test("an operator version that is not one is named, with the least the program needs and nothing about the plugin", () =>
  expect(platformProblems(STACK, { ...FIT, operatorVersion: "latest" }, NEEDS)).toEqual([
    `nightscout:platformStack = "${STACK}": its CloudNative-PG operator is "latest", not a version, and this program needs at least ${MIN_CNPG_OPERATOR_VERSION}. Fix: upgrade the operator in the platform stack (docs/upstream-files.md, "Moving to a newer release") and pulumi up it, then this stack.`,
  ]));

describe("PlatformStackError", () => {
  test("one problem: counted in the singular, listed on its own line", () => {
    const error = thrownBy({ ...FIT, operatorVersion: "1.25.3" });
    expect(error.problems).toEqual([OLD_OPERATOR]);
    expect(error.message).toBe(
      `The platform stack cannot carry this stack (1 problem); nothing was deployed:\n  - ${OLD_OPERATOR}`,
    );
  });

  test("two problems: counted in the plural, one line each", () => {
    const error = thrownBy({ ...FIT, operatorVersion: "1.25.3", monitoringCrdsPresent: false });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toBe(
      `The platform stack cannot carry this stack (2 problems); nothing was deployed:\n  - ${error.problems[0]}\n  - ${error.problems[1]}`,
    );
    expect(error.message.split("\n")).toHaveLength(3);
  });

  test("it is named as itself, so the engine's output says which error stopped the program", () => {
    const error = thrownBy({ ...FIT, operatorVersion: "1.25.3" });
    expect(error.name).toBe("PlatformStackError");
    expect(String(error)).toMatch(/^PlatformStackError: The platform stack cannot carry/);
  });
});
