/**
 * PostgreSQL going away behind a running FerretDB: the check must fail within its deadline
 * rather than hang, say which way PostgreSQL failed (stopped: FerretDB's errors; frozen:
 * FerretDB answers the connection but not the command), and must succeed when PostgreSQL
 * comes back while it retries.
 */
import { runCheck } from "../../check/run";
import { CHECK_EXIT_CODES as EXIT_CODES } from "../../domain";
import { lines, runCli, startCli } from "./cli";
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

afterEach(() => {
  // Each case starts from a running PostgreSQL, whatever the previous one left.
  h.signalPostgres("SIGCONT");
  if (!h.isPostgresRunning()) h.startPostgres();
});

it("PostgreSQL stopped behind a running FerretDB: a failure within the deadline, not a hang", async () => {
  // Warm FerretDB's pool first, so the outage hits live connections too.
  expect(await runCheck({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" })).toMatchObject({
    ok: true,
  });
  h.stopPostgres();
  const deadline = 6_000;

  const result = await runCheck({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: String(deadline) });
  expect(result).toMatchObject({ ok: false, kind: "deadline" });
  expect(result.totalMs).toBeLessThanOrEqual(deadline + 1_000);
  expect(result.attempts).toBeGreaterThan(1);
  if (!result.ok) expect(result.message).toContain("connection refused");

  const run = await runCli({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: String(deadline) });
  expect(run.code).toBe(EXIT_CODES.deadline);
  expect(lines(run.stderr).pop()).toMatch(
    /^post-deploy-check: deadline exceeded: no successful check of mongodb:\/\/\*\*\*@127\.0\.0\.1:\d+\/nightscout within 6\.0 s \(\d+ attempts\); last error during \w+: InternalError 1: .*connection refused/,
  );
  recordTiming("PostgreSQL stopped (CLI)", run.code, run.ms, deadline);
  expect(run.ms).toBeLessThanOrEqual(deadline + OVERSHOOT_MS);
  expectNoSecret(run.stderr, leakForms(h.password), "stderr");
});

it("PostgreSQL frozen (SIGSTOP): 'FerretDB answered the connection but not the command', exit 4", async () => {
  expect(await runCheck({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" })).toMatchObject({
    ok: true,
  });
  h.signalPostgres("SIGSTOP");
  const deadline = 6_000;
  const stalled =
    /^FerretDB at mongodb:\/\/\*\*\*@127\.0\.0\.1:\d+\/nightscout answered the connection but not the command within 1\.5 s per attempt \(\d+ attempts within 6\.0 s, last during connect\): its PostgreSQL backend may be stalled/;
  try {
    // FerretDB answers `hello` itself; the SCRAM handshake needs PostgreSQL, and hangs.
    const result = await runCheck({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: String(deadline) });
    expect(result).toMatchObject({ ok: false, kind: "deadline" });
    if (!result.ok) expect(result.message).toMatch(stalled);
    expect(result.totalMs).toBeLessThanOrEqual(deadline + OVERSHOOT_MS);
    recordTiming("PostgreSQL frozen (in-process)", 4, result.totalMs, deadline);

    const run = await runCli({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: String(deadline) });
    expect(run.code).toBe(EXIT_CODES.deadline);
    expect(lines(run.stderr).pop()).toMatch(
      new RegExp(`^post-deploy-check: deadline exceeded: ${stalled.source.slice(1)}`),
    );
    expect(lines(run.stderr)[0]).toMatch(
      /^post-deploy-check: attempt 1 failed \(stalled during connect\)/,
    );
    recordTiming("PostgreSQL frozen (CLI)", run.code, run.ms, deadline);
    expect(run.ms).toBeLessThanOrEqual(deadline + OVERSHOOT_MS);
    expectNoSecret(run, leakForms(h.password), "run");
  } finally {
    h.signalPostgres("SIGCONT");
  }
  // Thawed, the same FerretDB serves the check again.
  expect(await runCheck({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" })).toMatchObject({
    ok: true,
  });
});

it("PostgreSQL restarted while the check retries: success within the deadline", async () => {
  h.stopPostgres();
  const deadline = 30_000;
  let failuresBeforeRestart = 0;
  let restartedAt = 0;

  const result = await runCheck(
    { MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: String(deadline) },
    {
      onAttemptFailed: (failure) => {
        if (restartedAt) return;
        failuresBeforeRestart++;
        // Restart only after two failed attempts, so the retry path is what succeeds.
        if (failuresBeforeRestart === 2) {
          restartedAt = Date.now();
          h.startPostgres();
        }
        expect(failure.kind).toBe("server");
      },
    },
  );
  expect(restartedAt).toBeGreaterThan(0);
  expect(result).toMatchObject({ ok: true });
  expect(result.attempts).toBeGreaterThanOrEqual(3);
  expect(result.totalMs).toBeLessThan(deadline);
});

it("the CLI, started during the outage, succeeds once PostgreSQL is back", async () => {
  h.stopPostgres();
  const cli = startCli({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" });
  // Restart once the CLI has reported a failed attempt: the outage was really seen.
  await cli.untilStderr(/attempt 1 failed \(server during \w+\)/);
  h.startPostgres();
  const run = await cli.done;
  expect(run.code).toBe(EXIT_CODES.ok);
  const out = lines(run.stdout);
  expect(out).toHaveLength(1);
  const json = JSON.parse(out[0]) as { ok: boolean; attempts: number; totalMs: number };
  expect(json.ok).toBe(true);
  expect(json.attempts).toBeGreaterThanOrEqual(2);
  // Progress lines name each failed attempt on stderr.
  expect(lines(run.stderr).every((l) => /^post-deploy-check: attempt \d+ failed/.test(l))).toBe(
    true,
  );
  expectNoSecret(run, leakForms(h.password), "run");
});
