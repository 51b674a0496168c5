/**
 * Integration tests on the local data path, configured from what the program renders
 * (tests/integration/harness.ts, tools/parts/data-path/): the post-deploy check (CLI, in-process and
 * through the port-forward wrapper) and its failure modes against FerretDB v1.24.2 on Debian's
 * PostgreSQL 15, the servers' own plumbing (the reaper), and the glucose exporter against a
 * stand-in of Nightscout's API. The cluster runs FerretDB v2 on DocumentDB and Nightscout
 * 15.0.7, which no package registry serves: docs/data-path.md lists what is therefore no longer
 * verified live. Run with `npm run test:integration`.
 * Serial: the suites stop and start their servers, and the machine has two cores.
 * TypeScript goes through the unit tests' SWC transform (jest.config.js), as the check's CLI
 * does through ts-node.
 */
const { transform } = require("./jest.config");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/integration"],
  testMatch: ["**/*.test.ts"],
  transform,
  // Builds the data path once when it is not cached yet (tools/parts/data-path/build.sh).
  globalSetup: "<rootDir>/tests/integration/global-setup.ts",
  // A failing case waits for its deadline (at most 60 s here) plus start-up and teardown.
  testTimeout: 120000,
  maxWorkers: 1,
};
