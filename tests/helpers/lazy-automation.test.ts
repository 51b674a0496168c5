/**
 * The lazy automation namespace of tests/helpers/resolver.js: loading the SDK no longer loads
 * the Automation API, `pulumi.automation` still hands back the real one, and only the SDK
 * index's request is redirected.
 */
const LOADED = Symbol.for("lazy-automation.loaded");

test("the SDK loads without the Automation API, and the first read gives the real one", () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const pulumi = require("@pulumi/pulumi") as Record<string, Record<string | symbol, unknown>>;
  expect(pulumi.automation[LOADED]).toBe(false);
  const real = require("@pulumi/pulumi/automation") as Record<string, unknown>;
  expect(pulumi.automation.LocalWorkspace).toBe(real.LocalWorkspace);
  expect(pulumi.automation.Stack).toBe(real.Stack);
  expect(pulumi.automation[LOADED]).toBe(true);
  expect(Object.keys(pulumi.automation)).toEqual(Object.keys(real));
  /* eslint-enable @typescript-eslint/no-require-imports */
});

// A module of its own, not a script sharing its names with the other lazy helpers.
export {};
