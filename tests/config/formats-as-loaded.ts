import type { FormatProblem, StringFormat } from "../../config/formats";

/**
 * config/formats.ts loaded by the calling test itself (load it once per test: each load
 * evaluates the module and its imports again). The module builds its
 * table of checks and its timestamp pattern when it loads; StrykerJS counts code run at load time
 * as reached only by a test that loads it, and with `ignoreStatic` tries a mutant there only on
 * such tests (docs/mutation-testing.md). A test importing the module at the top of its file
 * checks the same behaviour but never meets those mutants.
 */
export function formatsAsLoaded(): typeof import("../../config/formats") {
  let formats: typeof import("../../config/formats") | undefined;
  jest.isolateModules(() => {
    formats = require("../../config/formats"); // eslint-disable-line @typescript-eslint/no-require-imports
  });
  return formats!;
}

/** The problem of one value, from a config/formats.ts loaded for this call alone. */
export function formatProblemAsLoaded(
  format: StringFormat,
  value: string,
): FormatProblem | undefined {
  return formatsAsLoaded().formatProblem(format, value);
}
