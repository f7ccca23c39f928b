import {
  fieldsFromLocal,
  floorMod,
  type LocalDateTime,
  localFromFields,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  MS_PER_SECOND,
} from './civil-calendar.js';

/**
 * Where a schedule's wall clock is. A start written with its own offset and no
 * scheduleTimeZone keeps that fixed offset forever (Joda-Time parses it into a fixed
 * zone, so no daylight saving applies); a scheduleTimeZone is an IANA region whose
 * rules Intl knows.
 */
export type ScheduleZone =
  | { readonly kind: 'offset'; readonly offsetMinutes: number }
  | { readonly kind: 'region'; readonly id: string };

export const UTC_ZONE: ScheduleZone = { kind: 'offset', offsetMinutes: 0 };

export function offsetZone(offsetMinutes: number): ScheduleZone {
  return { kind: 'offset', offsetMinutes };
}

// Chronos hands scheduleTimeZone to java.util.TimeZone and then Joda-Time's
// DateTimeZone.forTimeZone, which maps these JDK 1.1 three-letter ids to regions. The
// Chronos docs' own example uses "PST", so clients send them.
const JODA_LEGACY_IDS: ReadonlyMap<string, string> = new Map([
  ['GMT', 'UTC'],
  ['WET', 'WET'],
  ['CET', 'CET'],
  ['MET', 'CET'],
  ['ECT', 'CET'],
  ['EET', 'EET'],
  ['MIT', 'Pacific/Apia'],
  ['HST', 'Pacific/Honolulu'],
  ['AST', 'America/Anchorage'],
  ['PST', 'America/Los_Angeles'],
  ['MST', 'America/Denver'],
  ['PNT', 'America/Phoenix'],
  ['CST', 'America/Chicago'],
  ['EST', 'America/New_York'],
  ['IET', 'America/Indiana/Indianapolis'],
  ['PRT', 'America/Puerto_Rico'],
  ['CNT', 'America/St_Johns'],
  ['AGT', 'America/Argentina/Buenos_Aires'],
  ['BET', 'America/Sao_Paulo'],
  ['ART', 'Africa/Cairo'],
  ['CAT', 'Africa/Harare'],
  ['EAT', 'Africa/Addis_Ababa'],
  ['NET', 'Asia/Yerevan'],
  ['PLT', 'Asia/Karachi'],
  ['IST', 'Asia/Kolkata'],
  ['BST', 'Asia/Dhaka'],
  ['VST', 'Asia/Ho_Chi_Minh'],
  ['CTT', 'Asia/Shanghai'],
  ['JST', 'Asia/Tokyo'],
  ['ACT', 'Australia/Darwin'],
  ['AET', 'Australia/Sydney'],
  ['SST', 'Pacific/Guadalcanal'],
  ['NST', 'Pacific/Auckland'],
]);

// java.util.TimeZone's custom ids ("GMT+05:30", "GMT-8"), which Joda-Time turns into
// fixed offsets.
const CUSTOM_OFFSET_ID = /^(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(id: string): Intl.DateTimeFormat {
  let formatter = formatters.get(id);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(id, formatter);
  }
  return formatter;
}

/**
 * Resolves a Chronos scheduleTimeZone. Unlike Java, which silently turns an unknown id
 * into GMT, an id nobody knows is refused (undefined) so that a typo cannot move a job
 * by hours.
 */
export function resolveTimeZone(name: string): ScheduleZone | undefined {
  const custom = CUSTOM_OFFSET_ID.exec(name);
  if (custom !== null) {
    const hours = Number(custom[2]);
    const minutes = Number(custom[3] ?? '0');
    if (hours > 23 || minutes > 59) return undefined;
    return offsetZone((custom[1] === '-' ? -1 : 1) * (hours * 60 + minutes));
  }
  const id = JODA_LEGACY_IDS.get(name) ?? name;
  try {
    return { kind: 'region', id: formatterFor(id).resolvedOptions().timeZone };
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function regionOffsetMs(id: string, instant: number): number {
  const wholeSecond = instant - floorMod(instant, MS_PER_SECOND);
  const fields: Record<string, number> = {};
  let beforeChrist = false;
  for (const part of formatterFor(id).formatToParts(wholeSecond)) {
    if (part.type === 'era') beforeChrist = part.value.startsWith('B');
    else if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields.year ?? 1970;
  const local: LocalDateTime = {
    year: beforeChrist ? 1 - year : year,
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    // Some ICU builds print midnight as hour 24 even with hourCycle h23.
    hour: (fields.hour ?? 0) % 24,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
    millisecond: 0,
  };
  return localFromFields(local) - wholeSecond;
}

/** The zone's offset from UTC at an instant, in milliseconds (local = instant + offset). */
export function offsetAt(zone: ScheduleZone, instant: number): number {
  return zone.kind === 'offset'
    ? zone.offsetMinutes * MS_PER_MINUTE
    : regionOffsetMs(zone.id, instant);
}

export function instantToLocal(zone: ScheduleZone, instant: number): number {
  return instant + offsetAt(zone, instant);
}

/**
 * The instant a wall-clock time means in a zone, resolved as Joda-Time's
 * getOffsetFromLocal does, since Chronos adds days and months through it: in an autumn
 * overlap the earlier instant (summer time) wins; a time inside a spring gap takes the
 * offset from before the gap, which moves it forward by the gap's length (02:30 on the
 * day New York springs forward is 03:30 EDT).
 */
export function localToInstant(zone: ScheduleZone, local: number): number {
  if (zone.kind === 'offset') return local - zone.offsetMinutes * MS_PER_MINUTE;
  // A day either side is beyond any single transition and before the next one.
  const offsetBefore = offsetAt(zone, local - MS_PER_DAY);
  const offsetAfter = offsetAt(zone, local + MS_PER_DAY);
  if (offsetBefore === offsetAfter) return local - offsetBefore;
  const candidates = [local - offsetBefore, local - offsetAfter].filter(
    (instant) => instantToLocal(zone, instant) === local,
  );
  if (candidates.length === 0) return local - offsetBefore;
  return Math.min(...candidates);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatOffset(offsetMs: number): string {
  if (offsetMs === 0) return 'Z';
  const sign = offsetMs < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMs);
  const hours = Math.floor(magnitude / MS_PER_HOUR);
  const minutes = Math.floor((magnitude % MS_PER_HOUR) / MS_PER_MINUTE);
  const seconds = Math.floor((magnitude % MS_PER_MINUTE) / MS_PER_SECOND);
  const base = `${sign}${pad(hours, 2)}:${pad(minutes, 2)}`;
  // Local mean time offsets before 1900 have seconds; Joda-Time prints them only then.
  return seconds === 0 ? base : `${base}:${pad(seconds, 2)}`;
}

function formatYear(year: number): string {
  return year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
}

/**
 * An instant as Joda-Time's ISODateTimeFormat.dateTime prints it in the zone, which is
 * how Chronos writes a schedule's start: 2024-03-10T02:00:00.000-05:00, or ...Z at UTC.
 */
export function formatDateTime(instant: number, zone: ScheduleZone): string {
  const offset = offsetAt(zone, instant);
  const f = fieldsFromLocal(instant + offset);
  return (
    `${formatYear(f.year)}-${pad(f.month, 2)}-${pad(f.day, 2)}` +
    `T${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}.${pad(f.millisecond, 3)}` +
    formatOffset(offset)
  );
}
