/**
 * End-to-end tests with the real Pulumi engine, offline (tests/e2e): preview and up of both stacks
 * on a local file backend with the policy pack (engine.test.ts), and real deployments of both
 * stacks to the local cluster (cluster-*.test.ts, tools/parts/local-cluster). Run with
 * `npm run test:e2e`. The first run builds the engine (tools/parts/pulumi-toolchain.sh) and the
 * control plane (tools/parts/local-cluster/build.sh): see docs/local-cluster.md for the times; cached
 * afterwards. The global teardown stops the tests' cluster (E2E_KEEP_CLUSTER=1 keeps it).
 */
const { transform } = require("./jest.config");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/e2e"],
  testMatch: ["**/*.test.ts"],
  globalTeardown: "<rootDir>/tests/e2e/global-teardown.ts",
  transform,
  testTimeout: 600000,
  maxWorkers: 1,
};
