/**
 * TypeScript, loaded on first use. The SDK's runtime/closure/parseFunction.js requires it at
 * load time (through its typescript-shim), and only closure serialization ever calls it: about
 * 0.23 s of the SDK's 0.63 s native load, paid again by every test file that reaches
 * @pulumi/pulumi, since jest gives each file a fresh module registry. jest.config.js maps the
 * bare package name here, as it does for @npmcli/arborist (lazy-arborist.ts says more). The
 * module is a proxy: every read, key listing or `in` check loads the real compiler once and
 * answers from it, so a file that does use TypeScript (tools/lib/model-fields.ts) sees the
 * real module. tests/helpers/lazy-typescript.test.ts checks both halves.
 */
// The file behind the package's "main": a path, so the mapper does not send it back here.
const REAL = "typescript/lib/typescript.js";

let real: Record<string | symbol, unknown> | undefined;
const load = (): Record<string | symbol, unknown> =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (real ??= require(REAL) as Record<string | symbol, unknown>);
const LOADED = Symbol.for("lazy-typescript.loaded");

module.exports = new Proxy(
  {},
  {
    get: (_target, key) => (key === LOADED ? real !== undefined : load()[key]),
    has: (_target, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    // Configurable, so the proxy's empty target never contradicts what it reports.
    getOwnPropertyDescriptor: (_target, key) => {
      const found = Reflect.getOwnPropertyDescriptor(load(), key);
      return found && { ...found, configurable: true };
    },
  },
);

// A module of its own, not a script sharing its names with the other lazy helpers.
export {};
