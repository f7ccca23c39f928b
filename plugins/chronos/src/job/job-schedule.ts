/**
 * A job's schedule, whichever way it is written: Chronos's ISO 8601 repeating interval
 * (R[n]/start/period), or a cron expression (`*\/5 * * * *`), mesolite's extension read
 * with cron-parser's rules. The scheduler keeps only a cursor per job (the next run and
 * the runs left), as Chronos keeps its schedule clipped to the next run.
 */
import { CronExpressionParser } from 'cron-parser';
import { InvalidScheduleError } from '../errors.js';
import {
  addPeriod,
  formatIsoPeriod,
  type IsoPeriod,
  longestDurationMs,
} from '../iso8601-period.js';
import {
  formatSchedule,
  type Iso8601Schedule,
  parseSchedule,
  scheduleAfterRun,
  skipMissedRuns,
} from '../iso8601-schedule.js';
import { resolveTimeZone, UTC_ZONE } from '../time-zone.js';

export type JobSchedule =
  | { readonly kind: 'iso8601'; readonly schedule: Iso8601Schedule }
  | { readonly kind: 'cron'; readonly expression: string; readonly timeZone: string | undefined };

/** Where a job's schedule stands: its next run, and the runs left counting it (null: forever). */
export interface ScheduleCursor {
  readonly dueAt: number;
  /** 0 once an Rn schedule is used up. */
  readonly remaining: number | null;
}

/** Chronos schedules start with R; anything else is read as a cron expression. */
export function isCronExpression(expression: string): boolean {
  return !expression.startsWith('R');
}

/** Parses either form; throws InvalidScheduleError naming what is wrong. */
export function parseJobSchedule(
  expression: string,
  options: { readonly now: number; readonly timeZone?: string | undefined },
): JobSchedule {
  if (!isCronExpression(expression)) {
    return { kind: 'iso8601', schedule: parseSchedule(expression, options) };
  }
  const timeZone = options.timeZone === '' ? undefined : options.timeZone;
  if (timeZone !== undefined && resolveTimeZone(timeZone) === undefined) {
    throw new InvalidScheduleError(
      expression,
      'scheduleTimeZone',
      `the scheduleTimeZone ${JSON.stringify(timeZone)} is not a time zone this system knows`,
    );
  }
  try {
    cronAfter({ expression, timeZone }, options.now);
  } catch (err) {
    throw new InvalidScheduleError(
      expression,
      'format',
      `it is neither an ISO 8601 repeating interval (R[n]/start/period) nor a cron ` +
        `expression (${(err as Error).message})`,
    );
  }
  return { kind: 'cron', expression, timeZone };
}

function cronAfter(
  cron: { readonly expression: string; readonly timeZone: string | undefined },
  after: number,
): number {
  const parsed = CronExpressionParser.parse(cron.expression, {
    currentDate: after,
    ...(cron.timeZone === undefined ? {} : { tz: cron.timeZone }),
  });
  return parsed.next().getTime();
}

/** The first run of a newly posted schedule. */
export function firstCursor(schedule: JobSchedule, now: number): ScheduleCursor {
  if (schedule.kind === 'iso8601') {
    return { dueAt: schedule.schedule.start, remaining: schedule.schedule.repetitions };
  }
  // cron-parser answers strictly after its date; a run due this very millisecond counts.
  return { dueAt: cronAfter(schedule, now - 1), remaining: null };
}

function clipped(schedule: Iso8601Schedule, cursor: ScheduleCursor): Iso8601Schedule {
  return { ...schedule, start: cursor.dueAt, repetitions: cursor.remaining };
}

/** The cursor once the run at `cursor.dueAt` has been dispatched (remaining 0 when used up). */
export function cursorAfterRun(schedule: JobSchedule, cursor: ScheduleCursor): ScheduleCursor {
  if (schedule.kind === 'cron')
    return { dueAt: cronAfter(schedule, cursor.dueAt), remaining: null };
  const next = scheduleAfterRun(clipped(schedule.schedule, cursor));
  if (next === undefined) return cursor;
  return { dueAt: next.start, remaining: next.repetitions };
}

export interface SkipResult {
  readonly cursor: ScheduleCursor;
  readonly skipped: number;
}

/**
 * Drops the runs missed by more than epsilon (Chronos's JobUtils.skipForward): after
 * downtime a run late by less than epsilon still happens, older ones never do.
 */
export function skipMissed(
  schedule: JobSchedule,
  cursor: ScheduleCursor,
  now: number,
  epsilon: IsoPeriod,
): SkipResult {
  if (schedule.kind === 'iso8601') {
    const result = skipMissedRuns(clipped(schedule.schedule, cursor), now, epsilon);
    return {
      cursor: { dueAt: result.schedule.start, remaining: result.schedule.repetitions },
      skipped: result.skipped,
    };
  }
  const missed = (at: number) => addPeriod(at, epsilon, UTC_ZONE) < now;
  if (!missed(cursor.dueAt)) return { cursor, skipped: 0 };
  // Counted on one parsed expression (parsing is the slow part), up to a bound; past
  // it, a long outage on a frequent cron jumps straight to the first run not missed.
  const runs = cronIterator(schedule, cursor.dueAt);
  let skipped = 1;
  let dueAt = runs();
  while (missed(dueAt) && skipped < MAX_COUNTED_SKIPS) {
    dueAt = runs();
    skipped += 1;
  }
  if (missed(dueAt)) {
    const after = cronIterator(schedule, now - longestDurationMs(epsilon) - 1);
    dueAt = after();
    while (missed(dueAt)) dueAt = after();
  }
  return { cursor: { dueAt, remaining: null }, skipped };
}

const MAX_COUNTED_SKIPS = 1000;

/** The cron's runs strictly after `after`, one per call. */
function cronIterator(
  cron: { readonly expression: string; readonly timeZone: string | undefined },
  after: number,
): () => number {
  const parsed = CronExpressionParser.parse(cron.expression, {
    currentDate: after,
    ...(cron.timeZone === undefined ? {} : { tz: cron.timeZone }),
  });
  return () => parsed.next().getTime();
}

/** The schedule as GET /scheduler/jobs shows it: an ISO schedule clipped to the cursor. */
export function displaySchedule(schedule: JobSchedule, cursor: ScheduleCursor): string {
  if (schedule.kind === 'cron') return schedule.expression;
  return formatSchedule(clipped(schedule.schedule, cursor));
}

/** The period of an ISO schedule, as Chronos prints it (for logs and messages). */
export function describeSchedule(schedule: JobSchedule): string {
  return schedule.kind === 'cron'
    ? `cron ${schedule.expression}`
    : `every ${formatIsoPeriod(schedule.schedule.period)}`;
}
