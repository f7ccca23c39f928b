/**
 * Proleptic Gregorian calendar arithmetic on "local milliseconds": milliseconds since
 * 1970-01-01T00:00 on a wall clock, with no time zone attached. Date arithmetic happens
 * here and time zones are applied afterwards, which is how Joda-Time (and so Chronos)
 * adds days, months and years.
 */

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface LocalDateTime extends CivilDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

export function floorMod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Howard Hinnant's days_from_civil: exact for every year, including years before 1970
// and before year 1, where Date.UTC maps two-digit years into the 1900s.
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function localFromFields(fields: LocalDateTime): number {
  return (
    daysFromCivil(fields.year, fields.month, fields.day) * MS_PER_DAY +
    fields.hour * MS_PER_HOUR +
    fields.minute * MS_PER_MINUTE +
    fields.second * MS_PER_SECOND +
    fields.millisecond
  );
}

export function fieldsFromLocal(local: number): LocalDateTime {
  const days = Math.floor(local / MS_PER_DAY);
  const timeOfDay = local - days * MS_PER_DAY;
  return {
    ...civilFromDays(days),
    hour: Math.floor(timeOfDay / MS_PER_HOUR),
    minute: Math.floor((timeOfDay % MS_PER_HOUR) / MS_PER_MINUTE),
    second: Math.floor((timeOfDay % MS_PER_MINUTE) / MS_PER_SECOND),
    millisecond: timeOfDay % MS_PER_SECOND,
  };
}

/**
 * Adds calendar months keeping the time of day. A day that does not exist in the target
 * month becomes that month's last day, as Joda-Time's plusMonths does (Jan 31 + 1 month
 * is Feb 28, or Feb 29 in a leap year).
 */
export function addMonthsToLocal(local: number, months: number): number {
  const days = Math.floor(local / MS_PER_DAY);
  const timeOfDay = local - days * MS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const monthIndex = year * 12 + (month - 1) + months;
  const newYear = Math.floor(monthIndex / 12);
  const newMonth = monthIndex - newYear * 12 + 1;
  const newDay = Math.min(day, daysInMonth(newYear, newMonth));
  return daysFromCivil(newYear, newMonth, newDay) * MS_PER_DAY + timeOfDay;
}
