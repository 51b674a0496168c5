/**
 * The check against backends that misbehave without refusing: a server that accepts TCP and
 * never answers, a proxy that is slow, and one too slow for an attempt. And URIs the driver
 * would misread: each a usage error at once, never retried, never echoed.
 */
import { runCheck } from "../../check/run";
import { CHECK_EXIT_CODES as EXIT_CODES } from "../../domain";
import { lines, runCli, type Run } from "./cli";
import { startSilentServer, startSlowProxy, type FaultServer } from "./fault-servers";
import { startHarness, type Harness } from "./harness";
import { expectNoSecret, leakForms } from "../helpers/leaks";
import { OVERSHOOT_MS, recordTiming } from "./timings";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** The last stderr line: the one-line verdict (earlier lines are per-attempt progress). */
const verdict = (run: Run): string => lines(run.stderr).pop() ?? "";

const uriVia = (port: number): string => h.uri({ port });

describe("a server that accepts TCP and never answers", () => {
  let silent: FaultServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => {
    await silent?.close();
  });

  const deadline = 4_000;
  const accepted =
    /accepted the TCP connection but did not answer the MongoDB handshake within 1\.0 s per attempt \(\d+ attempts within 4\.0 s\): is FerretDB what listens there/;

  it("in-process: 'unreachable' (silent) within the deadline, after several attempts", async () => {
    const before = silent.connections();
    const result = await runCheck({
      MONGODB_URI: uriVia(silent.port),
      CHECK_DEADLINE_MS: String(deadline),
    });
    expect(result).toMatchObject({ ok: false, kind: "unreachable" });
    if (!result.ok) expect(result.message).toMatch(accepted);
    expect(result.attempts).toBeGreaterThan(1);
    // Each attempt really connected (the driver's monitor, and the TCP question after it).
    expect(silent.connections() - before).toBeGreaterThanOrEqual(result.attempts);
    recordTiming("silent server (in-process)", 2, result.totalMs, deadline);
    expect(result.totalMs).toBeLessThanOrEqual(deadline + OVERSHOOT_MS);
  });

  it("CLI: exit 2 with the silent-server verdict, within the deadline", async () => {
    const run = await runCli({
      MONGODB_URI: uriVia(silent.port),
      CHECK_DEADLINE_MS: String(deadline),
    });
    expect(run.code).toBe(EXIT_CODES.unreachable);
    expect(verdict(run)).toMatch(
      new RegExp(
        `^post-deploy-check: unreachable: mongodb://\\*\\*\\*@127\\.0\\.0\\.1:${silent.port}/nightscout ${accepted.source}`,
      ),
    );
    expect(lines(run.stderr)[0]).toMatch(
      /^post-deploy-check: attempt 1 failed \(silent during connect\)/,
    );
    recordTiming("silent server (CLI)", run.code, run.ms, deadline);
    expect(run.ms).toBeLessThanOrEqual(deadline + OVERSHOOT_MS);
    expectNoSecret(run, leakForms(h.password), "run");
  });
});

describe("a slow proxy in front of FerretDB", () => {
  it("50 ms each way: slow, not broken, so the check passes and its timings show the delay", async () => {
    const proxy = await startSlowProxy(h.ferretPort, 50);
    try {
      const deadline = 20_000;
      const run = await runCli({
        MONGODB_URI: uriVia(proxy.port),
        CHECK_DEADLINE_MS: String(deadline),
      });
      expect(run.code).toBe(EXIT_CODES.ok);
      const json = JSON.parse(lines(run.stdout)[0]) as Record<string, number>;
      expect(json).toMatchObject({ ok: true, attempts: 1 });
      // One round trip through the proxy is at least 2 x 50 ms; the marker's round trip is two
      // commands (insert, then findAndModify reading it back and removing it).
      expect(json.pingMs).toBeGreaterThanOrEqual(100);
      expect(json.roundTripMs).toBeGreaterThanOrEqual(200);
      recordTiming("slow proxy 50 ms/way (CLI)", run.code, run.ms, deadline);
    } finally {
      await proxy.close();
    }
  });

  it("300 ms each way, 1.5 s attempts: answers the handshake, not the rest in time; exit 4", async () => {
    const proxy = await startSlowProxy(h.ferretPort, 300);
    try {
      const deadline = 6_000;
      const run = await runCli({
        MONGODB_URI: uriVia(proxy.port),
        CHECK_DEADLINE_MS: String(deadline),
      });
      expect(run.code).toBe(EXIT_CODES.deadline);
      expect(verdict(run)).toMatch(
        /^post-deploy-check: deadline exceeded: FerretDB at mongodb:\/\/\*\*\*@127\.0\.0\.1:\d+\/nightscout answered the connection but not the command within 1\.5 s per attempt \(\d+ attempts within 6\.0 s, last during connect\)/,
      );
      recordTiming("slow proxy 300 ms/way (CLI)", run.code, run.ms, deadline);
      expect(run.ms).toBeLessThanOrEqual(deadline + OVERSHOOT_MS);
      expectNoSecret(run, leakForms(h.password), "run");
    } finally {
      await proxy.close();
    }
  });
});

describe("URIs the driver would misread: usage errors at once, nothing of them echoed", () => {
  // A deadline the check must not wait for: usage errors are found before any attempt.
  const deadline = 60_000;
  const at = (): string => `127.0.0.1:${h.ferretPort}`;
  const cases: [string, () => string, RegExp, string[]][] = [
    [
      "an unescaped '@' in the password",
      () => `mongodb://nightscout:Abc@Tail99@${at()}/nightscout`,
      /^MONGODB_URI has more than one '@' before the host: percent-encode '@' in the password as %40$/,
      ["Abc", "Tail99", "tail99"],
    ],
    [
      "mongodb+srv:// with a port",
      () => `mongodb+srv://nightscout:Srv-Secret-1@cluster.example.org:27017/nightscout`,
      /^MONGODB_URI is a mongodb\+srv:\/\/ URI with a port: DNS SRV records give the port/,
      ["Srv-Secret-1"],
    ],
    [
      "a bad % escape in the password",
      () => `mongodb://nightscout:Pct-Secret%zz@${at()}/nightscout`,
      /^MONGODB_URI has a '%' not followed by two hex digits in its user name or password: write a literal '%' as %25$/,
      ["Pct-Secret"],
    ],
    [
      "a bad % escape in the database name",
      () => `mongodb://nightscout:Db-Secret-2@${at()}/night%zzscout`,
      /^MONGODB_URI has a '%' not followed by two hex digits in its database name/,
      ["Db-Secret-2"],
    ],
    [
      "an unescaped '/' in the password",
      () => `mongodb://nightscout:Slash/Secret@${at()}/nightscout`,
      /^the password in MONGODB_URI contains one of : \/ \? # \[ \] @ unescaped: percent-encode it/,
      ["Slash", "Secret"],
    ],
    [
      "no scheme",
      () => `nightscout:NoScheme-Secret@${at()}/nightscout`,
      /^MONGODB_URI does not start with mongodb:\/\/ or mongodb\+srv:\/\/$/,
      ["NoScheme-Secret"],
    ],
  ];

  it.each(cases)("%s: exit 64 in one line, no attempt", async (label, uri, message, fragments) => {
    const run = await runCli({ MONGODB_URI: uri(), CHECK_DEADLINE_MS: String(deadline) });
    expect(run.code).toBe(EXIT_CODES.usage);
    expect(run.stdout).toBe("");
    const out = lines(run.stderr);
    expect(out).toHaveLength(1);
    expect(out[0].replace(/^post-deploy-check: usage: /, "")).toMatch(message);
    // Exit at once: process start-up only, never the deadline.
    recordTiming(`usage: ${label}`.slice(0, 44), run.code, run.ms, deadline);
    expect(run.ms).toBeLessThan(10_000);
    expectNoSecret(run, fragments, "run");
  });
});
