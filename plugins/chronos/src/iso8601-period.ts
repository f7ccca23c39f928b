import {
  addMonthsToLocal,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  MS_PER_SECOND,
} from './civil-calendar.js';
import { InvalidPeriodError } from './errors.js';
import { instantToLocal, localToInstant, type ScheduleZone } from './time-zone.js';

/**
 * An ISO 8601 duration as Joda-Time's Period holds it (Chronos's schedule periods and
 * job epsilons): each field kept apart, never normalised, since "P1M" and "P30D" or
 * "PT24H" and "P1D" are different amounts of time once calendars and zones apply.
 */
export interface IsoPeriod {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly milliseconds: number;
}

export const ZERO_PERIOD: IsoPeriod = {
  years: 0,
  months: 0,
  weeks: 0,
  days: 0,
  hours: 0,
  minutes: 0,
  seconds: 0,
  milliseconds: 0,
};

export function isoPeriod(fields: Partial<IsoPeriod>): IsoPeriod {
  return { ...ZERO_PERIOD, ...fields };
}

// Joda-Time holds each field in a Java int.
const MAX_FIELD = 2_147_483_647;

const PERIOD_SYNTAX =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d+))?S)?)?$/;

const DESIGNATORS = ['Y', 'M', 'W', 'D', 'H', 'M', 'S'] as const;

/**
 * Reads a duration the way Joda-Time's ISOPeriodFormat.standard does: PnYnMnWnDTnHnMnS,
 * weeks allowed beside other fields, a fraction only on seconds ("." or ","), kept to
 * milliseconds with further digits dropped. Answers the problem as text when it cannot.
 */
export function readIsoPeriod(text: string): IsoPeriod | { readonly problem: string } {
  if (!text.startsWith('P')) return { problem: 'must start with P' };
  if (/[+-]/.test(text)) return { problem: 'must not be signed or negative' };
  const match = PERIOD_SYNTAX.exec(text);
  if (match === null) {
    return {
      problem:
        'is not of the form PnYnMnWnDTnHnMnS (hours, minutes and seconds go after T, and only ' +
        'seconds may have a fraction)',
    };
  }
  const timePart = match.slice(5, 8);
  if (text.includes('T') && timePart.every((value) => value === undefined)) {
    return { problem: 'has a T with no hours, minutes or seconds after it' };
  }
  const values = match.slice(1, 8);
  if (values.every((value) => value === undefined)) {
    return { problem: 'names no amount of time' };
  }
  for (const [index, value] of values.entries()) {
    if (value !== undefined && Number(value) > MAX_FIELD) {
      return { problem: `${value}${DESIGNATORS[index]} is too large (at most ${MAX_FIELD})` };
    }
  }
  const fraction = match[8] ?? '';
  return {
    years: Number(match[1] ?? 0),
    months: Number(match[2] ?? 0),
    weeks: Number(match[3] ?? 0),
    days: Number(match[4] ?? 0),
    hours: Number(match[5] ?? 0),
    minutes: Number(match[6] ?? 0),
    seconds: Number(match[7] ?? 0),
    milliseconds: fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0')),
  };
}

/** Parses an ISO 8601 duration such as a job's epsilon ("PT60S"); zero is allowed. */
export function parseIsoPeriod(text: string): IsoPeriod {
  const read = readIsoPeriod(text);
  if ('problem' in read) throw new InvalidPeriodError(text, read.problem);
  return read;
}

/** Prints a period as Joda-Time's ISOPeriodFormat.standard does: P1Y2M3W4DT5H6M7.500S, PT0S. */
export function formatIsoPeriod(period: IsoPeriod): string {
  const totalMillis = period.seconds * MS_PER_SECOND + period.milliseconds;
  const seconds = Math.trunc(totalMillis / MS_PER_SECOND);
  const millis = totalMillis % MS_PER_SECOND;
  const date = [
    [period.years, 'Y'],
    [period.months, 'M'],
    [period.weeks, 'W'],
    [period.days, 'D'],
  ] as const;
  let text = 'P';
  for (const [value, designator] of date) {
    if (value !== 0) text += `${value}${designator}`;
  }
  let time = '';
  if (period.hours !== 0) time += `${period.hours}H`;
  if (period.minutes !== 0) time += `${period.minutes}M`;
  if (totalMillis !== 0) {
    time += millis === 0 ? `${seconds}S` : `${seconds}.${String(millis).padStart(3, '0')}S`;
  }
  if (time !== '') return `${text}T${time}`;
  return text === 'P' ? 'PT0S' : text;
}

export function isZeroPeriod(period: IsoPeriod): boolean {
  return formatIsoPeriod(period) === 'PT0S';
}

/** Whether the period has years, months, weeks or days, which are added on the wall clock. */
export function hasCalendarFields(period: IsoPeriod): boolean {
  return period.years !== 0 || period.months !== 0 || period.weeks !== 0 || period.days !== 0;
}

/** Hours, minutes, seconds and milliseconds, which are exact amounts of elapsed time. */
export function exactPartMs(period: IsoPeriod): number {
  return (
    period.hours * MS_PER_HOUR +
    period.minutes * MS_PER_MINUTE +
    period.seconds * MS_PER_SECOND +
    period.milliseconds
  );
}

/**
 * How long the period always takes in the zone, when that never varies: hours, minutes
 * and seconds anywhere, and weeks and days too on a fixed offset, where no day is
 * longer than another. Undefined when months or years, or days in a region, are involved.
 */
export function fixedLengthMs(period: IsoPeriod, zone: ScheduleZone): number | undefined {
  if (period.years !== 0 || period.months !== 0) return undefined;
  const days = period.weeks * 7 + period.days;
  if (days !== 0 && zone.kind === 'region') return undefined;
  return days * MS_PER_DAY + exactPartMs(period);
}

// No zone has moved its clocks by more than a day at once (Samoa skipped 2011-12-30).
const LARGEST_OFFSET_CHANGE_MS = 26 * MS_PER_HOUR;

/** An upper bound on how much time adding the period can take, whatever the start and zone. */
export function longestDurationMs(period: IsoPeriod): number {
  if (!hasCalendarFields(period)) return exactPartMs(period);
  return (
    (period.years * 366 + period.months * 31 + period.weeks * 7 + period.days) * MS_PER_DAY +
    LARGEST_OFFSET_CHANGE_MS +
    exactPartMs(period)
  );
}

function onWallClock(instant: number, zone: ScheduleZone, step: (local: number) => number) {
  return localToInstant(zone, step(instantToLocal(zone, instant)));
}

/**
 * Adds a period as Joda-Time's DateTime.plus(Period) does in the schedule's zone, one
 * field at a time from years down: years, months, weeks and days move the wall clock
 * (a month from Jan 31 is the last day of February; a day across a DST change keeps
 * the time of day), while hours, minutes and seconds are elapsed time (PT24H across a
 * DST change lands an hour off the time of day).
 */
export function addPeriod(instant: number, period: IsoPeriod, zone: ScheduleZone): number {
  let result = instant;
  if (period.years !== 0) {
    result = onWallClock(result, zone, (local) => addMonthsToLocal(local, period.years * 12));
  }
  if (period.months !== 0) {
    result = onWallClock(result, zone, (local) => addMonthsToLocal(local, period.months));
  }
  if (period.weeks !== 0) {
    result = onWallClock(result, zone, (local) => local + period.weeks * 7 * MS_PER_DAY);
  }
  if (period.days !== 0) {
    result = onWallClock(result, zone, (local) => local + period.days * MS_PER_DAY);
  }
  return result + exactPartMs(period);
}
