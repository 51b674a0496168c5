/**
 * Integration tests: the post-deploy check against a real FerretDB v1.24.2 on a private
 * PostgreSQL 15 (tests/integration/harness.ts). Run with `npm run test:integration`.
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
  // Builds FerretDB once when it is not cached yet (minutes on a cold machine).
  globalSetup: "<rootDir>/tests/integration/globalSetup.ts",
  // A failing case waits for its deadline (at most 60 s here) plus start-up and teardown.
  testTimeout: 120000,
  maxWorkers: 1,
};
