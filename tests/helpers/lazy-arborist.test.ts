/**
 * The lazy @npmcli/arborist of jest.config.js: loading the SDK no longer loads the package, and
 * the first read hands back the real package's values.
 */
const LOADED = Symbol.for("lazy-arborist.loaded");

test("the SDK loads without arborist, and the first read of it gives the real package", () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  require("@pulumi/pulumi");
  const mapped = require("@npmcli/arborist") as Record<string | symbol, unknown>;
  expect(mapped[LOADED]).toBe(false);
  const real = require("@npmcli/arborist/lib/index.js") as Record<string, unknown>;
  expect(mapped.Arborist).toBe(real.Arborist);
  expect(mapped.Shrinkwrap).toBe(real.Shrinkwrap);
  expect(mapped.default).toBe(real);
  expect(mapped[LOADED]).toBe(true);
  /* eslint-enable @typescript-eslint/no-require-imports */
});
