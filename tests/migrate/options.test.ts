/**
 * The migration's command line: connection strings never come from it, and no refusal
 * quotes an argument that could be one.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DEFAULT_BATCH_SIZE,
  NIGHTSCOUT_COLLECTIONS,
  parseCommandLine,
  parseUriSource,
  readUri,
  type MigrateOptions,
} from "../../migrate/options";
import { expectNoSecret } from "../helpers/leaks";

const PASSWORD = "S3cret-Pa55:word";
const URI = `mongodb+srv://owner:${encodeURIComponent(PASSWORD)}@cluster0.example.mongodb.net/nightscout`;
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), URI];

const parse = (...argv: string[]): MigrateOptions | string | "help" =>
  parseCommandLine(argv, "/work/project");

function refusal(...argv: string[]): string {
  const result = parse(...argv);
  if (typeof result !== "string" || result === "help") throw new Error("expected a refusal");
  return result;
}

it("reads the stack, where the source URI is, and defaults for everything else", () => {
  const opts = parse("--stack", "production", "--from", "env:ATLAS_URI") as MigrateOptions;
  expect(opts.stack).toBe("production");
  expect(opts.from).toEqual({ kind: "env", name: "ATLAS_URI" });
  expect(opts.to).toBeUndefined();
  expect(opts.collections).toEqual([...NIGHTSCOUT_COLLECTIONS]);
  expect(opts.batchSize).toBe(DEFAULT_BATCH_SIZE);
  expect(opts.stateDir).toBe("/work/project/.migrate/production");
  expect(opts.skipInvalid).toBe(false);
  expect(opts.dryRun).toBe(false);
});

it("adds named collections to Nightscout's own, once each", () => {
  const opts = parse(
    "--stack=s",
    "--from=file:/run/uri",
    "--to=env:T",
    "--collections",
    "settings, entries,mbg_extra",
    "--skip-invalid",
    "--dry-run",
    "--batch-size",
    "250",
  ) as MigrateOptions;
  expect(opts.collections).toEqual([...NIGHTSCOUT_COLLECTIONS, "settings", "mbg_extra"]);
  expect(opts.from).toEqual({ kind: "file", name: "/run/uri" });
  expect(opts.to).toEqual({ kind: "env", name: "T" });
  expect([opts.skipInvalid, opts.dryRun, opts.batchSize]).toEqual([true, true, 250]);
});

it("refuses a URI given as --from or --to, without quoting it", () => {
  for (const flag of ["--from", "--to"]) {
    const message = refusal("--stack", "s", "--from", "env:A", flag, URI);
    expect(message).toContain(`${flag} takes where to read the URI, not the URI`);
    expectNoSecret(message, SECRETS);
  }
  const bare = refusal("--stack", "s", "--from", PASSWORD);
  expect(bare).toBe("--from must be env:NAME or file:PATH");
});

it("refuses positional arguments and unknown options without echoing them", () => {
  const positional = refusal("--stack", "s", "--from", "env:A", URI);
  expect(positional).toContain("takes no positional arguments (got 1)");
  expectNoSecret(positional, SECRETS);
  expect(refusal("--stack", "s", "--from", "env:A", "--frm", "env:B")).toContain(
    "unknown option: --frm",
  );
});

it("names each missing or bad setting and the fix", () => {
  expect(refusal("--from", "env:A")).toContain("--stack is required");
  expect(refusal("--stack", "s")).toContain("--from is required");
  expect(refusal("--stack", "s", "--from", "env:1X")).toContain("env:NAME needs a variable name");
  expect(refusal("--stack", "s", "--from", "env:A", "--batch-size", "0")).toContain(
    "--batch-size must be a whole number from 1 to 10000",
  );
  expect(refusal("--stack", "s", "--from", "env:A", "--collections", "a$b")).toContain(
    "entry 1 is not a collection the migration copies",
  );
  expect(
    refusal("--stack", "s", "--from", "env:A", "--collections", "treatments,system.users"),
  ).toContain("--collections: entry 2 is not a collection the migration copies");
  expect(
    refusal("--stack", "s", "--from", "env:A", "--to", "env:B", "--kube-context", "k"),
  ).toContain("--kube-context applies to the port-forward");
  expect(refusal("--stack", "bad name", "--from", "env:A")).toContain("is not a stack name");
  expect(parse("--help")).toBe("help");
});

it("takes collections to leave behind, never Nightscout's own, and never one also to copy", () => {
  const options = parse("--stack", "s", "--from", "env:A", "--skip-collections", "cache, old_loop");
  expect(options).toMatchObject({ skipCollections: ["cache", "old_loop"] });
  expect(refusal("--stack", "s", "--from", "env:A", "--skip-collections", "entries,cache")).toBe(
    "--skip-collections names entries, Nightscout's own: those are always copied",
  );
  expect(
    refusal(
      "--stack",
      "s",
      "--from",
      "env:A",
      "--collections",
      "cache",
      "--skip-collections",
      "cache",
    ),
  ).toBe("cache is in both --collections and --skip-collections: give each collection one of them");
  expect(refusal("--stack", "s", "--from", "env:A", "--skip-collections", "ok,a$b")).toBe(
    "--skip-collections: entry 2 is not a collection the migration copies (no '$', no system.*)",
  );
  expect(refusal("--stack", "s", "--from", "env:A", "--skip-collections")).toBe(
    "--skip-collections needs a value",
  );
});

it("reads the URI from the environment or a one-line file, and says what is wrong", () => {
  expect(readUri("--from", { kind: "env", name: "A" }, { A: ` ${URI}\n` })).toEqual({ uri: URI });
  expect(readUri("--from", { kind: "env", name: "A" }, {})).toEqual({
    error: "--from env:A: the variable is not set or empty",
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrate-options-"));
  try {
    const file = path.join(dir, "uri");
    fs.writeFileSync(file, `${URI}\n`, { mode: 0o600 });
    expect(readUri("--from", { kind: "file", name: file }, {})).toEqual({ uri: URI });
    fs.writeFileSync(file, `${URI}\n${URI}\n`);
    const twoLines = readUri("--from", { kind: "file", name: file }, {});
    expect(twoLines).toEqual({
      error: `--from file:${file} holds more than one line: put only the URI in it`,
    });
    const missing = readUri("--from", { kind: "file", name: path.join(dir, "none") }, {});
    expect(missing).toEqual({
      error: "--from file:PATH: the file given cannot be read (ENOENT)",
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(parseUriSource("--to", "file:/x")).toEqual({ kind: "file", name: "/x" });
});

describe("no argument is ever echoed unless it is known to hold no credential (issue 20)", () => {
  const MARKER = "Pw-marker-7f3a";
  const URI = `mongodb://nightscout:${MARKER}@old-host:27017/nightscout`;
  const base = ["--stack", "s", "--from", "env:A"];
  const cases: string[][] = [
    ["--stack", URI, "--from", "env:A"],
    ["--stack", "s", "--from", URI],
    [...base, "--to", URI],
    ["--stack", "s", "--from", `env:${URI}`],
    ["--stack", "s", "--from", `env:${MARKER}!`],
    ["--stack", "s", "--from", `file:${URI}`],
    [...base, "--kube-context", URI, "--to", "env:B"],
    [...base, "--collections", `treatments,${URI}`],
    [...base, "--collections", `${MARKER}$`],
    [...base, "--skip-collections", `cache,${URI}`],
    [...base, "--skip-collections", `${MARKER}$`],
    [...base, "--state-dir", URI, "--batch-size", URI],
    [...base, "--batch-size", `${MARKER}`],
    [...base, URI],
    [...base, `--${URI}`],
    [...base, `--${MARKER}`],
    [...base, `--x=${URI}`],
    [...base, "--stack"],
  ];
  it.each(cases)("%j", (...argv) => {
    const result = parseCommandLine(argv);
    expect(JSON.stringify(result)).not.toContain(MARKER);
  });
  it("the file a URI is read from is not named when it cannot be read", () => {
    const read = readUri("--from", { kind: "file", name: `/no/such/${MARKER}` }, {});
    expect(JSON.stringify(read)).not.toContain(MARKER);
  });
});
