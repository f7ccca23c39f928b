import { InvalidPeriodError, InvalidScheduleError } from '@mesolite/plugin-chronos/errors';
import {
  formatIsoPeriod,
  isoPeriod,
  parseIsoPeriod,
  ZERO_PERIOD,
} from '@mesolite/plugin-chronos/iso8601-period';
import {
  formatSchedule,
  type Iso8601Schedule,
  nextRun,
  parseSchedule,
  scheduleAfterRun,
  skipMissedRuns,
} from '@mesolite/plugin-chronos/iso8601-schedule';
import { describe, expect, it } from 'vitest';

const NOW = Date.parse('2024-06-15T12:00:00Z');
const HOUR = 3_600_000;

function parse(expression: string, timeZone?: string): Iso8601Schedule {
  return parseSchedule(expression, { now: NOW, timeZone });
}

function at(iso: string): number {
  return Date.parse(iso);
}

/** The starts of the first `count` runs, as Chronos would print them. */
function runs(schedule: Iso8601Schedule, count: number): string[] {
  const printed: string[] = [];
  let current: Iso8601Schedule | undefined = schedule;
  while (current !== undefined && printed.length < count) {
    printed.push(formatSchedule(current).split('/')[1] ?? '');
    current = scheduleAfterRun(current);
  }
  return printed;
}

function rejection(run: () => unknown): InvalidScheduleError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidScheduleError) return error;
    throw error;
  }
  throw new Error('expected the schedule to be refused');
}

describe('parsing a schedule', () => {
  it('reads the repetitions, the start and the period', () => {
    const schedule = parse('R5/2008-03-01T13:00:00Z/P1D');
    expect(schedule.repetitions).toBe(5);
    expect(schedule.start).toBe(at('2008-03-01T13:00:00Z'));
    expect(schedule.period).toEqual(isoPeriod({ days: 1 }));
  });

  it('repeats forever when R has no count', () => {
    expect(parse('R/2008-03-01T13:00:00Z/P1D').repetitions).toBeNull();
  });

  it('accepts R0, a schedule with no runs left', () => {
    expect(parse('R0/2008-03-01T13:00:00Z/P1D').repetitions).toBe(0);
  });

  it('reads a count written with leading zeros', () => {
    expect(parse('R05/2008-03-01T13:00:00Z/P1D').repetitions).toBe(5);
  });

  it('takes an empty start to mean now', () => {
    expect(parse('R//PT1H').start).toBe(NOW);
  });

  it('keeps the offset written in the start', () => {
    const schedule = parse('R/2024-01-31T09:00:00+01:00/P1D');
    expect(schedule.start).toBe(at('2024-01-31T08:00:00Z'));
    expect(schedule.zone).toEqual({ kind: 'offset', offsetMinutes: 60 });
  });

  it('reads a start without an offset at UTC', () => {
    expect(parse('R/2024-01-31T09:00:00/P1D').start).toBe(at('2024-01-31T09:00:00Z'));
  });

  it('reads a start without an offset in the scheduleTimeZone', () => {
    expect(parse('R/2024-01-31T09:00:00/P1D', 'Asia/Tokyo').start).toBe(
      at('2024-01-31T09:00:00+09:00'),
    );
  });

  it('keeps milliseconds of the start and drops finer digits, as Joda-Time does', () => {
    expect(parse('R/2024-01-31T09:00:00.123789Z/P1D').start).toBe(at('2024-01-31T09:00:00.123Z'));
  });

  it('accepts a comma before the fraction of a second', () => {
    expect(parse('R/2024-01-31T09:00:00,5Z/P1D').start).toBe(at('2024-01-31T09:00:00.500Z'));
  });

  it.each([
    ['2024-01-31', '2024-01-31T00:00:00Z'],
    ['2024-01', '2024-01-01T00:00:00Z'],
    ['2024-01-31T09Z', '2024-01-31T09:00:00Z'],
    ['2024-01-31T09:30+0530', '2024-01-31T04:00:00Z'],
    ['2024-01-31T09:30-03', '2024-01-31T12:30:00Z'],
  ])('accepts the shortened start %s', (start, instant) => {
    expect(parse(`R/${start}/P1D`).start).toBe(at(instant));
  });

  it.each([
    ['PST', '-08:00'],
    ['BST', '+06:00'],
    ['Europe/Paris', '+01:00'],
    ['America/New_York', '-05:00'],
    ['GMT+05:30', '+05:30'],
  ])(
    'lets scheduleTimeZone %s override the start offset, keeping its wall-clock time',
    (timeZone, offset) => {
      const schedule = parse('R/2008-03-01T13:00:00Z/P1D', timeZone);
      expect(schedule.start).toBe(at(`2008-03-01T13:00:00${offset}`));
    },
  );

  it('treats an empty scheduleTimeZone as none', () => {
    expect(parse('R/2008-03-01T13:00:00+02:00/P1D', '').start).toBe(at('2008-03-01T11:00:00Z'));
  });

  it('starts an empty-start schedule now in the scheduleTimeZone', () => {
    expect(parse('R//P1D', 'Europe/Paris').zone).toEqual({ kind: 'region', id: 'Europe/Paris' });
  });

  it('moves a start inside the spring-forward gap forward by the gap', () => {
    const schedule = parse('R/2024-03-10T02:30:00/P1D', 'America/New_York');
    expect(schedule.start).toBe(at('2024-03-10T03:30:00-04:00'));
  });

  it('reads a start inside the autumn overlap as the earlier instant, in summer time', () => {
    const schedule = parse('R/2024-11-03T01:30:00/P1D', 'America/New_York');
    expect(schedule.start).toBe(at('2024-11-03T01:30:00-04:00'));
  });

  it('reads every field of a period, weeks included', () => {
    expect(parse('R/2024-01-01T00:00:00Z/P1Y2M3W4DT5H6M7.25S').period).toEqual({
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7,
      milliseconds: 250,
    });
  });

  it('tells months from minutes by the T', () => {
    expect(parse('R/2024-01-01T00:00:00Z/P10M').period).toEqual(isoPeriod({ months: 10 }));
    expect(parse('R/2024-01-01T00:00:00Z/PT10M').period).toEqual(isoPeriod({ minutes: 10 }));
  });
});

describe('refusing a schedule', () => {
  const start = '2024-01-01T00:00:00Z';

  it.each([
    ['FOO', 'format'],
    [`R/${start}`, 'format'],
    [`R/${start}/P1D/P2D`, 'format'],
    [` R/${start}/P1D`, 'format'],
    [`R/${start}/P1D\n`, 'format'],
    [`X/${start}/P1D`, 'repetitions'],
    [`R-1/${start}/P1D`, 'repetitions'],
    [`R1.5/${start}/P1D`, 'repetitions'],
    [`R99999999999999999999/${start}/P1D`, 'repetitions'],
    ['R/yesterday/P1D', 'start'],
    ['R/2014-02-30T00:00:00Z/P1D', 'start'],
    ['R/2014-13-01T00:00:00Z/P1D', 'start'],
    ['R/2014-01-01T24:00:00Z/P1D', 'start'],
    ['R/2014-01-01T12:60:00Z/P1D', 'start'],
    ['R/2014-01-01T00:00:00+24:00/P1D', 'start'],
    ['R/2014-01-01Z/P1D', 'start'],
    ['R/2014-01-01 00:00:00Z/P1D', 'start'],
    [`R/${start}/1D`, 'period'],
    [`R/${start}/p1d`, 'period'],
    [`R/${start}/P`, 'period'],
    [`R/${start}/PT`, 'period'],
    [`R/${start}/P1DT`, 'period'],
    [`R/${start}/P1H`, 'period'],
    [`R/${start}/PT1.5H`, 'period'],
    [`R/${start}/P-1D`, 'period'],
    [`R/${start}/P3000000000D`, 'period'],
    [`R/${start}/PT0S`, 'period'],
    [`R/${start}/P0D`, 'period'],
  ])('refuses %j, naming its %s', (expression, part) => {
    const error = rejection(() => parse(expression));
    expect(error.code).toBe('MESOLITE_ERR_INVALID_SCHEDULE');
    expect(error.statusCode).toBe(400);
    expect(error.part).toBe(part);
  });

  it('says which day does not exist', () => {
    const error = rejection(() => parse('R/2014-02-30T00:00:00Z/P1D'));
    expect(error.message).toContain('has day 30, but February 2014 has 28 days');
  });

  it('says why a zero period cannot be scheduled', () => {
    expect(rejection(() => parse(`R/${start}/PT0S`)).message).toMatch(/period "PT0S" is zero/);
  });

  it('refuses a scheduleTimeZone nobody knows instead of falling back to GMT', () => {
    const error = rejection(() => parse(`R/${start}/P1D`, 'Mars/Olympus_Mons'));
    expect(error.part).toBe('scheduleTimeZone');
    expect(error.message).toContain('"Mars/Olympus_Mons" is not a time zone');
  });

  it('refuses an unknown scheduleTimeZone even when the start is empty', () => {
    expect(rejection(() => parse('R//P1D', 'Nowhere')).part).toBe('scheduleTimeZone');
  });

  it('quotes the whole schedule in the message', () => {
    expect(rejection(() => parse('R/2024-01-01T00:00:00Z/P1X')).message).toMatch(
      /^Invalid schedule "R\/2024-01-01T00:00:00Z\/P1X": the period "P1X"/,
    );
  });
});

describe('formatting a schedule', () => {
  it('writes the start with milliseconds and Z at UTC, as Chronos does', () => {
    expect(formatSchedule(parse('R5/2008-03-01T13:00:00Z/P1D'))).toBe(
      'R5/2008-03-01T13:00:00.000Z/P1D',
    );
  });

  it('writes a bare R for a schedule that repeats forever', () => {
    expect(formatSchedule(parse('R/2008-03-01T13:00:00Z/PT1H'))).toBe(
      'R/2008-03-01T13:00:00.000Z/PT1H',
    );
  });

  it('writes R0 for a used-up schedule', () => {
    expect(formatSchedule(parse('R0/2008-03-01T13:00:00Z/PT1H'))).toMatch(/^R0\//);
  });

  it('keeps the fixed offset of the start', () => {
    expect(formatSchedule(parse('R/2024-01-31T09:00:00+01:00/P1D'))).toBe(
      'R/2024-01-31T09:00:00.000+01:00/P1D',
    );
  });

  it('writes a zero offset as Z', () => {
    expect(formatSchedule(parse('R/2024-01-31T09:00:00+00:00/P1D'))).toBe(
      'R/2024-01-31T09:00:00.000Z/P1D',
    );
  });

  it.each([
    ['2024-01-15T09:00:00', '2024-01-15T09:00:00.000-05:00'],
    ['2024-07-15T09:00:00', '2024-07-15T09:00:00.000-04:00'],
  ])('writes %s in the scheduleTimeZone with the offset in force then', (start, written) => {
    expect(formatSchedule(parse(`R/${start}/P1D`, 'America/New_York'))).toBe(`R/${written}/P1D`);
  });

  it('writes an empty start as the time it stood for', () => {
    expect(formatSchedule(parse('R3//PT1H'))).toBe('R3/2024-06-15T12:00:00.000Z/PT1H');
  });

  it.each([
    ['P1W', 'P1W'],
    ['PT1.5S', 'PT1.500S'],
    ['PT0,25S', 'PT0.250S'],
    ['PT90M', 'PT90M'],
    ['P0DT1H', 'PT1H'],
    ['P1Y2M3W4DT5H6M7.008S', 'P1Y2M3W4DT5H6M7.008S'],
    ['PT1.0S', 'PT1S'],
  ])('writes the period %s as Joda-Time prints it: %s', (period, printed) => {
    expect(formatSchedule(parse(`R/2024-01-01T00:00:00Z/${period}`))).toBe(
      `R/2024-01-01T00:00:00.000Z/${printed}`,
    );
  });

  it.each([
    ['R5/2008-03-01T13:00:00Z/P1D', undefined],
    ['R/2024-01-31T09:00:00+05:45/P1M', undefined],
    ['R0/2024-03-10T02:30:00/PT30M', 'America/New_York'],
    ['R12/2024-11-03T01:30:00/P1W', 'America/New_York'],
    ['R/2024-10-27T02:30:00/P1DT1.5S', 'Europe/Berlin'],
  ])('parses back what it wrote for %s', (expression, timeZone) => {
    const schedule = parse(expression, timeZone);
    const zoneName = schedule.zone.kind === 'region' ? schedule.zone.id : undefined;
    expect(parse(formatSchedule(schedule), zoneName)).toEqual(schedule);
  });
});

describe('durations', () => {
  it('parses a job epsilon', () => {
    expect(parseIsoPeriod('PT60S')).toEqual(isoPeriod({ seconds: 60 }));
  });

  it('allows a zero epsilon', () => {
    expect(parseIsoPeriod('PT0S')).toEqual(ZERO_PERIOD);
  });

  it('refuses a malformed duration with its own code', () => {
    expect(() => parseIsoPeriod('60 seconds')).toThrow(InvalidPeriodError);
    expect(() => parseIsoPeriod('60 seconds')).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_PERIOD' }),
    );
  });

  it('prints a zero duration as PT0S', () => {
    expect(formatIsoPeriod(ZERO_PERIOD)).toBe('PT0S');
  });

  it('prints milliseconds beyond a second as seconds with a fraction', () => {
    expect(formatIsoPeriod(isoPeriod({ milliseconds: 1500 }))).toBe('PT1.500S');
  });
});

describe('the run after a run', () => {
  it('counts down and moves on by a period', () => {
    const first = parse('R2/2024-01-01T00:00:00Z/PT1H');
    const second = scheduleAfterRun(first);
    const third = second && scheduleAfterRun(second);
    expect(second && formatSchedule(second)).toBe('R1/2024-01-01T01:00:00.000Z/PT1H');
    expect(third && formatSchedule(third)).toBe('R0/2024-01-01T02:00:00.000Z/PT1H');
  });

  it('has none after R0', () => {
    expect(scheduleAfterRun(parse('R0/2024-01-01T00:00:00Z/PT1H'))).toBeUndefined();
  });

  it('keeps a schedule that repeats forever repeating forever', () => {
    expect(scheduleAfterRun(parse('R/2024-01-01T00:00:00Z/PT1H'))?.repetitions).toBeNull();
  });

  it('clamps a month from the 31st to the end of February in a leap year', () => {
    expect(runs(parse('R/2024-01-31T09:00:00Z/P1M'), 2)).toEqual([
      '2024-01-31T09:00:00.000Z',
      '2024-02-29T09:00:00.000Z',
    ]);
  });

  it('clamps a month from the 31st to February 28 in a common year', () => {
    expect(runs(parse('R/2023-01-31T09:00:00Z/P1M'), 2)[1]).toBe('2023-02-28T09:00:00.000Z');
  });

  it('adds each month to the previous run, so a clamped day stays clamped, as Chronos does', () => {
    expect(runs(parse('R/2024-01-31T09:00:00Z/P1M'), 4)).toEqual([
      '2024-01-31T09:00:00.000Z',
      '2024-02-29T09:00:00.000Z',
      '2024-03-29T09:00:00.000Z',
      '2024-04-29T09:00:00.000Z',
    ]);
  });

  it('clamps a year from February 29 to February 28', () => {
    expect(runs(parse('R/2024-02-29T00:00:00Z/P1Y'), 2)[1]).toBe('2025-02-28T00:00:00.000Z');
  });

  it('adds years before months, as Joda-Time does', () => {
    expect(runs(parse('R/2020-02-29T00:00:00Z/P1Y1M'), 2)[1]).toBe('2021-03-28T00:00:00.000Z');
  });

  it('keeps the wall-clock time of a daily run across spring forward', () => {
    expect(runs(parse('R/2024-03-09T09:00:00/P1D', 'America/New_York'), 3)).toEqual([
      '2024-03-09T09:00:00.000-05:00',
      '2024-03-10T09:00:00.000-04:00',
      '2024-03-11T09:00:00.000-04:00',
    ]);
  });

  it('keeps the wall-clock time of a daily run across fall back', () => {
    const schedule = parse('R/2024-11-02T09:00:00/P1D', 'America/New_York');
    const next = scheduleAfterRun(schedule);
    expect(next && next.start - schedule.start).toBe(25 * HOUR);
  });

  it('counts PT24H as elapsed time, landing an hour later on the clock after spring forward', () => {
    expect(runs(parse('R/2024-03-09T12:00:00/PT24H', 'America/New_York'), 2)[1]).toBe(
      '2024-03-10T13:00:00.000-04:00',
    );
  });

  it('moves a daily run that falls in the gap forward by the gap, and keeps it there', () => {
    expect(runs(parse('R/2024-03-09T02:30:00/P1D', 'America/New_York'), 3)).toEqual([
      '2024-03-09T02:30:00.000-05:00',
      '2024-03-10T03:30:00.000-04:00',
      '2024-03-11T03:30:00.000-04:00',
    ]);
  });

  it('runs once, at the earlier instant, when a daily run falls in the overlap', () => {
    expect(runs(parse('R/2024-11-02T01:30:00/P1D', 'America/New_York'), 3)).toEqual([
      '2024-11-02T01:30:00.000-04:00',
      '2024-11-03T01:30:00.000-04:00',
      '2024-11-04T01:30:00.000-05:00',
    ]);
  });

  it('follows the southern hemisphere, where clocks spring forward in October', () => {
    expect(runs(parse('R/2024-10-05T09:00:00/P1D', 'Australia/Sydney'), 2)).toEqual([
      '2024-10-05T09:00:00.000+10:00',
      '2024-10-06T09:00:00.000+11:00',
    ]);
  });

  it('knows no daylight saving on a fixed offset without scheduleTimeZone', () => {
    expect(runs(parse('R/2024-03-09T12:00:00-05:00/P1D'), 2)[1]).toBe(
      '2024-03-10T12:00:00.000-05:00',
    );
  });

  it('adds a week as seven days on the wall clock', () => {
    expect(runs(parse('R/2024-03-04T09:00:00/P1W', 'Europe/London'), 5)[4]).toBe(
      '2024-04-01T09:00:00.000+01:00',
    );
  });
});

describe('the next run', () => {
  const schedule = parse('R10/2012-10-01T05:52:00Z/PT2S');

  it('is the start while the start is ahead', () => {
    const run = nextRun(schedule, at('2012-10-01T05:00:00Z'));
    expect(run?.at).toBe(schedule.start);
    expect(run?.remaining).toBe(10);
  });

  it('is a run due exactly at the given instant', () => {
    expect(nextRun(schedule, schedule.start)?.at).toBe(schedule.start);
  });

  it('is the first run after the given instant, with the runs left counting it', () => {
    const run = nextRun(schedule, at('2012-10-01T05:52:07Z'));
    expect(run?.at).toBe(at('2012-10-01T05:52:08Z'));
    expect(run?.remaining).toBe(6);
  });

  it('comes with the schedule clipped to it, as Chronos stores it', () => {
    const run = nextRun(schedule, at('2012-10-01T05:52:07Z'));
    expect(run && formatSchedule(run.schedule)).toBe('R6/2012-10-01T05:52:08.000Z/PT2S');
  });

  it('is the last run when only one is left', () => {
    expect(nextRun(schedule, at('2012-10-01T05:52:17Z'))?.remaining).toBe(1);
  });

  it('does not exist once every run is past', () => {
    expect(nextRun(schedule, at('2012-10-01T05:52:19Z'))).toBeUndefined();
  });

  it('does not exist for R0', () => {
    expect(nextRun(parse('R0/2030-01-01T00:00:00Z/P1D'), NOW)).toBeUndefined();
  });

  it('leaves a schedule that repeats forever with no count', () => {
    expect(nextRun(parse('R/2012-10-01T05:52:00Z/PT2S'), NOW)?.remaining).toBeNull();
  });

  it('finds a run years after the start of a minutely schedule', () => {
    const minutely = parse('R/2012-01-01T00:00:01Z/PT1M');
    expect(nextRun(minutely, at('2024-06-15T12:34:56Z'))?.at).toBe(at('2024-06-15T12:35:01Z'));
  });

  it.each([
    ['R/2024-01-01T06:00:00+02:00/P1DT90M', undefined],
    ['R500/2024-01-01T06:00:00Z/P1W', undefined],
    ['R/2024-01-01T06:00:00Z/PT7M13.5S', 'Europe/Paris'],
  ])('finds the same run for %s by jumping as by walking run after run', (expression, zone) => {
    const schedule = parse(expression, zone);
    const target = at('2024-05-17T13:14:15Z');
    let walked: Iso8601Schedule | undefined = schedule;
    while (walked !== undefined && walked.start < target) walked = scheduleAfterRun(walked);
    expect(nextRun(schedule, target)?.schedule).toEqual(walked);
  });

  it('walks monthly runs from the start', () => {
    expect(nextRun(parse('R/2024-01-31T09:00:00Z/P1M'), at('2024-04-01T00:00:00Z'))?.at).toBe(
      at('2024-04-29T09:00:00Z'),
    );
  });

  it('keeps a daily run on the wall clock across a DST change', () => {
    const daily = parse('R/2024-03-01T09:00:00/P1D', 'America/New_York');
    expect(nextRun(daily, at('2024-03-10T10:00:00-04:00'))?.at).toBe(
      at('2024-03-11T09:00:00-04:00'),
    );
  });
});

describe('skipping missed runs', () => {
  const hourly = parse('R10/2024-06-15T00:00:00Z/PT1H');
  const fifteenMinutes = isoPeriod({ minutes: 15 });

  it('skips nothing while the next run is ahead', () => {
    const result = skipMissedRuns(hourly, at('2024-06-14T23:00:00Z'), fifteenMinutes);
    expect(result.skipped).toBe(0);
    expect(result.nextRunAt).toBe(hourly.start);
    expect(result.schedule).toEqual(hourly);
  });

  it('still makes a run missed by less than epsilon, at once', () => {
    const result = skipMissedRuns(hourly, at('2024-06-15T05:10:00Z'), fifteenMinutes);
    expect(result.nextRunAt).toBe(at('2024-06-15T05:00:00Z'));
    expect(result.skipped).toBe(5);
  });

  it('still makes a run missed by exactly epsilon', () => {
    const result = skipMissedRuns(hourly, at('2024-06-15T05:15:00Z'), fifteenMinutes);
    expect(result.nextRunAt).toBe(at('2024-06-15T05:00:00Z'));
  });

  it('skips and counts the runs missed by more than epsilon', () => {
    const result = skipMissedRuns(hourly, at('2024-06-15T05:30:00Z'), fifteenMinutes);
    expect(result.skipped).toBe(6);
    expect(result.nextRunAt).toBe(at('2024-06-15T06:00:00Z'));
  });

  it('counts the skipped runs off the repetitions', () => {
    const result = skipMissedRuns(hourly, at('2024-06-15T05:30:00Z'), fifteenMinutes);
    expect(formatSchedule(result.schedule)).toBe('R4/2024-06-15T06:00:00.000Z/PT1H');
  });

  it('skips every missed run with a zero epsilon', () => {
    const result = skipMissedRuns(hourly, at('2024-06-15T05:00:00.001Z'), ZERO_PERIOD);
    expect(result.skipped).toBe(6);
  });

  it('uses up a schedule whose runs were all missed', () => {
    const result = skipMissedRuns(hourly, at('2024-06-16T00:00:00Z'), fifteenMinutes);
    expect(result.skipped).toBe(10);
    expect(result.nextRunAt).toBeUndefined();
    expect(formatSchedule(result.schedule)).toBe('R0/2024-06-15T10:00:00.000Z/PT1H');
  });

  it('skips nothing of R0', () => {
    const result = skipMissedRuns(parse('R0/2020-01-01T00:00:00Z/P1D'), NOW, fifteenMinutes);
    expect(result.skipped).toBe(0);
    expect(result.nextRunAt).toBeUndefined();
  });

  it('keeps a schedule that repeats forever repeating forever', () => {
    const forever = parse('R/2024-06-15T00:00:00Z/PT1H');
    expect(skipMissedRuns(forever, NOW, fifteenMinutes).schedule.repetitions).toBeNull();
  });

  it('skips years of minutely runs of a schedule created long ago', () => {
    const minutely = parse('R/2012-01-01T00:00:01Z/PT1M');
    const now = at('2024-01-01T00:00:00Z');
    const result = skipMissedRuns(minutely, now, isoPeriod({ seconds: 60 }));
    expect(result.nextRunAt).toBe(at('2023-12-31T23:59:01Z'));
    expect(result.skipped).toBe((at('2023-12-31T23:59:01Z') - minutely.start) / 60_000);
  });

  it('skips monthly runs one calendar month at a time', () => {
    const monthly = parse('R/2020-01-31T09:00:00Z/P1M');
    const result = skipMissedRuns(monthly, at('2021-01-15T00:00:00Z'), isoPeriod({ minutes: 1 }));
    expect(result.skipped).toBe(12);
    expect(result.nextRunAt).toBe(at('2021-01-29T09:00:00Z'));
  });

  it('skips daily runs in a time zone keeping their wall-clock time', () => {
    const daily = parse('R/2024-03-01T09:00:00/P1D', 'Europe/Paris');
    const result = skipMissedRuns(daily, at('2024-04-10T12:00:00Z'), fifteenMinutes);
    expect(result.skipped).toBe(41);
    expect(formatSchedule(result.schedule)).toBe('R/2024-04-11T09:00:00.000+02:00/P1D');
  });

  it('adds a calendar epsilon on the wall clock', () => {
    const daily = parse('R/2024-03-09T23:30:00/P1D', 'America/New_York');
    const oneDay = isoPeriod({ days: 1 });
    // 23:30 on March 9 plus one day is 23:30 on March 10, only 23 hours later.
    expect(skipMissedRuns(daily, at('2024-03-10T23:30:00-04:00'), oneDay).skipped).toBe(0);
    expect(skipMissedRuns(daily, at('2024-03-10T23:30:01-04:00'), oneDay).skipped).toBe(1);
  });
});
