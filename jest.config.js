/**
 * Unit tests: Pulumi mocks, config validation, schema conformance, policies. No servers.
 *
 * TypeScript goes through SWC (@swc/jest), as `pulumi up` runs it (tsconfig.json's "ts-node"
 * section): per-file transpilation, no type-checking; `npm run build` type-checks. The options
 * follow tsconfig.json (ES2022, CommonJS with esModuleInterop, define semantics for class
 * fields). jest.e2e.config.js and jest.integration.config.js reuse this `transform`.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: [
    "/node_modules/",
    "/tests/integration/",
    "/tests/e2e/",
    "/tests/migrate/servers/",
  ],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        swcrc: false,
        sourceMaps: "inline",
        module: { type: "commonjs" },
        jsc: {
          parser: { syntax: "typescript" },
          target: "es2022",
          keepClassNames: true,
          transform: { useDefineForClassFields: true },
        },
      },
    ],
  },
  // @pulumi/pulumi loads @npmcli/arborist and TypeScript at load time for closure
  // serialization, which nothing here uses: each is loaded on first read instead
  // (tests/helpers/lazy-arborist.ts and lazy-typescript.ts say why).
  moduleNameMapper: {
    "^@npmcli/arborist$": "<rootDir>/tests/helpers/lazy-arborist.ts",
    "^typescript$": "<rootDir>/tests/helpers/lazy-typescript.ts",
  },
  // And the SDK index's Automation API, which only the engine tests use (resolver.js says why).
  resolver: "<rootDir>/tests/helpers/resolver.js",
  // The CRDs and release manifests the tests read, fetched into the cache once (Go modules).
  globalSetup: "<rootDir>/tools/lib/upstream-files.setup.ts",
  testTimeout: 30000,
  // Jest's default (one worker less than the CPUs) runs the suite in band on two cores; its
  // parent process idles while workers run, so give each core a worker.
  maxWorkers: "100%",
};
