/**
 * The migration against real servers (tests/migrate/servers/): a source and a target data
 * path from tests/integration/harness.ts (FerretDB v1.24.2 on PostgreSQL 15 each; the stack's
 * FerretDB v2 on DocumentDB is not available here, docs/migration.md says what that changes),
 * seeded by migrate/generate. Run with `npm run test:migrate`. Serial: every suite starts two
 * PostgreSQL + FerretDB pairs and the machine has two cores. TypeScript goes through the unit
 * tests' SWC transform.
 */
const { transform } = require("./jest.config");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/migrate/servers"],
  testMatch: ["**/*.test.ts"],
  transform,
  // Builds the data path once when it is not cached yet (tools/parts/data-path/build.sh).
  globalSetup: "<rootDir>/tests/integration/global-setup.ts",
  // Starting two data paths, seeding and a full migration take minutes on a loaded machine.
  testTimeout: 600000,
  maxWorkers: 1,
};
