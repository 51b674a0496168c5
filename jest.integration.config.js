/**
 * Integration tests on the real data path, configured from what the program renders
 * (tests/integration/harness.ts, tools/data-path/): the post-deploy check against FerretDB v2 on
 * PostgreSQL 15 with DocumentDB, and the real Nightscout 15.0.7 for both stacks. Run with
 * `npm run test:integration`.
 * Serial: the suites stop and start their servers, and the machine has two cores.
 * TypeScript goes through the unit tests' SWC transform (jest.config.js), as the check's CLI
 * does through ts-node. Only *.test.ts files are suites: tests/integration/unit/ holds unit
 * test bodies that tests/postDeployCheck.test.ts registers.
 */
const { transform } = require("./jest.config");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/integration"],
  testMatch: ["**/*.test.ts"],
  transform,
  // Builds the data path once when it is not cached yet (about 9 minutes on a cold machine).
  globalSetup: "<rootDir>/tests/integration/globalSetup.ts",
  // A failing case waits for its deadline (at most 60 s here) plus start-up and teardown;
  // Nightscout's boot has its own, longer budget in its suite.
  testTimeout: 120000,
  maxWorkers: 1,
};
