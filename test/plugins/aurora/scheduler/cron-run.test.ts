import { cronDue, startCronRun } from '@mesolite/plugin-aurora/cron/cron-run';
import { nextCronTime } from '@mesolite/plugin-aurora/cron/cron-schedule';
import { describe, expect, it } from 'vitest';
import { job, process, task } from '../thermos/task-fixtures.js';
import { jobRecord, taskRecord } from './record-fixtures.js';

const MINUTE = 60_000;

function cronJob(policy: 'KILL_EXISTING' | 'CANCEL_NEW') {
  const config = job('x', task([process('p', 'x')]), {
    cron_schedule: '*/5 * * * *',
    cron_collision_policy: policy,
    instances: 2,
  });
  return { ...jobRecord(config, 'v1', 0), lastCronTickAt: 0 };
}

describe('cron runs', () => {
  it('reads five-field schedules in UTC and refuses others with a clear error', () => {
    expect(nextCronTime('*/5 * * * *', 0)).toBe(5 * MINUTE);
    expect(nextCronTime('0 3 * * *', 0)).toBe(3 * 60 * MINUTE);
    expect(() => nextCronTime('* * * *', 0)).toThrow(/five fields/);
  });

  it('is due once the schedule has fired since the last tick', () => {
    const record = cronJob('KILL_EXISTING');
    expect(cronDue(record, 5 * MINUTE - 1)).toBe(false);
    expect(cronDue(record, 5 * MINUTE)).toBe(true);
    expect(cronDue({ ...record, lastCronTickAt: 5 * MINUTE }, 6 * MINUTE)).toBe(false);
  });

  it('gives every instance a new generation, so the last run’s tasks are killed (KILL_EXISTING)', () => {
    const { job: after, outcome } = startCronRun(
      cronJob('KILL_EXISTING'),
      [taskRecord(0, 'RUNNING')],
      7,
    );
    expect(outcome).toBe('started');
    expect(after.instances).toEqual({
      '0': { version: 'v1', generation: 1 },
      '1': { version: 'v1', generation: 1 },
    });
    expect(after.lastCronTickAt).toBe(7);
  });

  it('skips the run while the last one is active (CANCEL_NEW), and runs once it is not', () => {
    const record = cronJob('CANCEL_NEW');
    expect(startCronRun(record, [taskRecord(0, 'RUNNING')], 7).outcome).toBe('cancelled');
    expect(startCronRun(record, [taskRecord(0, 'FINISHED')], 7).outcome).toBe('started');
  });
});
