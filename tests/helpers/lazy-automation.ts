/**
 * The SDK's `automation` namespace, loaded on first use. @pulumi/pulumi's index requires
 * ./automation at load time (the Automation API: LocalWorkspace, its gRPC servers, execa), and
 * only the engine tests use it, through `@pulumi/pulumi/automation`: about a third of the
 * SDK's load once TypeScript and arborist are lazy, paid by every test file that reaches the
 * SDK. tests/helpers/resolver.js sends the index's `./automation` here, and only that one; the
 * proxy loads the real module on the first read of anything but `__esModule` (which the
 * index's __importStar reads at once), so `pulumi.automation.X` is the real X.
 * tests/helpers/lazy-automation.test.ts checks both halves.
 */
import * as path from "node:path";

// The real module by its absolute path, which the resolver leaves alone.
const REAL = path.join(
  path.dirname(require.resolve("@pulumi/pulumi/package.json")),
  "automation",
  "index.js",
);

let real: Record<string | symbol, unknown> | undefined;
const load = (): Record<string | symbol, unknown> =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (real ??= require(REAL) as Record<string | symbol, unknown>);
const LOADED = Symbol.for("lazy-automation.loaded");

module.exports = new Proxy(
  {},
  {
    get: (_target, key) => {
      if (key === LOADED) return real !== undefined;
      if (key === "__esModule") return true;
      return load()[key];
    },
    has: (_target, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    // Configurable, so the proxy's empty target never contradicts what it reports.
    getOwnPropertyDescriptor: (_target, key) => {
      const found = Reflect.getOwnPropertyDescriptor(load(), key);
      return found && { ...found, configurable: true };
    },
  },
);
