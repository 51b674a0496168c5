/**
 * Fact 8: CNPG's ScheduledBackup reads its schedule with robfig/cron v1.2.0's `cron.Parse`
 * (CloudNative-PG 1.30's go.mod): six fields, seconds first, or a descriptor (`@daily`,
 * `@every 6h`). This is that grammar, no looser, so that what the settings accept the operator
 * accepts too: day of week is 0-6 (7 is refused), `?` means `*`, `N/step` runs from N to the
 * field's maximum, names (jan, mon) in any case. The five-field form robfig also takes is
 * refused: pasted from crontab, `0 3 * * *` would mean every hour at minute 3.
 *
 * Runs are computed by day, never by run, so that any schedule is judged in constant time (a
 * schedule of every second once made evaluation walk 31 million runs).
 */

interface Bounds {
  name: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: readonly Bounds[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])) },
  { name: "day of week", min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i])) },
];

/** A parsed schedule: the set values of each field, or a fixed interval (`@every`). */
export type CronSchedule =
  | {
      kind: "spec";
      fields: readonly (readonly number[])[];
      /** robfig's star bit: a `*` or `?` in day of month or day of week changes how they combine. */
      domStar: boolean;
      dowStar: boolean;
    }
  | { kind: "every"; seconds: number };

class CronSyntaxError extends Error {}

/** strconv.Atoi, as robfig reads numbers: an optional sign, then decimal digits only. */
function atoi(text: string, expr: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new CronSyntaxError(`"${text}" in "${expr}" is not a number`);
  const n = Number(text);
  if (n < 0) throw new CronSyntaxError(`negative number ${n} in "${expr}"`);
  return n;
}

function intOrName(text: string, bounds: Bounds, expr: string): number {
  const named = bounds.names?.[text.toLowerCase()];
  return named ?? atoi(text, expr);
}

function parseField(field: string, bounds: Bounds): { values: number[]; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(",").filter((r) => r.length > 0)) {
    const rangeAndStep = expr.split("/");
    const lowAndHigh = rangeAndStep[0].split("-");
    let start: number;
    let end: number;
    if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
      [start, end, star] = [bounds.min, bounds.max, true];
    } else {
      start = intOrName(lowAndHigh[0], bounds, expr);
      if (lowAndHigh.length > 2) throw new CronSyntaxError(`too many hyphens in "${expr}"`);
      end = lowAndHigh.length === 2 ? intOrName(lowAndHigh[1], bounds, expr) : start;
    }
    if (rangeAndStep.length > 2) throw new CronSyntaxError(`too many slashes in "${expr}"`);
    const step = rangeAndStep.length === 2 ? atoi(rangeAndStep[1], expr) : 1;
    if (rangeAndStep.length === 2 && lowAndHigh.length === 1) end = bounds.max;
    const where = `in the ${bounds.name} field "${expr}"`;
    if (start < bounds.min) throw new CronSyntaxError(`${start} ${where} is below ${bounds.min}`);
    if (end > bounds.max) {
      throw new CronSyntaxError(
        `${end} ${where} is above ${bounds.max}${bounds.name === "day of week" ? " (Sunday is 0, not 7)" : ""}`,
      );
    }
    if (start > end) throw new CronSyntaxError(`${where}: ${start} comes after ${end}`);
    if (step === 0) throw new CronSyntaxError(`${where}: the step must be above 0`);
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values: [...values].sort((a, b) => a - b), star };
}

/** Go's time.ParseDuration, in seconds, as far as a schedule can use it. */
function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = {
    ns: 1e-9,
    us: 1e-6,
    µs: 1e-6,
    ms: 1e-3,
    s: 1,
    m: 60,
    h: 3600,
  };
  if (!/^(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, number, unit] of text.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(number) * units[unit];
  }
  return total;
}

const DESCRIPTORS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 0 1 1 *",
  "@annually": "0 0 0 1 1 *",
  "@monthly": "0 0 0 1 * *",
  "@weekly": "0 0 0 * * 0",
  "@daily": "0 0 0 * * *",
  "@midnight": "0 0 0 * * *",
  "@hourly": "0 0 * * * *",
};

/** The schedule robfig/cron v1.2.0's `cron.Parse` reads, or why it refuses it. */
export function parseCronSchedule(spec: string): CronSchedule | { problem: string } {
  try {
    if (spec.startsWith("@")) {
      if (spec.startsWith("@every ")) {
        const seconds = parseGoDuration(spec.slice("@every ".length));
        if (seconds === undefined) return { problem: `has an unreadable duration in "${spec}"` };
        // robfig runs at least every second, and in whole seconds.
        return { kind: "every", seconds: Math.max(1, Math.floor(seconds)) };
      }
      const expanded = DESCRIPTORS[spec];
      if (expanded === undefined) return { problem: "is not a descriptor robfig/cron knows" };
      spec = expanded;
    }
    const fields = spec.split(/\s+/).filter((f) => f.length > 0);
    if (fields.length !== FIELDS.length) {
      return { problem: `has ${fields.length} fields; ScheduledBackup needs six, seconds first` };
    }
    const parsed = fields.map((f, i) => parseField(f, FIELDS[i]));
    return {
      kind: "spec",
      fields: parsed.map((p) => p.values),
      domStar: parsed[3].star,
      dowStar: parsed[5].star,
    };
  } catch (err) {
    if (err instanceof CronSyntaxError)
      return { problem: `is not a valid cron schedule: ${err.message}` };
    throw err;
  }
}

const DAY = 86_400;

/** Eight years hold every calendar pattern a schedule can have, leap days included. */
const SPAN_DAYS = 8 * 366;

/** `values` as a table indexed by value: a day's test is then three lookups, not three scans. */
function lookup(values: readonly number[]): boolean[] {
  const table: boolean[] = [];
  for (const v of values) table[v] = true;
  return table;
}

interface CalendarDay {
  month: number;
  dayOfMonth: number;
  dayOfWeek: number;
}
let calendar: CalendarDay[] | undefined;
/** The days scheduleGaps looks at, computed once: every call then reads the same table. */
function calendarDays(): CalendarDay[] {
  if (calendar !== undefined) return calendar;
  const start = Date.UTC(2026, 0, 1) / 1000 / DAY;
  calendar = [];
  for (let d = start; d < start + SPAN_DAYS; d++) {
    const date = new Date(d * DAY * 1000);
    calendar.push({
      month: date.getUTCMonth() + 1,
      dayOfMonth: date.getUTCDate(),
      dayOfWeek: date.getUTCDay(),
    });
  }
  return calendar;
}

/**
 * Which days a spec schedule runs on, as a test of a calendar day, with robfig's
 * day-of-month/day-of-week rule.
 */
function runDayTest(s: Extract<CronSchedule, { kind: "spec" }>): (day: CalendarDay) => boolean {
  const months = lookup(s.fields[4]);
  const daysOfMonth = lookup(s.fields[3]);
  const daysOfWeek = lookup(s.fields[5]);
  const both = s.domStar || s.dowStar;
  return (day) => {
    if (months[day.month] !== true) return false;
    const dom = daysOfMonth[day.dayOfMonth] === true;
    const dow = daysOfWeek[day.dayOfWeek] === true;
    return both ? dom && dow : dom || dow;
  };
}

/** The shortest and longest time between two runs, in seconds; undefined if it never runs. */
export interface ScheduleGaps {
  shortest: number;
  longest: number;
}

/**
 * The gaps between runs over eight years from 2026 (UTC, where the operator schedules). Every
 * run day shares the same times of day, so the gaps come from that one list and the list of
 * run days, never from the runs themselves.
 */
export function scheduleGaps(schedule: CronSchedule): ScheduleGaps | undefined {
  if (schedule.kind === "every") return { shortest: schedule.seconds, longest: schedule.seconds };
  const [seconds, minutes, hours] = schedule.fields;
  const times: number[] = [];
  for (const h of hours)
    for (const m of minutes) for (const s of seconds) times.push(h * 3600 + m * 60 + s);
  // A field of commas alone sets no value: robfig accepts it, and it never runs.
  if (times.length === 0) return undefined;
  const days: number[] = [];
  const runsOn = runDayTest(schedule);
  calendarDays().forEach((day, d) => {
    if (runsOn(day)) days.push(d);
  });
  if (days.length === 0) return undefined;
  let shortest = Infinity;
  let longest = 0;
  for (let i = 1; i < times.length; i++) {
    shortest = Math.min(shortest, times[i] - times[i - 1]);
    longest = Math.max(longest, times[i] - times[i - 1]);
  }
  const dayEdge = times[0] - times[times.length - 1];
  for (let i = 1; i < days.length; i++) {
    const gap = (days[i] - days[i - 1]) * DAY + dayEdge;
    shortest = Math.min(shortest, gap);
    longest = Math.max(longest, gap);
  }
  // Runs on a single day in eight years: the gap is at least the span.
  if (days.length === 1) longest = SPAN_DAYS * DAY;
  return { shortest: shortest === Infinity ? longest : shortest, longest };
}

/**
 * How often a base backup may run. More than hourly only loads the database (WAL archiving
 * already covers every change between backups); less than weekly makes a restore replay a
 * week of WAL and leaves days with no base backup to fall back on.
 */
export const BACKUP_SCHEDULE_GAP_SECONDS = { shortest: 3600, longest: 7 * DAY } as const;

function duration(seconds: number): string {
  if (seconds % DAY === 0) return `${seconds / DAY} day${seconds === DAY ? "" : "s"}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** Why `schedule` is no base-backup schedule this stack accepts, or undefined when it is. */
export function backupScheduleProblem(schedule: string): string | undefined {
  const parsed = parseCronSchedule(schedule);
  if ("problem" in parsed) return parsed.problem;
  const gaps = scheduleGaps(parsed);
  if (gaps === undefined) return "never runs (no such date in eight years)";
  const { shortest, longest } = BACKUP_SCHEDULE_GAP_SECONDS;
  if (gaps.shortest < shortest) {
    return `runs a base backup every ${duration(gaps.shortest)}; at most hourly (WAL archiving covers the time between)`;
  }
  if (gaps.longest > longest) {
    return `leaves ${duration(gaps.longest)} between base backups; at least weekly`;
  }
  return undefined;
}
