/**
 * The alert rules under the real promtool (`npm run test:alerts`): the unit tests in
 * monitoring/tests/ pass on the rules the program renders, and fail on rules that are wrong in
 * the ways that matter (a threshold off by a minute, a `for` too short), so they can fail.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const RULES = path.join(ROOT, "monitoring", "alerts.rules.yaml");
const TESTS_DIR = path.join(ROOT, "monitoring", "tests");
const TEST_FILES = fs.readdirSync(TESTS_DIR).filter((f) => f.endsWith(".test.yaml"));

let promtool: string;
beforeAll(() => {
  promtool = execFileSync(
    "bash",
    [path.join(ROOT, "tools", "parts", "promtool.sh"), "--path-only"],
    {
      encoding: "utf8",
    },
  ).trim();
});

function run(args: string[], cwd: string) {
  const result = spawnSync(promtool, args, { cwd, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A copy of monitoring/ whose rules file is `change`d, for promtool to test. */
function mutatedCopy(change: (rules: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alerts-"));
  fs.mkdirSync(path.join(dir, "tests"));
  for (const f of TEST_FILES) fs.copyFileSync(path.join(TESTS_DIR, f), path.join(dir, "tests", f));
  const original = fs.readFileSync(RULES, "utf8");
  const changed = change(original);
  expect(changed).not.toBe(original);
  fs.writeFileSync(path.join(dir, "alerts.rules.yaml"), changed);
  return dir;
}

test("promtool accepts the rules file", () => {
  const { status, output } = run(["check", "rules", RULES], ROOT);
  expect(output).toContain("SUCCESS: 7 rules found");
  expect(status).toBe(0);
});

test.each(TEST_FILES)("promtool test rules %s passes", (file) => {
  const { status, output } = run(["test", "rules", path.join("monitoring", "tests", file)], ROOT);
  expect(output).toContain("SUCCESS");
  expect(output).not.toContain("FAILED");
  expect(status).toBe(0);
});

const DATA_PATH = "data-path.test.yaml";
const DATABASE = "database.test.yaml";

test.each([
  [
    "the stale-data threshold one minute early",
    DATA_PATH,
    (r: string) => r.replace("> 1200)", "> 1140)"),
  ],
  [
    "the stale-data threshold one minute late",
    DATA_PATH,
    (r: string) => r.replace("> 1200)", "> 1260)"),
  ],
  [
    "stale data compared with >= instead of >",
    DATA_PATH,
    (r: string) => r.replace("> 1200)", ">= 1200)"),
  ],
  [
    "Nightscout unavailable without its 5 minutes",
    DATA_PATH,
    (r: string) => r.replace(/for: 5m/, "for: 1m"),
  ],
  ["a backup age limit of 24 h", DATABASE, (r: string) => r.replace("> 90000)", "> 86400)")],
  ["replica lag compared with >=", DATABASE, (r: string) => r.replace("> 300", ">= 300")],
])("the unit tests fail on %s", (_what, file, change) => {
  const dir = mutatedCopy(change);
  try {
    const { status, output } = run(["test", "rules", path.join("tests", file)], dir);
    expect(output).toContain("FAILED");
    expect(status).not.toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
