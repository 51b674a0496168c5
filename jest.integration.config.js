/**
 * Integration tests: the post-deploy check against a real FerretDB v1.24.2 on a private
 * PostgreSQL 15 (tests/integration/harness.ts). Run with `npm run test:integration`.
 * Serial: the suites stop and start their servers, and the machine has two cores.
 */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/tests/integration"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  // Builds FerretDB once when it is not cached yet (minutes on a cold machine).
  globalSetup: "<rootDir>/tests/integration/globalSetup.ts",
  testTimeout: 120000,
  maxWorkers: 1,
};
