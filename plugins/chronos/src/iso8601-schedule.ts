import { daysInMonth, localFromFields } from './civil-calendar.js';
import { InvalidScheduleError } from './errors.js';
import {
  addPeriod,
  fixedLengthMs,
  formatIsoPeriod,
  type IsoPeriod,
  isZeroPeriod,
  longestDurationMs,
  readIsoPeriod,
} from './iso8601-period.js';
import {
  formatDateTime,
  localToInstant,
  offsetZone,
  resolveTimeZone,
  type ScheduleZone,
  UTC_ZONE,
} from './time-zone.js';

/**
 * A Chronos schedule, `R[n]/<start>/<period>`: run at start, then every period after
 * the previous run, n times in all (or forever). Chronos keeps a schedule "clipped" to
 * its next run: once a run is dispatched the job's schedule becomes
 * R(n-1)/<start + period>/<period>, which is what the functions below return.
 */
export interface Iso8601Schedule {
  /** Runs left, counting the one at `start`; null repeats forever (Chronos: R, stored as -1). */
  readonly repetitions: number | null;
  /** When the next run is due, in milliseconds since the Unix epoch. */
  readonly start: number;
  readonly period: IsoPeriod;
  /** The wall clock days, months and years are added on. */
  readonly zone: ScheduleZone;
}

export interface ParseScheduleOptions {
  /** The current time, which an empty start stands for. */
  readonly now: number;
  /** The job's scheduleTimeZone; empty or absent means the start's own offset. */
  readonly timeZone?: string | undefined;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

// Joda-Time's ISODateTimeFormat.dateTimeParser, as Chronos uses it, in the extended
// calendar form: a date (year, month and day may be cut short), then optionally T and a
// time (minutes and seconds may be cut short, seconds may have a fraction) and an offset.
const START_SYNTAX =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const REPETITIONS_SYNTAX = /^R(\d*)$/;

interface WrittenStart {
  readonly local: number;
  readonly offsetMinutes: number | undefined;
}

function readStart(text: string): WrittenStart | { readonly problem: string } {
  const match = START_SYNTAX.exec(text);
  if (match === null) {
    return {
      problem:
        `the start ${JSON.stringify(text)} is not an ISO 8601 date-time such as ` +
        '2024-01-31T09:00:00Z or 2024-01-31T09:00:00.000+01:00',
    };
  }
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00'] = match;
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
    millisecond: Number((match[7] ?? '').slice(0, 3).padEnd(3, '0')),
  };
  const quoted = JSON.stringify(text);
  if (fields.month < 1 || fields.month > 12) {
    return { problem: `the start ${quoted} has month ${fields.month}; months are 01 to 12` };
  }
  const monthLength = daysInMonth(fields.year, fields.month);
  if (fields.day < 1 || fields.day > monthLength) {
    const monthName = MONTH_NAMES[fields.month - 1] ?? '';
    return {
      problem:
        `the start ${quoted} has day ${fields.day}, but ${monthName} ${fields.year} ` +
        `has ${monthLength} days`,
    };
  }
  if (fields.hour > 23 || fields.minute > 59 || fields.second > 59) {
    return { problem: `the start ${quoted} has a time of day that does not exist` };
  }
  const offset = match[8];
  let offsetMinutes: number | undefined;
  if (offset === 'Z') {
    offsetMinutes = 0;
  } else if (offset !== undefined) {
    const digits = offset.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || '0');
    if (hours > 23 || minutes > 59) {
      return { problem: `the start ${quoted} has an offset beyond ±23:59` };
    }
    offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  return { local: localFromFields(fields), offsetMinutes };
}

function readTimeZone(expression: string, timeZone: string | undefined): ScheduleZone | undefined {
  if (timeZone === undefined || timeZone.trim() === '') return undefined;
  const zone = resolveTimeZone(timeZone);
  if (zone === undefined) {
    throw new InvalidScheduleError(
      expression,
      'scheduleTimeZone',
      `the scheduleTimeZone ${JSON.stringify(timeZone)} is not a time zone this system knows; ` +
        'use a tz database name such as Europe/Paris or America/New_York',
    );
  }
  return zone;
}

/**
 * Parses a Chronos schedule as Chronos 2.5's Iso8601Expressions.parse does.
 * A start without an offset is read in the scheduleTimeZone, or else at UTC. A
 * scheduleTimeZone takes precedence over the start's own offset and keeps its wall-clock
 * time: with "PST", R/2008-03-01T13:00:00Z/P1D starts at 13:00 in Los Angeles (Joda-Time's
 * withZoneRetainFields, which Chronos's own tests pin down).
 *
 * @example
 * parseSchedule('R5/2024-01-31T09:00:00Z/P1M', { now: Date.now() })
 * // { repetitions: 5, start: 1706691600000, period: { months: 1, ... }, zone: UTC }
 */
export function parseSchedule(expression: string, options: ParseScheduleOptions): Iso8601Schedule {
  if (expression.trim() !== expression) {
    throw new InvalidScheduleError(expression, 'format', 'it has leading or trailing whitespace');
  }
  const parts = expression.split('/');
  const [repetitionsText, startText, periodText] = parts;
  if (
    parts.length !== 3 ||
    repetitionsText === undefined ||
    startText === undefined ||
    periodText === undefined
  ) {
    throw new InvalidScheduleError(
      expression,
      'format',
      `it has ${parts.length} part${parts.length === 1 ? '' : 's'} separated by "/", where ` +
        'Chronos needs three',
    );
  }

  const repetitionsMatch = REPETITIONS_SYNTAX.exec(repetitionsText);
  if (repetitionsMatch === null) {
    throw new InvalidScheduleError(
      expression,
      'repetitions',
      `the repetitions ${JSON.stringify(repetitionsText)} must be R (forever) or R followed ` +
        'by a whole number of runs, such as R5',
    );
  }
  const count = repetitionsMatch[1] ?? '';
  const repetitions = count === '' ? null : Number(count);
  if (repetitions !== null && !Number.isSafeInteger(repetitions)) {
    throw new InvalidScheduleError(
      expression,
      'repetitions',
      `the repetitions ${repetitionsText} are more than ${Number.MAX_SAFE_INTEGER}`,
    );
  }

  const period = readIsoPeriod(periodText);
  if ('problem' in period) {
    throw new InvalidScheduleError(
      expression,
      'period',
      `the period ${JSON.stringify(periodText)} ${period.problem}`,
    );
  }
  if (isZeroPeriod(period)) {
    throw new InvalidScheduleError(
      expression,
      'period',
      `the period ${JSON.stringify(periodText)} is zero; a schedule needs time between runs`,
    );
  }

  const scheduleZone = readTimeZone(expression, options.timeZone);
  if (startText === '') {
    return { repetitions, start: options.now, period, zone: scheduleZone ?? UTC_ZONE };
  }
  const written = readStart(startText);
  if ('problem' in written) {
    throw new InvalidScheduleError(expression, 'start', written.problem);
  }
  const zone =
    scheduleZone ??
    (written.offsetMinutes === undefined ? UTC_ZONE : offsetZone(written.offsetMinutes));
  return { repetitions, start: localToInstant(zone, written.local), period, zone };
}

/**
 * The schedule as Chronos writes it back (Iso8601Expressions.create): the repetitions
 * left, the start with milliseconds and the zone's offset at that instant, and the period
 * in Joda-Time's canonical form, e.g. R4/2024-03-11T02:30:00.000-04:00/P1D.
 */
export function formatSchedule(schedule: Iso8601Schedule): string {
  const repetitions = schedule.repetitions === null ? '' : String(schedule.repetitions);
  return `R${repetitions}/${formatDateTime(schedule.start, schedule.zone)}/${formatIsoPeriod(schedule.period)}`;
}

/**
 * What Chronos keeps once the run at `start` has been dispatched (ScheduleStream.tail):
 * one repetition fewer, starting a period later. A used-up schedule (R0) has no next.
 */
export function scheduleAfterRun(schedule: Iso8601Schedule): Iso8601Schedule | undefined {
  if (schedule.repetitions === 0) return undefined;
  return {
    ...schedule,
    repetitions: schedule.repetitions === null ? null : schedule.repetitions - 1,
    start: addPeriod(schedule.start, schedule.period, schedule.zone),
  };
}

interface Position {
  /** How many runs come before this one. */
  readonly index: number;
  readonly at: number;
}

/**
 * Walks the runs from `start` to the first that `isMissed` lets through, or to just past
 * the last one. Each run is the previous one plus the period, as Chronos's stream adds
 * it, so calendar periods drift where Joda-Time clamps (Jan 31, Feb 29, Mar 29, ...).
 * Runs before `missedBelow` must all be missed; a period of fixed length jumps over them.
 */
function seek(
  schedule: Iso8601Schedule,
  isMissed: (at: number) => boolean,
  missedBelow: number,
): Position {
  const limit = schedule.repetitions ?? Number.POSITIVE_INFINITY;
  const step = fixedLengthMs(schedule.period, schedule.zone);
  if (step !== undefined) {
    const surelyMissed = Math.ceil((missedBelow - schedule.start) / step);
    let index = Math.min(limit, Math.max(0, surelyMissed));
    while (index < limit && isMissed(schedule.start + index * step)) index += 1;
    return { index, at: schedule.start + index * step };
  }
  let index = 0;
  let at = schedule.start;
  while (index < limit && isMissed(at)) {
    at = addPeriod(at, schedule.period, schedule.zone);
    index += 1;
  }
  return { index, at };
}

function clip(schedule: Iso8601Schedule, position: Position): Iso8601Schedule {
  return {
    ...schedule,
    repetitions: schedule.repetitions === null ? null : schedule.repetitions - position.index,
    start: position.at,
  };
}

export interface ScheduledRun {
  /** When the run is due. */
  readonly at: number;
  /** Runs left counting this one; null when the schedule repeats forever. */
  readonly remaining: number | null;
  /** The schedule clipped to this run, as Chronos would store it until it is dispatched. */
  readonly schedule: Iso8601Schedule;
}

/**
 * The first run due at or after `at`, or undefined when the schedule has no runs left
 * by then.
 */
export function nextRun(schedule: Iso8601Schedule, at: number): ScheduledRun | undefined {
  const position = seek(schedule, (runAt) => runAt < at, at);
  if (schedule.repetitions !== null && position.index >= schedule.repetitions) return undefined;
  const clipped = clip(schedule, position);
  return { at: position.at, remaining: clipped.repetitions, schedule: clipped };
}

export interface SkippedRuns {
  /**
   * The schedule to keep: clipped to the first run not missed, or, when every run left
   * was missed, an R0 schedule a period after the last one.
   */
  readonly schedule: Iso8601Schedule;
  /** How many runs were missed by more than epsilon and will not happen. */
  readonly skipped: number;
  /** When the next run is due (possibly a little before now, within epsilon); undefined when none is left. */
  readonly nextRunAt: number | undefined;
}

/**
 * Skips the runs missed by more than epsilon, as Chronos's scheduler does after a
 * restart or a long pause: a run is still made if its time plus epsilon is not before
 * now (Chronos's JobUtils.skipForward), so one missed by less than epsilon is due at once.
 */
export function skipMissedRuns(
  schedule: Iso8601Schedule,
  now: number,
  epsilon: IsoPeriod,
): SkippedRuns {
  const isMissed = (at: number) => addPeriod(at, epsilon, schedule.zone) < now;
  const position = seek(schedule, isMissed, now - longestDurationMs(epsilon));
  const exhausted = schedule.repetitions !== null && position.index >= schedule.repetitions;
  return {
    schedule: clip(schedule, position),
    skipped: position.index,
    nextRunAt: exhausted ? undefined : position.at,
  };
}
