/**
 * The policy pack on its own: a copy of only policies/ and domain/ in a temporary folder with no
 * node_modules above it (Node and tsc would otherwise climb to the root's), installed with
 * `npm ci` in the copied policies/, then compiled, run over the program's resources, and run by
 * the real engine in a preview, precompiled and from its sources.
 *
 * In the e2e suite for the engine. `npm ci` runs inside the network namespace, where no
 * registry answers: it is served from npm's cache, which tools/parts/local-cluster/prepare.sh (run
 * before the suite) fills by installing the pack in the checkout.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { evaluatePolicies, type PolicyPackConfig } from "../../policies/evaluate";
import { captureStack, type CapturedResource } from "../../tools/lib/capture";
import { ROOT, scratchStack, toolchainEnv } from "../../tools/lib/offline-engine";

const LAUNCHER = path.join(ROOT, "tools", "parts", "engine", "run-policy-pack");

let copy: string;
let pack: string;

function run(cmd: string, args: string[], cwd: string, input?: string): SpawnSyncReturns<string> {
  // No NODE_PATH: the copy must find everything it needs in its own folders.
  const env = { ...process.env, NODE_PATH: "" };
  const r = spawnSync(cmd, args, { cwd, env, input, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const packConfig = (stack: string): PolicyPackConfig =>
  JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "config", `${stack}.json`), "utf8"));

beforeAll(() => {
  toolchainEnv();
  copy = fs.mkdtempSync(path.join(os.tmpdir(), "nightscout-pack-"));
  const skip = (src: string) => !/[/\\](node_modules|bin|bin\.tmp-\d+)$/.test(src);
  for (const dir of ["policies", "domain"])
    fs.cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true, filter: skip });
  pack = path.join(copy, "policies");
  ok(run("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], pack), "npm ci in the copy");
}, 300_000);

afterAll(() => {
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

test("the copy has no node_modules above it, and nothing of the checkout", () => {
  expect(path.relative(ROOT, copy).startsWith("..")).toBe(true);
  const above: string[] = [];
  for (let dir = copy; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules"))) above.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  expect(above).toEqual([]);
  expect(fs.readdirSync(copy).sort()).toEqual(["domain", "policies"]);
});

test("npm ci in the pack installs the domain's dependencies too, and compiles the pack", () => {
  const domain = JSON.parse(fs.readFileSync(path.join(copy, "domain", "package.json"), "utf8"));
  for (const [name, version] of Object.entries(
    (domain.dependencies ?? {}) as Record<string, string>,
  )) {
    const installed = path.join(copy, "domain", "node_modules", name, "package.json");
    expect([name, JSON.parse(fs.readFileSync(installed, "utf8")).version]).toEqual([name, version]);
  }
  expect(ok(run("node", ["precompiled.js", "status"], pack), "status").trim()).toBe("fresh");
});

test("the pack type-checks on its own (tsc -p policies)", () => {
  const tsc = path.join(pack, "node_modules", "typescript", "bin", "tsc");
  ok(run("node", [tsc, "-p", "policies", "--noEmit"], copy), "tsc -p policies");
});

describe("the copy's compiled pack over the program's resources", () => {
  let resources: CapturedResource[];
  beforeAll(async () => {
    resources = (await captureStack("staging")).resources;
  }, 120_000);

  /** The copy's compiled evaluator in a plain Node process of its own. */
  const evaluateInCopy = (stack: string, input: CapturedResource[]) => {
    const script = `
      const { evaluatePolicies } = require("./bin/policies/evaluate.js");
      const { resources, config } = JSON.parse(require("fs").readFileSync(0, "utf8"));
      evaluatePolicies(resources, config).then((v) => console.log(JSON.stringify(v)));`;
    const stdin = JSON.stringify({ resources: input, config: packConfig(stack) });
    return JSON.parse(ok(run("node", ["-e", script], pack, stdin), "the copy's evaluator"));
  };

  it.each(["staging", "production"])(
    "reports what the checkout's pack reports (%s config)",
    async (stack) => {
      const expected = await evaluatePolicies(resources, packConfig(stack));
      expect(evaluateInCopy(stack, resources)).toEqual(JSON.parse(JSON.stringify(expected)));
    },
  );

  it("refuses one instance under production's config", () => {
    const violations = evaluateInCopy("production", resources) as { policy: string }[];
    expect(violations.map((v) => v.policy)).toContain("cnpg-min-instances");
  });
});

describe("the engine runs the copy", () => {
  // A version of the copy's own, so the preview's output shows which pack served it.
  beforeAll(() => {
    const manifest = path.join(pack, "package.json");
    const json = JSON.parse(fs.readFileSync(manifest, "utf8"));
    fs.writeFileSync(manifest, JSON.stringify({ ...json, version: "0.1.0-standalone" }, null, 2));
  });

  const preview = (stack: string, name: string, mode: string, config: Record<string, string>) => {
    const s = scratchStack(stack, {
      name,
      config: { postDeployCheck: "off", ...config },
      env: { NIGHTSCOUT_POLICY_PACK_DIR: pack, NIGHTSCOUT_POLICY_PACK_MODE: mode },
    });
    const config_ = path.join(pack, "config", `${stack}.json`);
    return s.pulumi(["preview", "--policy-pack", LAUNCHER, "--policy-pack-config", config_]);
  };

  test("precompiled: a staging preview passes the pack", () => {
    const r = preview("staging", "standalone-pack", "compiled", {});
    expect(r.output).toContain("nightscout@v0.1.0-standalone");
    if (r.status !== 0) throw new Error(r.output);
  });

  test("from its sources (ts-node): a mandatory violation fails the preview", () => {
    const r = preview("production", "standalone-pack-one-instance", "sources", {
      postgresInstances: "1",
      environment: "staging",
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("nightscout@v0.1.0-standalone");
    expect(r.output).toContain("cnpg-min-instances");
  });
});
