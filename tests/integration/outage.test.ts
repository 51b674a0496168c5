/**
 * PostgreSQL going away behind a running FerretDB: the check must fail within its deadline
 * rather than hang, and must succeed when PostgreSQL comes back while it retries.
 */
import { EXIT_CODES, runCheck } from "../../check/mongoCheck";
import { leakForms, lines, runCli } from "./cli";
import { startHarness, type Harness } from "./harness";

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
  expect(run.ms).toBeLessThanOrEqual(deadline + 1_000);
  for (const form of leakForms(h.password)) expect(run.stderr).not.toContain(form);
});

it("PostgreSQL frozen (accepts, never answers): a failure within the deadline, not a hang", async () => {
  expect(await runCheck({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" })).toMatchObject({
    ok: true,
  });
  h.signalPostgres("SIGSTOP");
  const deadline = 6_000;
  const result = await runCheck({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: String(deadline) });
  h.signalPostgres("SIGCONT");
  expect(result.ok).toBe(false);
  // FerretDB accepts the connection but its handshake waits on PostgreSQL: from the client
  // that is either a server that never answers, or one that cannot be reached.
  if (!result.ok) expect(["deadline", "unreachable"]).toContain(result.kind);
  expect(result.totalMs).toBeLessThanOrEqual(deadline + 1_000);
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
  const pending = runCli({ MONGODB_URI: h.uri(), CHECK_DEADLINE_MS: "30000" });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  h.startPostgres();
  const run = await pending;
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
  for (const form of leakForms(h.password)) {
    expect(run.stdout + run.stderr).not.toContain(form);
  }
});
