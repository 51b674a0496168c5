/**
 * The real CloudNative-PG operator against the local cluster (tests/operator): the program's
 * CNPG objects go through the operator's own admission webhooks, and the controller creates
 * what the program counts on. Run with `npm run test:operator`, which builds the operator
 * (tools/parts/cnpg-operator/build.sh) and the control plane outside the network namespace, then
 * runs this inside it. Separate from `npm run up:local` and the e2e tests: its own cluster,
 * without the stand-in that marks Clusters Ready. The files are *.optest.ts so that the unit
 * run (jest.config.js, **\/*.test.ts) never starts a cluster. docs/cnpg-operator.md.
 */
const { transform } = require("./jest.config");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/operator"],
  testMatch: ["**/*.optest.ts"],
  globalSetup: "<rootDir>/tests/operator/global-setup.ts",
  globalTeardown: "<rootDir>/tests/operator/global-teardown.ts",
  transform,
  testTimeout: 180000,
  maxWorkers: 1,
};
