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
import { lazyModule } from "./lazy-module";
// The file behind the package's "main": a path, so the mapper does not send it back here.
const REAL = "typescript/lib/typescript.js";

module.exports = lazyModule(REAL, "lazy-typescript.loaded");
