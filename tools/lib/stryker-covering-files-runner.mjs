// A Stryker test runner, "jest-covering-files": StrykerJS's own jest runner, except that a
// mutant run loads only the test files whose tests cover the mutant.
//
// Why: with `coverageAnalysis: "perTest"` the jest runner narrows a mutant run by test *name*
// (`testNamePattern`), but jest still loads every test file to find those names. Each of our
// config and policy test files loads the Pulumi SDK (about 0.5 s), so every mutant paid for
// some 30 files: about 18 s a mutant, six hours for the three folders on two cores. The dry run
// already says which file each test lives in; this runner keeps that map and gives jest only
// the covering files. Which tests run, and how their results are read, is unchanged.
import { strykerPlugins as jestRunnerPlugins } from "@stryker-mutator/jest-runner";
import {
  PluginKind,
  commonTokens,
  declareFactoryPlugin,
  tokens,
} from "@stryker-mutator/api/plugin";

const jestRunner = jestRunnerPlugins.find(
  (plugin) => plugin.kind === PluginKind.TestRunner && plugin.name === "jest",
);
if (!jestRunner) {
  throw new Error("@stryker-mutator/jest-runner no longer declares its 'jest' test runner plugin");
}

class CoveringFilesRunner {
  constructor(inner) {
    this.inner = inner;
    this.filesOfTest = new Map();
  }

  init() {
    return this.inner.init();
  }

  capabilities() {
    return this.inner.capabilities();
  }

  dispose() {
    return this.inner.dispose?.();
  }

  async dryRun(options) {
    const result = await this.inner.dryRun(options);
    for (const test of result.tests ?? []) {
      if (!test.fileName) continue;
      const files = this.filesOfTest.get(test.id) ?? new Set();
      files.add(test.fileName);
      this.filesOfTest.set(test.id, files);
    }
    return result;
  }

  async mutantRun(options) {
    const files = this.coveringFiles(options.testFilter);
    if (!files) return this.inner.mutantRun(options);
    const allFiles = this.inner.jestConfig;
    // Absolute paths are valid testMatch globs as long as they hold no glob characters.
    this.inner.jestConfig = { ...allFiles, testMatch: files, testRegex: undefined };
    try {
      return await this.inner.mutantRun(options);
    } finally {
      this.inner.jestConfig = allFiles;
    }
  }

  // Undefined means "no narrowing": no filter (all tests), or a test the dry run did not place.
  coveringFiles(testFilter) {
    if (!testFilter || testFilter.length === 0) return undefined;
    const files = new Set();
    for (const id of testFilter) {
      const ofTest = this.filesOfTest.get(id);
      if (!ofTest) return undefined;
      for (const file of ofTest) {
        if (/[*?[\]{}()!]/.test(file)) return undefined;
        files.add(file);
      }
    }
    return [...files];
  }
}

function coveringFilesRunnerFactory(injector) {
  return new CoveringFilesRunner(injector.injectFunction(jestRunner.factory));
}
coveringFilesRunnerFactory.inject = tokens(commonTokens.injector);

export const strykerPlugins = [
  declareFactoryPlugin(PluginKind.TestRunner, "jest-covering-files", coveringFilesRunnerFactory),
];
