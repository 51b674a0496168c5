/**
 * End-to-end tests with the real Pulumi engine, offline (tests/e2e): preview and up of both stacks
 * on a local file backend with the policy pack. Run with `npm run test:e2e`. The first run builds
 * the engine with tools/pulumi-toolchain.sh (about 25 minutes on 2 cores; cached afterwards).
 */
const { transform } = require("./jest.config");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/e2e"],
  testMatch: ["**/*.test.ts"],
  transform,
  testTimeout: 600000,
  maxWorkers: 1,
};
