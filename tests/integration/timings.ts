/**
 * How far past its deadline a failing check may end, and a record of what each fault test
 * measured (printed once per suite, for docs/post-deploy-check.md's failure-mode table).
 */

/**
 * The check's own bound is the deadline plus closing the last client (CLOSE_GRACE_MS, 0.5 s);
 * the TCP accept asked after a silent timeout fits in the attempt's driver margin. The rest
 * is slack for a loaded two-core CI machine.
 */
export const OVERSHOOT_MS = 1_000;

interface Timing {
  what: string;
  exitCode: number | null;
  ms: number;
  deadlineMs: number;
}

const timings: Timing[] = [];

export function recordTiming(
  what: string,
  exitCode: number | null,
  ms: number,
  deadlineMs: number,
): void {
  timings.push({ what, exitCode, ms: Math.round(ms), deadlineMs });
}

afterAll(() => {
  if (timings.length === 0) return;
  const rows = timings.map(
    (t) =>
      `  ${t.what.padEnd(44)} exit ${String(t.exitCode).padStart(2)}  ${String(t.ms).padStart(6)} ms` +
      `  deadline ${t.deadlineMs} ms  overshoot ${t.ms - t.deadlineMs} ms`,
  );
  process.stdout.write(`\nmeasured:\n${rows.join("\n")}\n`);
});
