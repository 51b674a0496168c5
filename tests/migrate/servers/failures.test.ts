/**
 * Failing fast and saying why, with the post-deploy check's exit codes, and never printing a
 * secret: unreachable source or target, refused credentials, a URI on the command line; the
 * dry run writes nothing; the default target is reached through `kubectl port-forward` with
 * what the stack's outputs say (stand-ins for pulumi and kubectl, a real FerretDB v1 behind).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { dataset, seed } from "../../../migrate/generate";
import { MIGRATE_EXIT_CODES } from "../../../migrate/exit-codes";
import { PROJECT_DIR, freePort } from "../../integration/harness";
import { expectNoSecret } from "../../helpers/leaks";
import { migrate, startPair, withClient, type Pair, type Run } from "./helpers";

let pair: Pair;
let closedPort: number;
// Seed 4: Loop's devicestatus shape. Seed 3's OpenAPS rig carries nested arrays
// (mmtune.scanDetails), which FerretDB v1 refuses on insert.
const DATA = dataset({ days: 1, seed: 4 });
const ENTRIES = [...DATA.entries()].length;

beforeAll(async () => {
  pair = await startPair();
  await withClient(pair.source.uri(), (client) => seed(client.db(), DATA));
  closedPort = await freePort();
});

afterAll(async () => {
  await pair?.stop();
});

function expectClean(run: Run): void {
  expectNoSecret([run.stdout, run.stderr], pair.secrets());
}

it("stops at once when the source is unreachable, naming it (exit 2)", async () => {
  const started = Date.now();
  const run = await migrate(pair.args(pair.stateDir()), {
    ...pair.env(),
    SOURCE_URI: pair.source.uri({ port: closedPort }),
  });
  expect(run.code).toBe(MIGRATE_EXIT_CODES.unreachable);
  expect(run.stderr).toMatch(
    new RegExp(
      `source mongodb://\\*\\*\\*@127\\.0\\.0\\.1:${closedPort}/nightscout is unreachable`,
    ),
  );
  expect(Date.now() - started).toBeLessThan(30_000);
  expectClean(run);
});

it("stops when the target is unreachable (exit 2), having written nothing", async () => {
  const stateDir = pair.stateDir();
  const run = await migrate(pair.args(stateDir), {
    ...pair.env(),
    TARGET_URI: pair.target.uri({ port: closedPort }),
  });
  expect(run.code).toBe(MIGRATE_EXIT_CODES.unreachable);
  expect(run.stderr).toContain("target mongodb://***@127.0.0.1");
  expect(fs.existsSync(path.join(stateDir, "state.json"))).toBe(false);
  expectClean(run);
});

it("tells refused credentials apart, on either side (exit 3)", async () => {
  const wrong = "not-the-password:@/%";
  for (const side of ["SOURCE_URI", "TARGET_URI"] as const) {
    const h = side === "SOURCE_URI" ? pair.source : pair.target;
    const run = await migrate(pair.args(pair.stateDir()), {
      ...pair.env(),
      [side]: h.uri({ password: wrong }),
    });
    expect(run.code).toBe(MIGRATE_EXIT_CODES.auth);
    expect(run.stderr).toContain(`${side === "SOURCE_URI" ? "source" : "target"} mongodb://***@`);
    expect(run.stderr).toContain("refused the credentials");
    expectNoSecret([run.stdout, run.stderr], [...pair.secrets(), wrong, encodeURIComponent(wrong)]);
  }
});

it("refuses a URI on the command line without printing it (exit 64)", async () => {
  const run = await migrate(["--stack", "test", "--from", pair.source.uri()], {});
  expect(run.code).toBe(MIGRATE_EXIT_CODES.usage);
  expect(run.stderr).toContain("--from takes where to read the URI, not the URI");
  expectClean(run);
  const positional = await migrate(["--stack", "test", "--from", "env:X", pair.source.uri()], {});
  expect(positional.code).toBe(MIGRATE_EXIT_CODES.usage);
  expectClean(positional);
});

it("refuses a source that is the target itself (exit 64)", async () => {
  const run = await migrate(pair.args(pair.stateDir()), {
    ...pair.env(),
    SOURCE_URI: pair.target.uri(),
  });
  expect(run.code).toBe(MIGRATE_EXIT_CODES.usage);
  expect(run.stderr).toContain("the source and the target are the same database");
  expectClean(run);
});

it("refuses the target under another spelling too: localhost for 127.0.0.1 (exit 64)", async () => {
  const respelled = pair.target.uri().replace("127.0.0.1", "LOCALHOST");
  expect(respelled).not.toBe(pair.target.uri());
  const run = await migrate(pair.args(pair.stateDir()), { ...pair.env(), SOURCE_URI: respelled });
  expect(run.code).toBe(MIGRATE_EXIT_CODES.usage);
  expect(run.stderr).toContain("the source and the target are the same database");
  expectClean(run);
});

it("dry run: counts, sizes and an estimate from a URI in a file, and nothing written anywhere", async () => {
  const stateDir = pair.stateDir();
  const file = path.join(path.dirname(stateDir), "source-uri");
  fs.writeFileSync(file, `${pair.source.uri()}\n`, { mode: 0o600 });
  const args = [
    "--stack",
    "test",
    "--from",
    `file:${file}`,
    "--to",
    "env:TARGET_URI",
    "--state-dir",
    stateDir,
    "--dry-run",
  ];
  const run = await migrate(args, pair.env());
  expect(run.code).toBe(0);
  // The same data has the same size in every run (the sum of the documents' BSON sizes).
  const table = (stdout: string) => stdout.split("\n").filter((l) => / MiB /.test(l));
  expect(table(run.stdout).length).toBeGreaterThan(3);
  expect(table((await migrate(args, pair.env())).stdout)).toEqual(table(run.stdout));
  // A day of readings plus the finger sticks and calibrations the generator adds.
  expect(ENTRIES).toBeGreaterThanOrEqual(288);
  expect(run.stdout).toMatch(new RegExp(`entries\\s+${ENTRIES}\\s+[\\d.]+ MiB\\s+0\\n`));
  // The rate is measured on the source, not assumed.
  expect(run.stdout).toMatch(
    new RegExp(
      `the source gave ${ENTRIES} documents of entries in [\\d.]+ s \\(\\d+ docs/s\\): the copy takes at least \\d+:\\d\\d`,
    ),
  );
  expect(run.stdout).toContain("dry run: nothing was written");
  expect(fs.existsSync(stateDir)).toBe(false);
  const onTarget = await withClient(pair.target.uri(), (c) => c.db().listCollections().toArray());
  expect(onTarget.filter((c) => !c.name.startsWith("system."))).toEqual([]);
  expectClean(run);
});

// Stand-ins: pulumi prints the stack's outputs; kubectl forwards a local port to the target.
const FAKE_PULUMI = `#!/usr/bin/env node
const fs = require("node:fs");
fs.writeFileSync(process.env.FAKE_RECORD + ".pulumi", JSON.stringify(process.argv.slice(2)));
process.stdout.write(fs.readFileSync(process.env.FAKE_OUTPUTS, "utf8"));
`;
const FAKE_KUBECTL = `#!/usr/bin/env node
const fs = require("node:fs");
const net = require("node:net");
const args = process.argv.slice(2);
fs.writeFileSync(process.env.FAKE_RECORD + ".kubectl", JSON.stringify({ pid: process.pid, args }));
const [local] = args[args.length - 1].split(":");
const server = net.createServer((client) => {
  const upstream = net.connect(Number(process.env.FAKE_TARGET_PORT), "127.0.0.1");
  client.pipe(upstream).pipe(client);
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
});
server.listen(Number(local), "127.0.0.1", () => console.log("Forwarding from 127.0.0.1:" + local + " -> 27017"));
process.on("SIGTERM", () => process.exit(0));
`;

it("reaches the stack's FerretDB through kubectl port-forward by default, and stops the forward", async () => {
  const stateDir = pair.stateDir();
  const bin = path.join(path.dirname(stateDir), "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "kubectl"), FAKE_KUBECTL, { mode: 0o755 });
  const host = "nightscout-ferretdb.nightscout.svc.cluster.local";
  const inCluster = `mongodb://${pair.target.username}:${encodeURIComponent(pair.target.password)}@${host}:27017/${pair.target.database}`;
  const outputs = path.join(bin, "outputs.json");
  fs.writeFileSync(
    outputs,
    JSON.stringify({
      namespace: "nightscout",
      ferretdbHost: host,
      ferretdbPort: 27017,
      mongoUri: inCluster,
    }),
    { mode: 0o600 },
  );
  const record = path.join(bin, "record");
  const run = await migrate(
    [
      "--stack",
      "production",
      "--from",
      "env:SOURCE_URI",
      "--kube-context",
      "home",
      "--state-dir",
      stateDir,
    ],
    {
      SOURCE_URI: pair.source.uri(),
      PATH: `${bin}:${process.env.PATH}`,
      FAKE_OUTPUTS: outputs,
      FAKE_RECORD: record,
      FAKE_TARGET_PORT: String(pair.target.ferretPort),
    },
  );
  expect(run.code).toBe(0);
  expect(run.stdout).toContain(`-> mongodb://***@${host}:27017/nightscout via 127.0.0.1:`);
  expect(JSON.parse(fs.readFileSync(`${record}.pulumi`, "utf8"))).toEqual([
    "stack",
    "output",
    "--stack",
    "production",
    "--json",
    "--show-secrets",
  ]);
  const kubectl = JSON.parse(fs.readFileSync(`${record}.kubectl`, "utf8")) as {
    pid: number;
    args: string[];
  };
  expect(kubectl.args.slice(0, 8)).toEqual([
    "port-forward",
    "--address",
    "127.0.0.1",
    "--context",
    "home",
    "-n",
    "nightscout",
    "svc/nightscout-ferretdb",
  ]);
  expect(kubectl.args[8]).toMatch(/^\d+:27017$/);
  // The forward is gone once the migration has exited.
  expect(() => process.kill(kubectl.pid, 0)).toThrow();
  expectNoSecret([run.stdout, run.stderr], [...pair.secrets(), inCluster]);
});

it("on a terminal, redraws one progress line per collection in place", async () => {
  // util-linux `script` gives the command a pseudo-terminal, as an operator's shell would.
  const stateDir = pair.stateDir();
  const command = [
    process.execPath,
    "-r",
    "ts-node/register/transpile-only",
    "migrate/cli.ts",
    ...pair.args(stateDir),
  ].join(" ");
  const run = await new Promise<Run>((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: PROJECT_DIR,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...pair.env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr: "" }));
  });
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/\r\x1b\[2Kentries [\d,]+\/[\d,]+ \(100%\) [\d,]+ docs\/s ETA 0:00/);
  // Not the plain lines a log gets.
  expect(run.stdout).not.toContain("entries: copying");
  expectClean(run);
});

describe("every source collection accounted for (issue 21)", () => {
  const EXTRA = "plugin_cache";
  beforeAll(() =>
    withClient(pair.source.uri(), (client) =>
      client
        .db()
        .collection(EXTRA)
        .insertMany([{ _id: "a" }, { _id: "b" }] as never[]),
    ),
  );
  afterAll(() => withClient(pair.source.uri(), (client) => client.db().collection(EXTRA).drop()));

  it("refuses a collection Nightscout does not own until the operator says what to do (exit 64)", async () => {
    const run = await migrate(pair.args(pair.stateDir(), ["--dry-run"]), pair.env());
    expect(run.code).toBe(MIGRATE_EXIT_CODES.usage);
    expect(run.stderr).toContain(
      `the source has a collection that Nightscout does not own: ${EXTRA}. Say what to do with it: --collections ${EXTRA} to copy, or --skip-collections ${EXTRA} to leave behind`,
    );
    expectClean(run);
  });

  it("lists it as copied with --collections, and as left behind with --skip-collections", async () => {
    const copied = await migrate(
      pair.args(pair.stateDir(), ["--dry-run", "--collections", EXTRA]),
      pair.env(),
    );
    expect(copied.code).toBe(MIGRATE_EXIT_CODES.ok);
    expect(copied.stdout).toMatch(new RegExp(`^${EXTRA}\\s+2\\s`, "m"));
    const skipped = await migrate(
      pair.args(pair.stateDir(), ["--dry-run", "--skip-collections", EXTRA]),
      pair.env(),
    );
    expect(skipped.code).toBe(MIGRATE_EXIT_CODES.ok);
    expect(skipped.stdout).toMatch(
      new RegExp(`^${EXTRA}\\s+2\\s.*left behind \\(--skip-collections\\)$`, "m"),
    );
    expect(skipped.stderr).toContain(`left behind (--skip-collections): ${EXTRA}`);
  });

  it("refuses to skip a collection the source does not have: a typo would leave the real one unnamed", async () => {
    const run = await migrate(
      pair.args(pair.stateDir(), [
        "--dry-run",
        "--collections",
        EXTRA,
        "--skip-collections",
        "plugin_cahce",
      ]),
      pair.env(),
    );
    expect(run.code).toBe(MIGRATE_EXIT_CODES.usage);
    expect(run.stderr).toContain(
      "--skip-collections names plugin_cahce, which the source database does not have",
    );
  });
});
