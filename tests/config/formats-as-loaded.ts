import type { FormatProblem, StringFormat } from "../../config/formats";
import * as domain from "../../domain";
import * as alerts from "../../domain/alerts";
import * as platform from "../../domain/platform";

/**
 * `load()` in a module registry of its own, except that domain/ is the one this file loaded:
 * config/ is evaluated afresh, so StrykerJS sees its load-time code reached by the calling test,
 * while domain/'s declarations stay load-time code of no test (checked where they are read, as
 * tests/domain/rules-catalogue.test.ts does), instead of counting as reached by a test that
 * never looks at them. Config modules import domain/ through these three modules only.
 */
export function withDomainAsLoaded<T>(load: () => T): T {
  let result: T | undefined;
  jest.isolateModules(() => {
    jest.doMock("../../domain", () => domain);
    jest.doMock("../../domain/alerts", () => alerts);
    jest.doMock("../../domain/platform", () => platform);
    result = load();
  });
  return result!;
}

/**
 * config/formats.ts loaded by the calling test itself (load it once per test: each load
 * evaluates the module and its imports again). The module builds its
 * table of checks and its timestamp pattern when it loads; StrykerJS counts code run at load time
 * as reached only by a test that loads it, and with `ignoreStatic` tries a mutant there only on
 * such tests (docs/mutation-testing.md). A test importing the module at the top of its file
 * checks the same behaviour but never meets those mutants.
 */
export function formatsAsLoaded(): typeof import("../../config/formats") {
  return withDomainAsLoaded(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require("../../config/formats") as typeof import("../../config/formats"),
  );
}

/** The problem of one value, from a config/formats.ts loaded for this call alone. */
export function formatProblemAsLoaded(
  format: StringFormat,
  value: string,
): FormatProblem | undefined {
  return formatsAsLoaded().formatProblem(format, value);
}
