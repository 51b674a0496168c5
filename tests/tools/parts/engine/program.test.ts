/**
 * The two entry points to one program: `pulumi up` with the official CLI (its language host
 * loads the project's main module) and the project's own runs (tools/parts/engine/run.ts hands the
 * same module to the Automation API inline). If they ever named different files, a test run
 * would prove nothing about what users deploy.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { inlineProgram, programModule } from "../../../../tools/parts/engine/program";

const ROOT = path.resolve(__dirname, "../../../..");

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-program-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe("programModule resolves the main module as the Node.js language host does", () => {
  test("the app: Pulumi.yaml names no main, package.json's main is index.ts", () => {
    const settings = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
      main?: string;
    };
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      main: string;
    };
    expect(settings.main).toBeUndefined();
    expect(programModule(ROOT)).toBe(path.join(ROOT, pkg.main));
    expect(programModule(ROOT)).toBe(path.join(ROOT, "index.ts"));
  });

  test("the platform project: Pulumi.yaml's main", () => {
    expect(programModule(path.join(ROOT, "platform"))).toBe(
      path.join(ROOT, "platform", "index.ts"),
    );
  });

  test("Pulumi.yaml's main wins over package.json's, and may name a directory", () => {
    const dir = project({
      "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: src/\n",
      "package.json": JSON.stringify({ main: "other.js" }),
      "src/index.js": "",
      "other.js": "",
    });
    expect(programModule(dir)).toBe(path.join(dir, "src", "index.js"));
  });

  test("a project of another runtime is refused by name", () => {
    const dir = project({ "Pulumi.yaml": "name: p\nruntime: python\n" });
    expect(() => programModule(dir)).toThrow(/runtime is "python"; this engine path runs nodejs/);
  });
});

test("the inline program returns the main module's exports as the stack outputs", async () => {
  const dir = project({
    "Pulumi.yaml": "name: p\nruntime:\n  name: nodejs\n",
    "package.json": JSON.stringify({ main: "main.js" }),
    "main.js": "exports.url = 'https://ns.example.org'; exports.count = 3;",
  });
  await expect(inlineProgram(dir)()).resolves.toEqual({ url: "https://ns.example.org", count: 3 });
});

// The language host calls a main module that exports a function and awaits what it returns; the
// app's index.ts is one. Called once per run: a second run evaluates the program again.
test("the inline program calls an exported function each run and takes its result as the outputs", async () => {
  const dir = project({
    "Pulumi.yaml": "name: p\nruntime: nodejs\n",
    "package.json": JSON.stringify({ main: "main.js" }),
    "main.js":
      "let runs = 0; module.exports = async () => ({ url: 'https://ns.example.org', run: ++runs });",
  });
  const program = inlineProgram(dir);
  await expect(program()).resolves.toEqual({ url: "https://ns.example.org", run: 1 });
  await expect(program()).resolves.toEqual({ url: "https://ns.example.org", run: 2 });
});
