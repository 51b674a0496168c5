/**
 * @npmcli/arborist, loaded on first use. Jest gives every test file a fresh module registry,
 * so each file that reaches @pulumi/pulumi loads it again, and the SDK's
 * runtime/closure/codePaths.js requires arborist at load time: 448 of the 771 modules the SDK's
 * index brings in, about 0.3 s a file. Only closure serialization (function serialization for
 * dynamic providers and the like) ever reads it, and nothing in this project serializes a
 * closure. jest.config.js maps the package name here; the first read of any of its exports
 * loads the real package and hands back its value, so behaviour is the real module's
 * (tests/helpers/lazy-arborist.test.ts checks both halves). The same idea serves the policy
 * pack: policies/precompiled.js.
 */
// A subpath, so jest's moduleNameMapper (which matches the bare package name) does not send
// this require back here. One copy is installed, the SDK's (npm ls @npmcli/arborist).
const REAL = "@npmcli/arborist/lib/index.js";

let real: Record<string, unknown> | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): Record<string, unknown> => (real ??= require(REAL) as Record<string, unknown>);
// For tests/helpers/lazy-arborist.test.ts: whether anything has read the package yet.
Object.defineProperty(module.exports, Symbol.for("lazy-arborist.loaded"), {
  get: () => real !== undefined,
});

// The SDK imports it with TypeScript's older __importStar, which copies every enumerable export
// at once unless the module says it is an ES module: so it says so, and the SDK keeps this
// object and reads `Arborist` only when it serializes a closure. `default` is the package
// itself, for an importer that asks for it.
Object.defineProperty(module.exports, "__esModule", { value: true });
Object.defineProperty(module.exports, "default", { enumerable: true, get: load });
for (const name of ["Arborist", "Node", "Link", "Edge", "Shrinkwrap"]) {
  Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });
}
