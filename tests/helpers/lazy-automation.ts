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
import { lazyModule } from "./lazy-module";

// The real module by its absolute path, which the resolver leaves alone.
const REAL = path.join(
  path.dirname(require.resolve("@pulumi/pulumi/package.json")),
  "automation",
  "index.js",
);

module.exports = lazyModule(REAL, "lazy-automation.loaded", { __esModule: true });
