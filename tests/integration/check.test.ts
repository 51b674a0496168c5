/**
 * The post-deploy check against FerretDB v1.24.2 on PostgreSQL 15, configured from what the
 * program renders (tests/integration/harness.ts; the cluster's FerretDB v2 on DocumentDB is not
 * available here): success, and each way it must fail (unreachable, wrong password, mismatch,
 * bad usage, Nightscout's status, the last against a stand-in HTTP server), always within its
 * deadline and without printing the password.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Marker } from "../../check/mongo-probe";
import { formatOutcome } from "../../check/outcome";
import { runCheck } from "../../check/run";
import { CHECK_EXIT_CODES as EXIT_CODES } from "../../domain";
import { lines, runCli, type Run } from "./cli";
import { documentsTable, freePort, startHarness, storedDocuments, type Harness } from "./harness";
import { expectNoSecret, leakForms } from "../helpers/leaks";
import { OVERSHOOT_MS, recordTiming } from "./timings";

let h: Harness;
const runs: Run[] = [];

async function cli(env: NodeJS.ProcessEnv, args?: string[]): Promise<Run> {
  const run = await runCli(env, { args });
  runs.push(run);
  return run;
}

function expectNoPassword(run: Run): void {
  expectNoSecret({ stdout: run.stdout, stderr: run.stderr }, leakForms(h.password));
}

/** The last stderr line: the one-line verdict (earlier lines are per-attempt progress). */
const verdict = (run: Run): string => lines(run.stderr).pop() ?? "";

/** A collection's documents as PostgreSQL stores them (FerretDB's table, read with SQL). */
const stored = (collection: string) => storedDocuments(h, collection);

const storedById = (collection: string, id: string) =>
  stored(collection).filter((doc) => doc._id === id);

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

describe("success", () => {
  it("pings, round-trips a marker that really reaches PostgreSQL, and cleans it up", async () => {
    let rowsDuringCheck: string[] = [];
    let written: Marker | undefined;
    let where: { database: string; collection: string } | undefined;
    const result = await runCheck(
      { MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" },
      {
        afterInsert: async (marker, location) => {
          written = marker;
          where = location;
          // Between insert and read-back: the document must be a row in PostgreSQL by now.
          rowsDuringCheck = storedById(location.collection, marker._id).map((d) => String(d.nonce));
        },
      },
    );
    expect(result).toMatchObject({ ok: true, attempts: 1 });
    expect(where).toEqual({ database: "nightscout", collection: "_postdeploy_check" });
    expect(written).toBeDefined();
    expect(rowsDuringCheck).toEqual([written?.nonce]);
    // The marker is gone afterwards, from PostgreSQL too.
    expect(storedById("_postdeploy_check", written?._id ?? "")).toEqual([]);
  });

  it("the CLI prints exactly one JSON line with timings and exits 0", async () => {
    const run = await cli({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" });
    expect(run.code).toBe(EXIT_CODES.ok);
    expect(run.stderr).toBe("");
    const out = lines(run.stdout);
    expect(out).toHaveLength(1);
    const json = JSON.parse(out[0]) as Record<string, unknown>;
    expect(json).toMatchObject({ ok: true, attempts: 1 });
    for (const key of ["pingMs", "roundTripMs", "totalMs", "connectMs"]) {
      expect(typeof json[key]).toBe("number");
      expect(json[key] as number).toBeGreaterThanOrEqual(0);
    }
    expect(json.totalMs as number).toBeLessThan(30_000);
    expectNoPassword(run);
  });
});

describe("failures", () => {
  it("wrong port: exits 'unreachable' within the deadline, in-process and as a CLI", async () => {
    const port = await freePort();
    const deadline = 4_000;
    const env = { MONGODB_URI: h.uri({ port }), CHECK_DEADLINE_MS: String(deadline) };

    const result = await runCheck(env);
    expect(result).toMatchObject({ ok: false, kind: "unreachable" });
    expect(result.totalMs).toBeLessThanOrEqual(deadline + OVERSHOOT_MS);
    expect(result.attempts).toBeGreaterThan(1);

    // How many attempts fit depends on how long the process took to start (its deadline
    // counts from process start); the retries themselves are asserted in-process above.
    const run = await cli(env);
    expect(run.code).toBe(EXIT_CODES.unreachable);
    expect(verdict(run)).toMatch(
      new RegExp(
        `^post-deploy-check: unreachable: could not reach mongodb://\\*\\*\\*@127\\.0\\.0\\.1:${port}/nightscout within 4\\.0 s \\(\\d+ attempts?\\): connect ECONNREFUSED`,
      ),
    );
    // The CLI's deadline counts from process start, module loading included.
    recordTiming("wrong port, refused (CLI)", run.code, run.ms, deadline);
    expect(run.ms).toBeLessThanOrEqual(deadline + OVERSHOOT_MS);
    expect(run.stdout).toBe("");
    expectNoPassword(run);
  });

  it("wrong password: exits 'authentication failed' fast, without waiting for the deadline", async () => {
    const run = await cli({
      MONGODB_URI: h.uri({ password: "not-the-password" }),
      CHECK_DEADLINE_MS: "60000",
    });
    expect(run.code).toBe(EXIT_CODES.auth);
    expect(verdict(run)).toMatch(
      /^post-deploy-check: authentication failed: mongodb:\/\/\*\*\*@127\.0\.0\.1:\d+\/nightscout rejected the credentials in MONGODB_URI \(AuthenticationFailed 18: /,
    );
    // One retry at most, then out.
    expect(lines(run.stderr).filter((l) => l.includes("attempt "))).toHaveLength(2);
    recordTiming("wrong password (CLI)", run.code, run.ms, 60_000);
    expect(run.ms).toBeLessThan(10_000);
    expectNoSecret(run.stderr, ["not-the-password"], "stderr");
    expectNoPassword(run);
  });

  it("no credentials at all: 'authentication failed' that says the URI has none", async () => {
    const run = await cli({
      MONGODB_URI: `mongodb://127.0.0.1:${h.ferretPort}/nightscout`,
      CHECK_DEADLINE_MS: "60000",
    });
    expect(run.code).toBe(EXIT_CODES.auth);
    expect(verdict(run)).toContain("MONGODB_URI has no user:password");
    expect(run.ms).toBeLessThan(10_000);
  });

  it("a marker altered in PostgreSQL between write and read: 'round trip mismatch', exit 5", async () => {
    const result = await runCheck(
      { MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" },
      {
        afterInsert: async (marker, location) => {
          // An UPDATE of FerretDB's own row, inside PostgreSQL: FerretDB is not involved in
          // the change (the string stays a string, so its type record in `$s` still holds).
          expect(location.database).toBe(h.database);
          const changed = h.psql(
            `WITH changed AS (UPDATE ${documentsTable(h, location.collection)} ` +
              `SET _jsonb = jsonb_set(_jsonb, '{nonce}', '"tampered"') ` +
              `WHERE _jsonb->>'_id' = '${marker._id}' RETURNING 1) SELECT count(*) FROM changed`,
          );
          expect(changed.trim()).toBe("1");
          expect(storedById(location.collection, marker._id)[0]?.nonce).toBe("tampered");
        },
      },
    );
    expect(result).toMatchObject({ ok: false, kind: "mismatch", attempts: 1 });
    const outcome = formatOutcome(result);
    expect(outcome.exitCode).toBe(EXIT_CODES.mismatch);
    expect(outcome.stderr).toMatch(
      /^post-deploy-check: round trip mismatch: field nonce of marker postdeploy-[0-9a-f-]+ reads "tampered", wrote "[0-9a-f]{32}" \(in nightscout\._postdeploy_check\)$/,
    );
    // Mismatch or not, the marker does not stay behind.
    expect(stored("_postdeploy_check")).toEqual([]);
  });

  it("usage: a missing MONGODB_URI exits 64", async () => {
    const run = await cli({});
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(verdict(run)).toMatch(/^post-deploy-check: usage: MONGODB_URI is not set/);
  });

  it("usage: a URI passed as an argument is refused and never echoed", async () => {
    const run = await cli({}, [h.uri()]);
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(verdict(run)).toMatch(/takes no arguments \(got 1\)/);
    expectNoPassword(run);
  });

  it("usage: a bad deadline exits 64", async () => {
    const run = await cli({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "soon" });
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(verdict(run)).toContain("CHECK_DEADLINE_MS is not a positive integer");
    // The value is described, never quoted: a variable may hold a pasted credential.
    expect(verdict(run)).not.toContain("soon");
    expectNoPassword(run);
  });
});

describe("Nightscout status", () => {
  let server: http.Server;
  let baseUrl: string;
  let reply: { status: number; body: string };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url !== "/api/v1/status.json") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const status = (units: string): string =>
    JSON.stringify({ status: "ok", name: "nightscout", settings: { units } });

  it("passes when the units are the configured ones", async () => {
    reply = { status: 200, body: status("mmol") };
    const run = await cli({
      MONGODB_URI: h.uri(),
      NIGHTSCOUT_URL: `${baseUrl}/`,
      EXPECTED_UNITS: "mmol/L",
      CHECK_DEADLINE_MS: "30000",
    });
    expect(run.code).toBe(EXIT_CODES.ok);
    const json = JSON.parse(lines(run.stdout)[0]) as { nightscout?: { units: string } };
    expect(json.nightscout?.units).toBe("mmol");
  });

  it("fails with exit 6 when Nightscout shows other units", async () => {
    reply = { status: 200, body: status("mg/dl") };
    const run = await cli({
      MONGODB_URI: h.uri(),
      NIGHTSCOUT_URL: baseUrl,
      EXPECTED_UNITS: "mmol/L",
      CHECK_DEADLINE_MS: "30000",
    });
    expect(run.code).toBe(EXIT_CODES.nightscout);
    expect(verdict(run)).toBe(
      'post-deploy-check: nightscout check failed: Nightscout shows units "mg/dl", expected mmol: check DISPLAY_UNITS',
    );
  });

  it("fails fast with exit 6 when status.json is not public", async () => {
    reply = { status: 401, body: "{}" };
    const run = await cli({
      MONGODB_URI: h.uri(),
      NIGHTSCOUT_URL: baseUrl,
      CHECK_DEADLINE_MS: "30000",
    });
    expect(run.code).toBe(EXIT_CODES.nightscout);
    expect(verdict(run)).toContain("answered HTTP 401: set AUTH_DEFAULT_ROLES to status-only");
    recordTiming("Nightscout 401 (CLI)", run.code, run.ms, 30_000);
    expect(run.ms).toBeLessThan(10_000);
  });

  it("retries a Nightscout that is down until the deadline, then exits 6", async () => {
    const port = await freePort();
    const run = await cli({
      MONGODB_URI: h.uri(),
      NIGHTSCOUT_URL: `http://127.0.0.1:${port}`,
      CHECK_DEADLINE_MS: "4000",
    });
    expect(run.code).toBe(EXIT_CODES.nightscout);
    expect(verdict(run)).toMatch(/did not answer: ECONNREFUSED \(gave up at the deadline\)$/);
    recordTiming("Nightscout down (CLI)", run.code, run.ms, 4_000);
    expect(run.ms).toBeLessThanOrEqual(4_000 + OVERSHOOT_MS);
  });
});

afterAll(() => {
  // Across every CLI run of this file, on both streams.
  expect(runs.length).toBeGreaterThan(5);
  for (const run of runs) expectNoPassword(run);
});
