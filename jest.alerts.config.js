/**
 * The alert rules under `promtool test rules` (tests/alerts/*.alerts.ts): needs promtool, which
 * `bash tools/parts/promtool.sh --path-only` installs (Debian's prometheus package, cached). Kept out
 * of `npm test` so a clone without apt still passes the unit tests. Run with `npm run test:alerts`.
 */
const { transform } = require("./jest.config");

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests/alerts"],
  testMatch: ["**/*.alerts.ts"],
  transform,
  testTimeout: 120000,
  maxWorkers: 1,
};
