/**
 * Unit tests of the check's decisions, no server: error classification, output and exit
 * codes, marker comparison, the retry policy, units.
 */
import {
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoParseError,
  MongoServerError,
  MongoServerSelectionError,
} from "mongodb";
import { AttemptTimeout, classifyError } from "../../check/classify";
import { markerMismatch, newMarker } from "../../check/mongo-probe";
import { normalizeUnits } from "../../check/nightscout-probe";
import {
  formatAttemptFailure,
  formatOutcome,
  seconds,
  type FailureKind,
} from "../../check/outcome";
import { maxRetryDelayMs, retryWithinDeadline } from "../../check/retry";
import { reportedVerdict, type AttemptVerdict } from "../../check/run";
import { CHECK_EXIT_CODES } from "../../domain";
import { expectNoSecret, findSecret } from "../helpers/leaks";

{
  it("classifyError retries what may pass and stops on what will not", () => {
    const server = (code: number, codeName: string): MongoServerError =>
      new MongoServerError({ ok: 0, code, codeName, errmsg: codeName });
    expect(classifyError(server(18, "AuthenticationFailed"), "connect").kind).toBe("auth");
    expect(classifyError(server(13, "Unauthorized"), "roundTrip").kind).toBe("auth");
    expect(classifyError(server(1, "InternalError"), "ping").kind).toBe("server");
    expect(classifyError(new MongoParseError("bad"), "connect").kind).toBe("usage");
    expect(classifyError(new MongoNetworkError("reset"), "connect").kind).toBe("unreachable");
    expect(classifyError(new MongoNetworkError("reset"), "roundTrip").kind).toBe("server");
    expect(classifyError(new Error("boom"), "ping").kind).toBe("server");
  });

  it("classifyError stops on a TLS file the driver cannot open, and retries a reset socket", () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory"), {
      code: "ENOENT",
    });
    expect(classifyError(missing, "connect")).toEqual({
      kind: "usage",
      detail: "a file that MONGODB_URI names cannot be read (ENOENT)",
    });
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(classifyError(reset, "connect").kind).toBe("server");
  });

  it("classifyError tells a timeout's cause by what the probe saw", () => {
    const selection = new MongoServerSelectionError("Server selection timed out after 800 ms", {
      servers: new Map(),
    } as never);
    const timeout = new MongoNetworkTimeoutError("connection 1 to 127.0.0.1:1 timed out");
    // Nothing answered and nothing accepted TCP: unreachable.
    expect(classifyError(selection, "connect").kind).toBe("unreachable");
    expect(classifyError(selection, "connect", { tcpAccepted: false }).kind).toBe("unreachable");
    // TCP accepted, no handshake: a silent server.
    expect(classifyError(selection, "connect", { tcpAccepted: true }).kind).toBe("silent");
    // The handshake was answered, the command was not: stalled (FerretDB up, PostgreSQL not).
    expect(classifyError(timeout, "connect", { handshakeAnswered: true }).kind).toBe("stalled");
    expect(classifyError(new AttemptTimeout(1500), "ping").kind).toBe("stalled");
    expect(classifyError(new AttemptTimeout(1500), "ping").detail).toBe(
      "no answer within the attempt's 1.5 s",
    );
  });

  it("formatOutcome prints one JSON line on success and maps each failure to its exit code", () => {
    const ok = formatOutcome({
      ok: true,
      connectMs: 3,
      pingMs: 1.5,
      roundTripMs: 4.25,
      attempts: 1,
      totalMs: 9,
    });
    expect(ok).toEqual({
      exitCode: 0,
      stdout: '{"ok":true,"pingMs":1.5,"roundTripMs":4.25,"attempts":1,"totalMs":9,"connectMs":3}',
    });
    const labels: Record<FailureKind, string> = {
      unreachable: "unreachable",
      auth: "authentication failed",
      deadline: "deadline exceeded",
      mismatch: "round trip mismatch",
      nightscout: "nightscout check failed",
      usage: "usage",
      internal: "internal error",
    };
    const codes = { unreachable: 2, auth: 3, deadline: 4, mismatch: 5, nightscout: 6, usage: 64 };
    expect(CHECK_EXIT_CODES).toMatchObject({ ...codes, ok: 0, internal: 1 });
    for (const [kind, label] of Object.entries(labels) as [FailureKind, string][]) {
      const out = formatOutcome({ ok: false, kind, message: "why", attempts: 1, totalMs: 1 });
      expect(out).toEqual({
        exitCode: CHECK_EXIT_CODES[kind],
        stderr: `post-deploy-check: ${label}: why`,
      });
    }
  });

  it("durations in messages are rounded seconds, never raw milliseconds", () => {
    expect(seconds(2468.1234)).toBe("2.5 s");
    expect(seconds(180_000)).toBe("180.0 s");
    const line = formatAttemptFailure({
      attempt: 2,
      kind: "stalled",
      phase: "ping",
      message: "no answer",
      retryWithinMs: 1234.5678,
    });
    expect(line).toBe(
      "post-deploy-check: attempt 2 failed (stalled during ping): no answer; retrying within 1.2 s",
    );
    expect(
      formatAttemptFailure({ attempt: 3, kind: "auth", phase: "connect", message: "x" }),
    ).toMatch(/; giving up$/);
  });

  it("a last attempt cut short by the deadline, silent, does not hide that the server answered before", () => {
    const full = 1500;
    const stalled: AttemptVerdict = {
      verdict: { kind: "stalled", detail: "no answer", phase: "connect" },
      budgetMs: full,
    };
    const silentShort: AttemptVerdict = {
      verdict: { kind: "silent", detail: "no handshake", phase: "connect" },
      budgetMs: full - 1,
    };
    const silentFull: AttemptVerdict = { ...silentShort, budgetMs: full };
    const refused: AttemptVerdict = {
      verdict: { kind: "unreachable", detail: "ECONNREFUSED", phase: "connect" },
      budgetMs: 400,
    };
    expect(reportedVerdict([stalled, silentShort], full)?.kind).toBe("stalled");
    // A full-length silent attempt is evidence: the server stopped answering.
    expect(reportedVerdict([stalled, silentFull], full)?.kind).toBe("silent");
    // Only a timeout is inconclusive; a refused connection is the server's answer.
    expect(reportedVerdict([stalled, refused], full)?.kind).toBe("unreachable");
    // Nothing earlier got further: the silent attempt stands.
    expect(reportedVerdict([silentFull, silentShort], full)).toBe(silentShort.verdict);
    expect(reportedVerdict([], full)).toBeUndefined();
  });

  it("markerMismatch compares every field, dates to the millisecond", () => {
    const marker = newMarker();
    expect(
      markerMismatch(marker, { ...marker, writtenAt: new Date(marker.writtenAt) }),
    ).toBeUndefined();
    expect(markerMismatch(marker, null)).toMatch(/was not found/);
    expect(markerMismatch(marker, { ...marker, nonce: "x" })).toMatch(/field nonce .* reads "x"/);
    expect(
      markerMismatch(marker, { ...marker, writtenAt: new Date(marker.writtenAt.getTime() + 1) }),
    ).toMatch(/field writtenAt/);
  });

  it("normalizes units the way Nightscout reads DISPLAY_UNITS", () => {
    expect(normalizeUnits("mmol/L")).toBe("mmol");
    expect(normalizeUnits("mmol")).toBe("mmol");
    expect(normalizeUnits("mg/dL")).toBe("mg/dl");
    expect(normalizeUnits("anything")).toBe("mg/dl");
  });

  it("the leak helpers say where a secret is, never what it is", () => {
    const secret = "Leak-Me-Not";
    expect(findSecret({ a: ["fine", `x ${secret}`] }, [secret])).toBe("$.a[1] (character 2)");
    expect(findSecret({ a: "fine" }, [secret])).toBeUndefined();
    expect(() => expectNoSecret({ stderr: secret }, [secret], "run")).toThrow(
      "a secret value was found at run.stderr (character 0)",
    );
  });

  describe("retryWithinDeadline (the exponential-backoff library, on a fake clock)", () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => {
      jest.useRealTimers();
      jest.restoreAllMocks();
    });

    /** Runs the policy against an attempt that fails `failures` times; records what happened. */
    async function drive(opts: { deadlineMs: number; failures: number; retryable?: boolean }) {
      const starts: number[] = [];
      const announced: (number | undefined)[] = [];
      const deadlineAt = Date.now() + opts.deadlineMs;
      const pending = retryWithinDeadline(
        async (n) => {
          starts.push(Date.now());
          if (n <= opts.failures) throw new Error(`down ${n}`);
          return "up";
        },
        {
          deadlineAt,
          now: () => Date.now(),
          attemptTimeoutMs: 1_000,
          isRetryable: () => opts.retryable ?? true,
          onFailedAttempt: (_e, _n, within) => announced.push(within),
        },
      );
      await jest.runAllTimersAsync();
      const result = await pending;
      const waits = starts.slice(1).map((t, i) => t - starts[i]);
      return { result, starts, waits, announced, deadlineAt };
    }

    it("waits double from 250 ms up to 5 s, with full jitter below each ceiling", async () => {
      jest.spyOn(Math, "random").mockReturnValue(0.999);
      const { result, waits, announced } = await drive({ deadlineMs: 120_000, failures: 8 });
      expect(result).toEqual({ ok: true, value: "up", attempts: 9 });
      const ceilings = [250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000];
      expect(announced).toEqual(ceilings);
      expect(waits).toEqual(ceilings.map((c) => Math.round(c * 0.999)));
    });

    it("never starts a wait that could end past the deadline", async () => {
      jest.spyOn(Math, "random").mockReturnValue(0.999);
      const { result, starts, announced, deadlineAt } = await drive({
        deadlineMs: 10_000,
        failures: 1_000,
      });
      expect(result.ok).toBe(false);
      if (!result.ok) expect((result.error as Error).message).toBe(`down ${result.attempts}`);
      // A 10 s deadline caps waits at 1.25 s, so the check stops at most that (plus one
      // minimal attempt) early.
      expect(maxRetryDelayMs(10_000)).toBe(1_250);
      expect(Math.max(...announced.filter((w): w is number => w !== undefined))).toBe(1_250);
      expect(announced[announced.length - 1]).toBeUndefined();
      expect(starts[starts.length - 1]).toBeLessThanOrEqual(deadlineAt - 250);
      expect(deadlineAt - starts[starts.length - 1]).toBeLessThan(1_250 + 250);
    });

    it("stops at once on what will not pass, and attempts nothing without time", async () => {
      const refused = await drive({ deadlineMs: 60_000, failures: 5, retryable: false });
      expect(refused.result).toMatchObject({ ok: false, attempts: 1 });
      expect(refused.announced).toEqual([undefined]);
      const late = await drive({ deadlineMs: 100, failures: 0 });
      expect(late.result).toEqual({ ok: false, error: undefined, attempts: 0 });
      expect(late.starts).toEqual([]);
    });
  });
}
