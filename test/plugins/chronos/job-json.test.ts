import { graphStates, jobJson } from '@mesolite/plugin-chronos/api/job-json';
import { freshJobState } from '@mesolite/plugin-chronos/job/job-state';
import { CHRONOS_DEFAULTS, parseJob } from '@mesolite/plugin-chronos/job/parse-job';
import { newRun, stateForDefinition } from '@mesolite/plugin-chronos/scheduling/planner';
import { describe, expect, it } from 'vitest';

const T0 = Date.parse('2024-06-15T12:00:00Z');

describe('a job’s state in /scheduler/graph/csv', () => {
  it('is fresh and idle before any run', () => {
    expect(graphStates(freshJobState())).toEqual({ lastState: 'fresh', state: 'idle' });
  });

  it('reports whichever of the last success and the last error came later', () => {
    const state = { ...freshJobState(), lastSuccessAt: T0, lastErrorAt: T0 + 1 };
    expect(graphStates(state).lastState).toBe('failure');
    expect(graphStates({ ...state, lastSuccessAt: T0 + 2 }).lastState).toBe('success');
  });

  it('is queued while a run waits for an offer, running once it is launched', () => {
    const { job } = parseJob({ name: 'a', command: 'true', schedule: 'R//PT1S' }, 'iso8601', {
      now: T0,
      defaults: CHRONOS_DEFAULTS,
      existing: new Map(),
    });
    const run = newRun(job, freshJobState(), { dueAt: T0, reason: 'manual', now: T0 });
    expect(graphStates({ ...freshJobState(), runs: [run] }).state).toBe('queued');
    expect(graphStates({ ...freshJobState(), runs: [{ ...run, phase: 'running' }] }).state).toBe(
      'running',
    );
  });
});

it('a job whose Rn schedule is used up is listed as disabled, with its R0 schedule', () => {
  const { job, schedule } = parseJob(
    { name: 'a', command: 'true', schedule: 'R1/2024-06-15T12:00:00Z/PT1M' },
    'iso8601',
    { now: T0, defaults: CHRONOS_DEFAULTS, existing: new Map() },
  );
  const state = {
    ...stateForDefinition(schedule, freshJobState(), T0),
    cursor: { dueAt: T0 + 60_000, remaining: 0 },
  };
  const json = jobJson({ job, schedule, state });
  expect(json.disabled).toBe(true);
  expect(json.schedule).toBe('R0/2024-06-15T12:01:00.000Z/PT1M');
});
