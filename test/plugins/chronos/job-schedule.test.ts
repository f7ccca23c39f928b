import { isoPeriod } from '@mesolite/plugin-chronos/iso8601-period';
import {
  cursorAfterRun,
  displaySchedule,
  firstCursor,
  parseJobSchedule,
  skipMissed,
} from '@mesolite/plugin-chronos/job/job-schedule';
import { describe, expect, it } from 'vitest';

const NOW = Date.parse('2024-06-15T12:00:00Z');
const MINUTE = 60_000;

describe('a cron schedule (mesolite’s extension)', () => {
  const cron = parseJobSchedule('*/5 * * * *', { now: NOW });

  it('first runs at the next matching minute, a run due now included', () => {
    expect(firstCursor(cron, NOW)).toEqual({ dueAt: NOW, remaining: null });
    expect(firstCursor(cron, NOW + 1).dueAt).toBe(NOW + 5 * MINUTE);
  });

  it('runs forever, from match to match', () => {
    expect(cursorAfterRun(cron, { dueAt: NOW, remaining: null })).toEqual({
      dueAt: NOW + 5 * MINUTE,
      remaining: null,
    });
  });

  it('skips the runs missed by more than epsilon', () => {
    const result = skipMissed(
      cron,
      { dueAt: NOW, remaining: null },
      NOW + 16 * MINUTE,
      isoPeriod({ minutes: 2 }),
    );
    expect(result).toEqual({ cursor: { dueAt: NOW + 15 * MINUTE, remaining: null }, skipped: 3 });
  });

  it('skips even a long outage without walking every missed run', () => {
    const everySecond = parseJobSchedule('* * * * * *', { now: NOW });
    const result = skipMissed(
      everySecond,
      { dueAt: NOW, remaining: null },
      NOW + 24 * 60 * MINUTE,
      isoPeriod({ seconds: 1 }),
    );
    expect(result.cursor.dueAt).toBe(NOW + 24 * 60 * MINUTE - 1000);
  });

  it('is shown as written', () => {
    expect(displaySchedule(cron, { dueAt: NOW, remaining: null })).toBe('*/5 * * * *');
  });
});

describe('an ISO 8601 schedule', () => {
  it('is shown clipped to its next run, as Chronos shows it', () => {
    const iso = parseJobSchedule('R5/2024-06-15T12:00:00Z/PT1M', { now: NOW });
    const after = cursorAfterRun(iso, firstCursor(iso, NOW));
    expect(displaySchedule(iso, after)).toBe('R4/2024-06-15T12:01:00.000Z/PT1M');
  });

  it('is used up after its last run', () => {
    const iso = parseJobSchedule('R1/2024-06-15T12:00:00Z/PT1M', { now: NOW });
    expect(cursorAfterRun(iso, firstCursor(iso, NOW)).remaining).toBe(0);
  });
});
