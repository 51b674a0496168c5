/**
 * The pack as a package of its own, without installing anything: domain/ declares what it
 * imports, pinned as the root pins it; policies/ depends on domain/ through `file:../domain`;
 * and the precompiled pack (policies/precompiled.js) is run only while it matches the sources.
 * tests/e2e/policy-pack-standalone.test.ts installs and runs a copy of the two folders alone.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface Lock {
  packages: Record<string, { dependencies?: Record<string, string> }>;
}
const json = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : tsFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** The packages a file imports by name (not relative, not node: builtins). */
function bareImports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from|import|require\()\s*["']([^"']+)["']/g)].map(
    (m) => m[1],
  );
  return specs
    .filter((s) => !s.startsWith(".") && !s.startsWith("node:"))
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]));
}

describe("domain/ as a package", () => {
  const domain = json<Manifest>("domain/package.json");
  const root = json<Manifest>("package.json");

  it("declares every package its sources import", () => {
    const imported = new Set(tsFiles(path.join(ROOT, "domain")).flatMap(bareImports));
    expect([...imported].sort()).toEqual(Object.keys(domain.dependencies ?? {}).sort());
  });

  it("pins each dependency exactly, at the root's version", () => {
    expect(domain.private).toBe(true);
    for (const [name, version] of Object.entries(domain.dependencies ?? {})) {
      expect([name, version]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
      expect([name, version]).toEqual([name, root.dependencies?.[name]]);
    }
  });

  it("has a lockfile that matches its manifest", () => {
    const lock = json<Lock>("domain/package-lock.json");
    expect(lock.packages[""].dependencies).toEqual(domain.dependencies);
  });
});

describe("policies/ depends on domain/", () => {
  const pack = json<Manifest>("policies/package.json");

  it("as a local package, locked with domain's dependencies", () => {
    const domain = json<Manifest>("domain/package.json");
    expect(pack.dependencies?.[domain.name]).toBe("file:../domain");
    const lock = json<Lock>("policies/package-lock.json");
    expect(lock.packages["../domain"].dependencies).toEqual(domain.dependencies);
  });

  it("pins its own dependencies at the root's versions", () => {
    const root = json<Manifest>("package.json");
    const rootVersions = { ...root.dependencies, ...root.devDependencies };
    for (const [name, version] of Object.entries({
      ...pack.dependencies,
      ...pack.devDependencies,
    })) {
      if (version.startsWith("file:")) continue;
      expect([name, version]).toEqual([name, rootVersions[name]]);
    }
  });
});

describe("the precompiled pack (policies/precompiled.js)", () => {
  let copy: string;
  const script = () => path.join(copy, "policies", "precompiled.js");
  const node = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [script(), ...args], {
      encoding: "utf8",
      env: { ...process.env, NIGHTSCOUT_POLICY_PACK_MODE: "", ...env },
    });
  /** A stand-in build: what `build` leaves, with the hash of the sources as they are now. */
  const fakeBuild = () => {
    const entry = path.join(copy, "policies", "bin", "policies", "index.js");
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(entry, 'console.log("compiled pack ran");\n');
    // The SDK the compiled pack is loaded after, as a stand-in (no install in this copy).
    const sdk = path.join(copy, "policies", "node_modules", "@pulumi", "policy");
    fs.mkdirSync(sdk, { recursive: true });
    fs.writeFileSync(path.join(sdk, "index.js"), "");
    const hash = spawnSync(
      process.execPath,
      ["-p", `require(${JSON.stringify(script())}).sourceHash()`],
      { encoding: "utf8" },
    ).stdout.trim();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    fs.writeFileSync(path.join(copy, "policies", "bin", "source-hash"), `${hash}\n`);
  };

  beforeEach(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), "nightscout-precompiled-"));
    const skip = (src: string) => !/[/\\](node_modules|bin)$/.test(src);
    for (const dir of ["policies", "domain"])
      fs.cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true, filter: skip });
  });
  afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

  it("is fresh only while bin/ holds the hash of the current sources", () => {
    expect(node(["status"]).stdout.trim()).toBe("not built");
    fakeBuild();
    expect(node(["status"]).stdout.trim()).toBe("fresh");
    // The manifests are read at run time, not compiled: editing them keeps the build.
    fs.appendFileSync(path.join(copy, "policies", "package.json"), "\n");
    expect(node(["status"]).status).toBe(0);
    // A domain source is compiled into the pack.
    fs.appendFileSync(path.join(copy, "domain", "names.ts"), "\n// edited\n");
    expect(node(["status"])).toMatchObject({ status: 1, stdout: "older than the sources\n" });
  });

  it("sees a new source file as a change", () => {
    fakeBuild();
    fs.writeFileSync(path.join(copy, "policies", "lib", "new-helper.ts"), "export {};\n");
    expect(node(["status"]).stdout.trim()).toBe("older than the sources");
  });

  it("runs the compiled pack when fresh", () => {
    fakeBuild();
    const r = node(["run", "127.0.0.1:1"]);
    expect(r.stdout).toBe("compiled pack ran\n");
    expect(r.status).toBe(0);
  });

  it("refuses a stale build when told to run compiled, and says how to fix it", () => {
    fakeBuild();
    fs.appendFileSync(path.join(copy, "policies", "policies.ts"), "\n");
    const r = node(["run", "127.0.0.1:1"], { NIGHTSCOUT_POLICY_PACK_MODE: "compiled" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("is older than the sources. Fix: (cd ");
    expect(r.stderr).toContain("npm run build)");
  });

  it("falls back to the sources, never the stale build, and says so", () => {
    fakeBuild();
    fs.appendFileSync(path.join(copy, "policies", "policies.ts"), "\n");
    // No node_modules in the copy: the sources' runner is missing, which proves the stale
    // build did not run.
    const r = node(["run", "127.0.0.1:1"]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("the compiled pack is older than the sources; running the sources");
    expect(r.stderr).toContain("@pulumi/pulumi is not installed in");
    expect(r.status).toBe(1);
  });

  it("refuses an unknown mode, naming the setting and the values", () => {
    const r = node(["run", "127.0.0.1:1"], { NIGHTSCOUT_POLICY_PACK_MODE: "fast" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "NIGHTSCOUT_POLICY_PACK_MODE=fast is not a mode. Fix: set it to compiled or sources, or unset it",
    );
  });
});

describe("the SDK as the precompiled pack loads it", () => {
  const POLICIES = path.join(ROOT, "policies");
  // In a child: jest's module registry does not go through Node's loader, which the view hooks.
  const probe = `
    const path = require("node:path");
    const { createRequire } = require("node:module");
    const pack = ${JSON.stringify(POLICIES)};
    const indexLoaded = require(path.join(pack, "precompiled.js")).loadSdkIndexLazilyForPolicy(pack);
    const fromPack = createRequire(path.join(pack, "index.js"));
    const policyDir = path.dirname(fromPack.resolve("@pulumi/policy/package.json"));
    const fromPolicy = createRequire(path.join(policyDir, "index.js"));
    const { Struct } = fromPolicy("google-protobuf/google/protobuf/struct_pb");
    const { deserializeProperties } = fromPolicy("./deserialize");
    const rpc = fromPolicy("@pulumi/pulumi/runtime/rpc");
    // A resource property holding a file asset, as the engine sends it.
    const props = deserializeProperties(
      Struct.fromJavaScript({
        data: { [rpc.specialSigKey]: rpc.specialAssetSig, path: "/x" },
      }),
      false,
    );
    const realAsset = fromPolicy("@pulumi/pulumi/asset");
    const servedWithoutIndex = !indexLoaded();
    const arboristLoaded = Object.keys(require.cache).some((f) => f.includes("@npmcli/arborist"));
    const view = fromPolicy("@pulumi/pulumi");
    const otherName = view.runtime;
    const index = fromPack("@pulumi/pulumi");
    console.log(JSON.stringify({
      servedWithoutIndex,
      arboristLoaded,
      assetDeserialized: props.data instanceof realAsset.FileAsset,
      sameOutput: view.Output === fromPolicy("@pulumi/pulumi/output").Output,
      indexLoadedOnOtherName: indexLoaded(),
      otherNameIsTheIndexs: otherName === index.runtime,
      othersGetTheIndex: index !== view && typeof index.automation === "object",
    }));
  `;

  it("serves @pulumi/policy without loading the SDK's whole index, and loads it on first need", () => {
    const r = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      servedWithoutIndex: true,
      arboristLoaded: false,
      assetDeserialized: true,
      sameOutput: true,
      indexLoadedOnOtherName: true,
      otherNameIsTheIndexs: true,
      othersGetTheIndex: true,
    });
  });
});
