/**
 * Aurora's cron_schedule: a standard five-field cron expression, read in UTC as
 * Aurora's scheduler reads it by default.
 */
import { defineError } from '@mesolite/daemon/errors';
import { CronExpressionParser } from 'cron-parser';

export const InvalidCronScheduleError = defineError(
  'MESOLITE_ERR_AURORA_INVALID_CRON_SCHEDULE',
  400,
  (schedule: string, problem: string) =>
    `Invalid cron_schedule '${schedule}': ${problem}; use five fields, minute hour day-of-month month day-of-week, such as '*/5 * * * *'`,
);

/**
 * The first time after `after` (ms since the epoch) the schedule fires.
 *
 * @throws InvalidCronScheduleError
 */
export function nextCronTime(schedule: string, after: number): number {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new InvalidCronScheduleError(schedule, `it has ${fields.length} fields, not 5`);
  }
  try {
    return CronExpressionParser.parse(schedule, { currentDate: new Date(after), tz: 'UTC' })
      .next()
      .getTime();
  } catch (err) {
    throw new InvalidCronScheduleError(schedule, err instanceof Error ? err.message : String(err));
  }
}
