import type { JobSchedule } from '@mesolite/plugin-chronos/job/job-schedule';
import { freshJobState, type JobState } from '@mesolite/plugin-chronos/job/job-state';
import { CHRONOS_DEFAULTS, parseJob } from '@mesolite/plugin-chronos/job/parse-job';
import {
  isDisabled,
  type PlannerJob,
  planTick,
  stateForDefinition,
} from '@mesolite/plugin-chronos/scheduling/planner';
import { completeRun } from '@mesolite/plugin-chronos/scheduling/run-outcome';
import { describe, expect, it } from 'vitest';

const T0 = Date.parse('2024-06-15T12:00:00Z');
const SECOND = 1000;
const OPTIONS = { asyncTimeoutMs: 60 * SECOND };
const OUTCOME = { failureRetryMs: 60 * SECOND, historyLimit: 10 };

function defined(body: Record<string, unknown>, existing: PlannerJob[] = []): PlannerJob {
  const kind = body.parents === undefined ? 'iso8601' : 'dependency';
  const { job, schedule } = parseJob({ command: 'true', ...body }, kind, {
    now: T0,
    defaults: CHRONOS_DEFAULTS,
    existing: new Map(existing.map((entry) => [entry.job.name, entry.job])),
  });
  return { job, schedule, state: stateForDefinition(schedule, freshJobState(), T0) };
}

/** Runs the planner at `now` and folds the changed states back in, as the runtime does. */
function tick(jobs: PlannerJob[], now: number) {
  const plan = planTick(jobs, now, OPTIONS);
  const next = jobs.map((entry) => ({
    ...entry,
    state: plan.states.get(entry.job.name) ?? entry.state,
  }));
  return { plan, jobs: next };
}

/** Lets every queued run of every job succeed at `at`. */
function succeedAll(jobs: PlannerJob[], at: number): PlannerJob[] {
  return jobs.map((entry) => {
    let state: JobState = entry.state;
    for (const run of entry.state.runs) {
      state = completeRun(entry.job, state, run.taskId, { status: 'success', at }, OUTCOME).state;
    }
    return { ...entry, state };
  });
}

function failRun(entry: PlannerJob, taskId: string, at: number): PlannerJob {
  return {
    ...entry,
    state: completeRun(entry.job, entry.state, taskId, { status: 'failure', at }, OUTCOME).state,
  };
}

describe('scheduled runs', () => {
  it('a run becomes due at its start, with Chronos’s task id', () => {
    let jobs = [defined({ name: 'a', schedule: 'R/2024-06-15T12:00:10Z/PT10S' })];
    expect(tick(jobs, T0).plan.ready).toEqual([]);
    const { plan } = tick(jobs, T0 + 10 * SECOND);
    expect(plan.ready.map((entry) => entry.run.taskId)).toEqual([`ct:${T0 + 10 * SECOND}:0:a:`]);
    jobs = tick(jobs, T0 + 10 * SECOND).jobs;
    expect(jobs[0]?.state.cursor).toEqual({ dueAt: T0 + 20 * SECOND, remaining: null });
  });

  it('R3 runs three times, then the job is disabled', () => {
    let jobs = [defined({ name: 'a', schedule: 'R3/2024-06-15T12:00:00Z/PT1S' })];
    const launched: string[] = [];
    for (let second = 0; second < 6; second++) {
      const result = tick(jobs, T0 + second * SECOND);
      launched.push(...result.plan.ready.map((entry) => entry.run.taskId));
      jobs = succeedAll(result.jobs, T0 + second * SECOND + 500);
    }
    expect(launched).toEqual([0, 1, 2].map((second) => `ct:${T0 + second * SECOND}:0:a:`));
    const [entry] = jobs;
    expect(entry?.state.cursor?.remaining).toBe(0);
    expect(entry && isDisabled(entry.job, entry.state)).toBe(true);
    expect(entry?.state.successCount).toBe(3);
  });

  it('a run missed by more than epsilon is skipped; the next one still runs', () => {
    const jobs = [
      defined({ name: 'a', schedule: 'R/2024-06-15T12:00:00Z/PT1M', epsilon: 'PT30S' }),
    ];
    const late = tick(jobs, T0 + 45 * SECOND);
    expect(late.plan.ready).toEqual([]);
    expect(late.plan.skipped).toEqual([{ job: 'a', count: 1 }]);
    expect(late.jobs[0]?.state.cursor?.dueAt).toBe(T0 + 60 * SECOND);
  });

  it('a run missed by less than epsilon runs late, keeping its due time', () => {
    const jobs = [
      defined({ name: 'a', schedule: 'R/2024-06-15T12:00:00Z/PT1M', epsilon: 'PT30S' }),
    ];
    const late = tick(jobs, T0 + 20 * SECOND);
    expect(late.plan.ready.map((entry) => entry.run.dueAt)).toEqual([T0]);
  });

  it('after downtime, only runs within epsilon of now are made, and no run twice', () => {
    let jobs = [defined({ name: 'a', schedule: 'R5/2024-06-15T12:00:00Z/PT10S', epsilon: 'PT5S' })];
    const first = tick(jobs, T0);
    jobs = succeedAll(first.jobs, T0 + 1);
    // Down from T0+1 to T0+33: the runs at 10 s and 20 s are lost, the one at 30 s is 3 s late.
    const restarted = tick(jobs, T0 + 33 * SECOND);
    expect(restarted.plan.skipped).toEqual([{ job: 'a', count: 2 }]);
    expect(restarted.plan.ready.map((entry) => entry.run.dueAt)).toEqual([T0 + 30 * SECOND]);
    expect(restarted.jobs[0]?.state.cursor).toEqual({ dueAt: T0 + 40 * SECOND, remaining: 1 });
    // Planning again at the same moment (a second restart) does not make the run again.
    expect(
      tick(restarted.jobs, T0 + 33 * SECOND).plan.ready.map((entry) => entry.run.taskId),
    ).toEqual(restarted.plan.ready.map((entry) => entry.run.taskId));
    expect(tick(restarted.jobs, T0 + 33 * SECOND).jobs[0]?.state.runs).toHaveLength(1);
  });

  it('a disabled job never runs', () => {
    const jobs = [defined({ name: 'a', schedule: 'R/2024-06-15T12:00:00Z/PT1S', disabled: true })];
    expect(tick(jobs, T0 + 5 * SECOND).plan.ready).toEqual([]);
  });

  it('a job that is not concurrent skips a run while its last one is going', () => {
    let jobs = [defined({ name: 'a', schedule: 'R/2024-06-15T12:00:00Z/PT1S' })];
    jobs = tick(jobs, T0).jobs;
    const busy = tick(jobs, T0 + SECOND);
    expect(busy.plan.ready.map((entry) => entry.run.dueAt)).toEqual([T0]);
    expect(busy.plan.skipped).toEqual([{ job: 'a', count: 1 }]);
  });

  it('a concurrent job starts a run while its last one is going', () => {
    let jobs = [defined({ name: 'a', schedule: 'R/2024-06-15T12:00:00Z/PT1S', concurrent: true })];
    jobs = tick(jobs, T0).jobs;
    expect(tick(jobs, T0 + SECOND).plan.ready.map((entry) => entry.run.dueAt)).toEqual([
      T0,
      T0 + SECOND,
    ]);
  });

  it('a cron schedule runs at the expression’s times in its time zone', () => {
    // 12:00Z is 14:00 in Paris in June; "0 15 * * *" there is 13:00Z.
    const jobs = [defined({ name: 'a', schedule: '0 15 * * *', scheduleTimeZone: 'Europe/Paris' })];
    expect(jobs[0]?.state.cursor).toEqual({
      dueAt: Date.parse('2024-06-15T13:00:00Z'),
      remaining: null,
    });
    const due = tick(jobs, Date.parse('2024-06-15T13:00:00Z'));
    expect(due.plan.ready).toHaveLength(1);
    expect(due.jobs[0]?.state.cursor?.dueAt).toBe(Date.parse('2024-06-16T13:00:00Z'));
  });
});

describe('retries', () => {
  it('a failed run is retried after the failure_retry delay, with the next attempt', () => {
    let jobs = [defined({ name: 'a', schedule: 'R1/2024-06-15T12:00:00Z/PT1M', retries: 1 })];
    jobs = tick(jobs, T0).jobs;
    const [entry] = jobs;
    if (!entry) throw new Error('no job');
    jobs = [failRun(entry, `ct:${T0}:0:a:`, T0 + SECOND)];
    expect(tick(jobs, T0 + 30 * SECOND).plan.ready).toEqual([]);
    expect(tick(jobs, T0 + 30 * SECOND).plan.waiting).toBe(true);
    expect(tick(jobs, T0 + 61 * SECOND).plan.ready.map((ready) => ready.run.taskId)).toEqual([
      `ct:${T0}:1:a:`,
    ]);
    expect(jobs[0]?.state.errorCount).toBe(0);
  });

  it('errorCount and lastError move once, after the last attempt fails', () => {
    let entry = defined({ name: 'a', schedule: 'R1/2024-06-15T12:00:00Z/PT1M', retries: 2 });
    entry = tick([entry], T0).jobs[0] as PlannerJob;
    for (let attempt = 0; attempt <= 2; attempt++) {
      const run = entry.state.runs[0];
      if (!run) throw new Error('no run');
      expect(run.attempt).toBe(attempt);
      entry = failRun(entry, run.taskId, T0 + attempt * 100 * SECOND);
    }
    expect(entry.state.runs).toEqual([]);
    expect(entry.state.errorCount).toBe(1);
    expect(entry.state.lastErrorAt).toBe(T0 + 200 * SECOND);
    expect(entry.state.history.map((run) => run.status)).toEqual(['failure', 'failure', 'failure']);
  });
});

describe('dependent jobs', () => {
  function chain(): PlannerJob[] {
    const a = defined({ name: 'a', schedule: 'R/2024-06-15T12:00:00Z/PT1M' });
    const b = defined({ name: 'b', parents: ['a'] }, [a]);
    const c = defined({ name: 'c', parents: ['b'] }, [a, b]);
    return [a, b, c];
  }

  it('a three-level chain runs in order, each job after its parent succeeds', () => {
    let jobs = chain();
    const order: string[] = [];
    for (let step = 0; step < 4; step++) {
      const result = tick(jobs, T0 + step * SECOND);
      order.push(...result.plan.ready.map((entry) => entry.job));
      jobs = succeedAll(result.jobs, T0 + step * SECOND + 500);
    }
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('a child does not run when its parent fails', () => {
    let jobs = chain();
    jobs = tick(jobs, T0).jobs;
    const a = jobs[0] as PlannerJob;
    jobs = [{ ...a, job: { ...a.job, retries: 0 } }, ...jobs.slice(1)];
    jobs = [failRun(jobs[0] as PlannerJob, `ct:${T0}:0:a:`, T0 + 1), ...jobs.slice(1)];
    expect(tick(jobs, T0 + SECOND).plan.ready).toEqual([]);
  });

  it('a child of two parents waits until both succeeded since its own last run', () => {
    const p = defined({ name: 'p', schedule: 'R1/2024-06-15T12:00:00Z/PT1M' });
    const q = defined({ name: 'q', schedule: 'R1/2024-06-15T12:00:05Z/PT1M' });
    const child = defined({ name: 'child', parents: ['p', 'q'] }, [p, q]);
    let jobs = succeedAll(tick([p, q, child], T0).jobs, T0 + 1);
    expect(tick(jobs, T0 + 2 * SECOND).plan.ready).toEqual([]);
    jobs = succeedAll(tick(jobs, T0 + 5 * SECOND).jobs, T0 + 6 * SECOND);
    expect(tick(jobs, T0 + 7 * SECOND).plan.ready.map((entry) => entry.job)).toEqual(['child']);
  });

  it('a new child waits for its parents’ next success, not one from before it existed', () => {
    const a = succeedAll(
      tick(
        [defined({ name: 'a', schedule: 'R1/2024-06-15T11:00:00Z/PT1M', epsilon: 'PT2H' })],
        T0 - 1,
      ).jobs,
      T0 - 1,
    );
    const b = defined({ name: 'b', parents: ['a'] }, a);
    expect(tick([...a, b], T0 + SECOND).plan.ready).toEqual([]);
  });
});

describe('async runs', () => {
  it('time out once their callback has not come within the async timeout', () => {
    let jobs = [defined({ name: 'a', schedule: 'R1/2024-06-15T12:00:00Z/PT1M', async: true })];
    jobs = tick(jobs, T0).jobs;
    const entry = jobs[0] as PlannerJob;
    const launched = entry.state.runs.map((run) => ({
      ...run,
      phase: 'running' as const,
      launchedAt: T0,
    }));
    jobs = [{ ...entry, state: { ...entry.state, runs: launched } }];
    expect(tick(jobs, T0 + 59 * SECOND).plan.timedOut).toEqual([]);
    expect(tick(jobs, T0 + 60 * SECOND).plan.timedOut).toEqual([
      { job: 'a', taskId: `ct:${T0}:0:a:` },
    ]);
  });
});

it('schedules of the two kinds are both accepted', () => {
  const kinds = [
    defined({ name: 'a', schedule: 'R//PT1S' }),
    defined({ name: 'b', schedule: '* * * * *' }),
  ].map((entry) => (entry.schedule as JobSchedule).kind);
  expect(kinds).toEqual(['iso8601', 'cron']);
});
