/**
 * The lazy TypeScript of jest.config.js: loading the SDK no longer loads the compiler, and the
 * first read hands back the real compiler's values.
 */
const LOADED = Symbol.for("lazy-typescript.loaded");

test("the SDK loads without TypeScript, and the first read of it gives the real compiler", () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  require("@pulumi/pulumi");
  const mapped = require("typescript") as Record<string | symbol, unknown>;
  expect(mapped[LOADED]).toBe(false);
  const real = require("typescript/lib/typescript.js") as Record<string, unknown>;
  expect(mapped.createSourceFile).toBe(real.createSourceFile);
  expect(mapped.SyntaxKind).toBe(real.SyntaxKind);
  expect(mapped[LOADED]).toBe(true);
  expect("version" in mapped).toBe(true);
  expect(Object.keys(mapped)).toEqual(Object.keys(real));
  /* eslint-enable @typescript-eslint/no-require-imports */
});

// A module of its own, not a script sharing its names with the other lazy helpers.
export {};
