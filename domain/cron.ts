/** Fact 8: CNPG's ScheduledBackup reads six cron fields, seconds first (robfig/cron). */
import { CronExpressionParser } from "cron-parser";

const FIELD_NAMES = ["second", "minute", "hour", "day of month", "month", "day of week"];

/** Why `schedule` is not a valid six-field cron expression, or undefined when it is. */
export function sixFieldCronProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== FIELD_NAMES.length) {
    return `has ${fields.length} fields; ScheduledBackup needs six, seconds first`;
  }
  try {
    CronExpressionParser.parse(fields.join(" "), { strict: false });
  } catch (err) {
    return `is not a valid cron schedule (${(err as Error).message})`;
  }
  return undefined;
}
