// @ts-check
/**
 * The pack precompiled to plain JavaScript. Run from its TypeScript sources, the pack pays a
 * ts-node start with a full type-check of every module (about 2 s per preview); compiled, it
 * pays a Node start. The compiled pack is used only while it matches the sources: bin/ holds
 * the hash of the sources it was built from, and anything else (missing, older, a failed build)
 * runs the sources instead, never the stale output.
 *
 *   node precompiled.js prepare   npm ci in ../domain (npm does not install the dependencies of
 *                                 a `file:` link outside the pack), then build (`npm ci` runs it)
 *   node precompiled.js build     compile the pack and ../domain into bin/ (`npm run build`)
 *   node precompiled.js status    "fresh", or why not; exits 1 when not fresh
 *   node precompiled.js run <engine-address>
 *                                 serve the pack for the engine: the compiled pack when fresh,
 *                                 else the sources through @pulumi/pulumi's own runner (ts-node)
 *
 * NIGHTSCOUT_POLICY_PACK_MODE=compiled|sources makes `run` use one of them (compiled refuses a
 * stale build instead of falling back); unset, it picks as above.
 *
 * Plain CommonJS on purpose: it has to run before anything is compiled.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const PACK = __dirname;
const DOMAIN = path.join(PACK, "..", "domain");
const OUT = path.join(PACK, "bin");
const STAMP = path.join(OUT, "source-hash");
/** Compiled with rootDir "..": bin/policies/ and bin/domain/ mirror the sources. */
const ENTRY = path.join(OUT, "policies", "index.js");
/** Not sources of the compiled code: installs, outputs, and the manifests (read at run time). */
const NOT_SOURCES = new Set(["node_modules", "bin", "package.json", "package-lock.json"]);

/**
 * Every file under `dir` (relative, sorted), except NOT_SOURCES and build leftovers.
 * @param {string} dir
 * @param {string} [rel]
 * @returns {string[]}
 */
function sourceFiles(dir, rel = "") {
  const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  return entries
    .filter((e) => !NOT_SOURCES.has(e.name) && !e.name.startsWith("bin.tmp-"))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      /** @type {string} */
      const p = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? sourceFiles(dir, p) : [p];
    });
}

/** The hash of what the compiled pack is built from: the pack's and the domain's files. */
function sourceHash() {
  const h = crypto.createHash("sha256");
  for (const [name, dir] of [
    ["policies", PACK],
    ["domain", DOMAIN],
  ]) {
    for (const f of sourceFiles(dir)) {
      h.update(`${name}/${f}\0`);
      h.update(fs.readFileSync(path.join(dir, f)));
      h.update("\0");
    }
  }
  return h.digest("hex");
}

/** Whether bin/ may be run: fresh, or the reason it may not. */
function freshness() {
  if (!fs.existsSync(ENTRY) || !fs.existsSync(STAMP)) {
    return { fresh: false, reason: "not built" };
  }
  if (fs.readFileSync(STAMP, "utf8").trim() !== sourceHash()) {
    return { fresh: false, reason: "older than the sources" };
  }
  return { fresh: true, reason: "fresh" };
}

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  process.stderr.write(`policies/precompiled.js: ${message}\n`);
  process.exit(1);
}

function installDomain() {
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: DOMAIN,
    stdio: "inherit",
  });
  if (r.status !== 0) fail(`npm ci in ${DOMAIN} failed (exit ${r.status ?? r.error})`);
}

/** Compiles into a fresh folder and swaps it in, so a reader never sees half a build. */
function build() {
  const hash = sourceHash(); // before compiling: a source edited meanwhile makes the build stale
  const tmp = path.join(PACK, `bin.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  const tsc = require.resolve("typescript/bin/tsc", { paths: [PACK] });
  const r = spawnSync(
    process.execPath,
    [tsc, "-p", path.join(PACK, "tsconfig.json"), "--outDir", tmp],
    { stdio: "inherit" },
  );
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    fail(`tsc failed (exit ${r.status ?? r.error}); bin/ left as it was, so the sources run`);
  }
  // The compiled domain resolves its dependencies (cron-parser) where the sources do.
  fs.symlinkSync(
    path.relative(path.join(tmp, "domain"), path.join(DOMAIN, "node_modules")),
    path.join(tmp, "domain", "node_modules"),
  );
  fs.writeFileSync(path.join(tmp, "source-hash"), `${hash}\n`);
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.renameSync(tmp, OUT);
}

/**
 * Gives @pulumi/policy, and only it, a view of the SDK's index that holds what it reads from
 * the index (`Output` and `asset`, in deserialize.js), each taken from the SDK module that
 * defines it (the index re-exports those very objects), and loads the real index the first
 * time anything else is read: only the moment the rest is loaded changes. The index loads all
 * of @pulumi/pulumi, the Automation API's npm libraries (arborist, pacote, sigstore) included:
 * 780 modules against 197, most of the pack's start-up, which the engine waits for before it
 * runs the program. Returns whether the real index has been loaded so far, or undefined when
 * the SDK is not laid out as expected and is left to load as it always does.
 * @param {string} packDir
 * @returns {(() => boolean) | undefined}
 */
function loadSdkIndexLazilyForPolicy(packDir) {
  const Module = require("node:module");
  let policyDir, sdkDir, sdkIndex;
  try {
    policyDir = path.dirname(require.resolve("@pulumi/policy/package.json", { paths: [packDir] }));
    sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [policyDir] }));
    sdkIndex = require.resolve("@pulumi/pulumi", { paths: [policyDir] });
  } catch {
    return undefined;
  }
  /** @type {Record<string, unknown>} */
  const eager = {
    Output: require(path.join(sdkDir, "output")).Output,
    asset: require(path.join(sdkDir, "asset")),
  };
  /** @type {Record<string | symbol, unknown> | undefined} */
  let full;
  const real = () => (full ??= require(sdkIndex));
  const view = new Proxy(eager, {
    get: (target, name) =>
      Object.hasOwn(target, name) ? target[/** @type {string} */ (name)] : real()[name],
    has: (target, name) => Object.hasOwn(target, name) || name in real(),
  });
  const inPolicy = policyDir + path.sep;
  /** @type {(request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown} */
  // @ts-expect-error Module._load is Node's loader, the one hook CommonJS offers; untyped.
  const load = Module._load;
  // @ts-expect-error as above
  Module._load = function (request, parent, isMain) {
    if (request === "@pulumi/pulumi" && parent?.filename?.startsWith(inPolicy)) return view;
    return load.call(this, request, parent, isMain);
  };
  return () => full !== undefined;
}

/** @param {string | undefined} engineAddress */
function run(engineAddress) {
  const mode = process.env.NIGHTSCOUT_POLICY_PACK_MODE || "auto";
  if (!["auto", "compiled", "sources"].includes(mode)) {
    fail(
      `NIGHTSCOUT_POLICY_PACK_MODE=${mode} is not a mode. Fix: set it to compiled or sources, or unset it`,
    );
  }
  // PolicyPack reads its version from ./package.json.
  process.chdir(PACK);
  if (mode !== "sources") {
    const state = freshness();
    if (state.fresh) {
      // Source maps for the pack's own files only: enabled before the SDK loads, Node would
      // read the maps of its hundreds of modules too (measured at 0.1-0.2 s of start-up).
      loadSdkIndexLazilyForPolicy(PACK);
      require(require.resolve("@pulumi/policy", { paths: [PACK] }));
      process.setSourceMapsEnabled(true);
      require(ENTRY);
      return;
    }
    if (mode === "compiled") {
      fail(`the compiled pack in ${OUT} is ${state.reason}. Fix: (cd ${PACK} && npm run build)`);
    }
    process.stderr.write(
      `policies/precompiled.js: the compiled pack is ${state.reason}; running the sources ` +
        `(slower). Fix: (cd ${PACK} && npm run build)\n`,
    );
  }
  if (!engineAddress) fail("run needs the engine address");
  let runner;
  try {
    runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK] });
  } catch {
    fail(`@pulumi/pulumi is not installed in ${PACK}. Fix: (cd ${PACK} && npm ci)`);
  }
  // The runner reads `<engine-address> <program>` from argv when it loads.
  process.argv = [process.execPath, runner, engineAddress, PACK];
  require(runner);
}

module.exports = {
  sourceHash,
  freshness,
  loadSdkIndexLazilyForPolicy,
  OUT,
  ENTRY,
};

if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  if (command === "prepare") {
    installDomain();
    build();
  } else if (command === "build") {
    build();
  } else if (command === "status") {
    const state = freshness();
    console.log(state.reason);
    process.exitCode = state.fresh ? 0 : 1;
  } else if (command === "run") {
    run(args[args.length - 1]);
  } else {
    fail(`unknown command ${command ?? "(none)"}. Use prepare, build, status or run`);
  }
}
