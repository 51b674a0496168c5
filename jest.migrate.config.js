/**
 * The migration against real servers (tests/migrate/servers/): a source and a target data
 * path from tests/integration/harness.ts, seeded by migrate/generate. Run with
 * `npm run test:migrate`. Serial: every suite starts two PostgreSQL + FerretDB pairs and the
 * machine has two cores. TypeScript goes through the unit tests' SWC transform.
 */
const { transform } = require("./jest.config");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/migrate/servers"],
  testMatch: ["**/*.test.ts"],
  transform,
  // Starting two data paths, seeding and a full migration take minutes on a loaded machine.
  testTimeout: 600000,
  maxWorkers: 1,
};
