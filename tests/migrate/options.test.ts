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
  expect(refusal("--stack", "s", "--from", "env:1X")).toContain("not an environment variable name");
  expect(refusal("--stack", "s", "--from", "env:A", "--batch-size", "0")).toContain(
    '--batch-size "0" must be a whole number from 1 to 10000',
  );
  expect(refusal("--stack", "s", "--from", "env:A", "--collections", "a$b")).toContain(
    '"a$b" is not a collection the migration copies',
  );
  expect(refusal("--stack", "s", "--from", "env:A", "--collections", "system.users")).toContain(
    "system.users",
  );
  expect(
    refusal("--stack", "s", "--from", "env:A", "--to", "env:B", "--kube-context", "k"),
  ).toContain("--kube-context applies to the port-forward");
  expect(refusal("--stack", "bad name", "--from", "env:A")).toContain("is not a stack name");
  expect(parse("--help")).toBe("help");
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
      error: `--from file:${path.join(dir, "none")} cannot be read (ENOENT)`,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(parseUriSource("--to", "file:/x")).toEqual({ kind: "file", name: "/x" });
});
