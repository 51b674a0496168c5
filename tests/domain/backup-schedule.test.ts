/**
 * The backup schedule as CloudNative-PG 1.30 reads it (robfig/cron v1.2.0's cron.Parse), and
 * the bounds on how often it runs (issue 20). Cases sit just inside and just outside each edge.
 */
import { performance } from "node:perf_hooks";
import { backupScheduleProblem, parseCronSchedule, scheduleGaps } from "../../domain";
import { longestScheduleGapSeconds } from "../../domain/alerts";

const gaps = (spec: string) => {
  const parsed = parseCronSchedule(spec);
  if ("problem" in parsed) throw new Error(parsed.problem);
  return scheduleGaps(parsed);
};

describe("the grammar robfig/cron v1.2.0 parses", () => {
  test.each([
    "0 45 2 * * *",
    "0 0 3 * * 6",
    "0 0 3 * * sat",
    "0 0 3 * * SUN",
    "0 0 3 ? * mon-fri",
    "0 0 */6 * * *",
    "0 0 3/12 * * *",
    "0 0 1,13 * * *",
    "  0 0 3 * * *  ",
    "0 0 3 * jan-dec *",
    "+0 0 3 * * *",
    "@daily",
    "@midnight",
    "@weekly",
    "@hourly",
    "@every 6h",
    "@every 1h30m",
  ])("%j is a schedule", (spec) => expect(parseCronSchedule(spec)).not.toHaveProperty("problem"));

  test.each([
    ["0 0 3 * * 7", /7 in the day of week field "7" is above 6 \(Sunday is 0, not 7\)/],
    ["0 0 24 * * *", /24 in the hour field "24" is above 23/],
    ["0 0 3 0 * *", /0 in the day of month field "0" is below 1/],
    ["0 0 3 * 13 *", /13 in the month field "13" is above 12/],
    ["0 0 3-1 * * *", /3 comes after 1/],
    ["0 0 */0 * * *", /the step must be above 0/],
    ["0 0 1-2-3 * * *", /too many hyphens/],
    ["0 0 */2/3 * * *", /too many slashes/],
    ["0 0 L * * *", /"L" in "L" is not a number/],
    ["0 0 3 * * 1#2", /is not a number/],
    ["0 3 * * *", /has 5 fields; ScheduledBackup needs six, seconds first/],
    ["0 0 0 3 * * *", /has 7 fields/],
    ["@fortnightly", /not a descriptor/],
    ["@every soon", /unreadable duration/],
    [" @daily", /has 1 fields/],
    ["0 0 */-1 * * *", /negative number -1 in "\*\/-1"/],
  ])("%j is refused", (spec, why) => expect(backupScheduleProblem(spec)).toMatch(why));

  test("an empty part between commas is skipped, as robfig's strings.FieldsFunc skips it", () =>
    expect(gaps("0 0 3,15, * * *")).toEqual({ shortest: 12 * 3600, longest: 12 * 3600 }));
});

describe("the gaps between runs, by day", () => {
  test("daily, weekly, on workdays", () => {
    expect(gaps("0 45 2 * * *")).toEqual({ shortest: 86_400, longest: 86_400 });
    expect(gaps("0 0 3 * * 1")).toEqual({ shortest: 7 * 86_400, longest: 7 * 86_400 });
    expect(gaps("0 0 3 * * 1-5")).toEqual({ shortest: 86_400, longest: 3 * 86_400 });
    expect(gaps("0 0 3,15 * * *")).toEqual({ shortest: 12 * 3600, longest: 12 * 3600 });
  });

  test("values in any order, and N/step runs from N to the field's end", () => {
    expect(gaps("0 0 15,3 * * *")).toEqual({ shortest: 12 * 3600, longest: 12 * 3600 });
    expect(gaps("0 0 3/12 * * *")).toEqual({ shortest: 12 * 3600, longest: 12 * 3600 });
    // With a range, the step stays inside it: 1, 4, 7 and 10 o'clock, then 1 the next day.
    expect(gaps("0 0 1-10/3 * * *")).toEqual({ shortest: 3 * 3600, longest: 15 * 3600 });
  });

  test("day of month and day of week: either when both are restricted, both when one is *", () => {
    // The 1st of each month, or any Monday: at most a week apart.
    expect(gaps("0 0 3 1 * 1")!.longest).toBeLessThanOrEqual(7 * 86_400);
    // Both restricted: the 13th or any Friday.
    expect(gaps("0 0 3 13 * 5")!.longest).toBe(7 * 86_400);
    // Day of week ? (as *): the 13th of every month, whatever the weekday.
    expect(gaps("0 0 3 13 * ?")).toEqual({ shortest: 28 * 86_400, longest: 31 * 86_400 });
  });

  test("a date that never comes never runs", () => expect(gaps("0 0 3 31 2 *")).toBeUndefined());

  test("every second is judged at once, not by walking its runs", () => {
    // The shared calendar is built on first use; only the judging itself is timed.
    gaps("0 0 3 * * *");
    const started = performance.now();
    expect(gaps("* * * * * *")).toEqual({ shortest: 1, longest: 1 });
    expect(backupScheduleProblem("* * * * * *")).toMatch(/every 1 s/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test.each(["3600000000000ns", "3600000000us", "3600000000µs", "3600000ms", "3600s", "60m"])(
    "@every %s is an hour, in any unit Go's ParseDuration reads",
    (duration) => expect(gaps(`@every ${duration}`)).toEqual({ shortest: 3600, longest: 3600 }),
  );

  test("@every is a fixed interval, in whole seconds, at least one", () => {
    expect(gaps("@every 90m")).toEqual({ shortest: 5400, longest: 5400 });
    expect(gaps("@every 1500ms")).toEqual({ shortest: 1, longest: 1 });
    expect(gaps("@every 10ms")).toEqual({ shortest: 1, longest: 1 });
  });

  test("the backup-age alert reads the same gaps", () => {
    expect(longestScheduleGapSeconds("@weekly")).toBe(7 * 86_400);
    expect(() => longestScheduleGapSeconds("0 0 3 31 2 *")).toThrow(/never runs/);
    expect(() => longestScheduleGapSeconds("0 0 3 * * 7")).toThrow(/above 6/);
  });
});

describe("how often a base backup may run", () => {
  test("hourly is the most often, just under it is refused", () => {
    expect(backupScheduleProblem("0 0 * * * *")).toBeUndefined();
    expect(backupScheduleProblem("@every 1h")).toBeUndefined();
    expect(backupScheduleProblem("@every 59m59s")).toBe(
      "runs a base backup every 3599 s; at most hourly (WAL archiving covers the time between)",
    );
    expect(backupScheduleProblem("0 0,59 * * * *")).toMatch(/every 1 min/);
  });

  test("weekly is the least often, a day more is refused", () => {
    expect(backupScheduleProblem("0 0 3 * * 0")).toBeUndefined();
    expect(backupScheduleProblem("@every 168h")).toBeUndefined();
    expect(backupScheduleProblem("@every 169h")).toBe(
      "leaves 169 h between base backups; at least weekly",
    );
    expect(backupScheduleProblem("@monthly")).toMatch(/^leaves 3\d days between base backups/);
  });

  test("once every four years (29 February) is refused", () =>
    expect(backupScheduleProblem("0 0 3 29 2 *")).toBe(
      "leaves 1461 days between base backups; at least weekly",
    ));

  test("a date that never comes is refused", () =>
    expect(backupScheduleProblem("0 0 3 30 2 *")).toBe("never runs (no such date in eight years)"));
});
