import { freshJobState, type JobState } from '@mesolite/plugin-chronos/job/job-state';
import { CHRONOS_DEFAULTS, parseJob } from '@mesolite/plugin-chronos/job/parse-job';
import { newRun } from '@mesolite/plugin-chronos/scheduling/planner';
import {
  applyCallback,
  applyTaskStatus,
  requestKill,
} from '@mesolite/plugin-chronos/scheduling/run-outcome';
import { describe, expect, it } from 'vitest';

const T0 = 1_700_000_000_000;
const OPTIONS = { failureRetryMs: 60_000, historyLimit: 3 };

function job(extra: Record<string, unknown> = {}) {
  return parseJob({ name: 'j', command: 'true', schedule: 'R//PT1M', ...extra }, 'iso8601', {
    now: T0,
    defaults: CHRONOS_DEFAULTS,
    existing: new Map(),
  }).job;
}

function withRun(definition = job()): { state: JobState; taskId: string } {
  const state = freshJobState();
  const run = {
    ...newRun(definition, state, { dueAt: T0, reason: 'schedule', now: T0 }),
    phase: 'running' as const,
    launchedAt: T0,
  };
  return { state: { ...state, runs: [run] }, taskId: run.taskId };
}

describe('task statuses', () => {
  it('TASK_FINISHED is a success with its exit status recorded', () => {
    const { state, taskId } = withRun();
    const { state: after, ended } = applyTaskStatus(
      job(),
      state,
      { taskId, state: 'TASK_FINISHED', at: T0 + 5, exitStatus: 0 },
      OPTIONS,
    );
    expect(after.successCount).toBe(1);
    expect(after.lastSuccessAt).toBe(T0 + 5);
    expect(ended).toMatchObject({ taskId, status: 'success', exitStatus: 0 });
  });

  it('TASK_FAILED queues a retry', () => {
    const { state, taskId } = withRun();
    const { retry } = applyTaskStatus(
      job(),
      state,
      { taskId, state: 'TASK_FAILED', at: T0 + 5 },
      OPTIONS,
    );
    expect(retry).toMatchObject({
      taskId: `ct:${T0}:1:j:`,
      notBefore: T0 + 5 + 60_000,
      phase: 'queued',
    });
  });

  it('an async job’s finished task waits for its callback', () => {
    const definition = job({ async: true });
    const { state, taskId } = withRun(definition);
    const { state: after } = applyTaskStatus(
      definition,
      state,
      { taskId, state: 'TASK_FINISHED', at: T0 + 5 },
      OPTIONS,
    );
    expect(after.successCount).toBe(0);
    expect(after.runs[0]?.phase).toBe('awaiting-callback');
  });

  it('an async run whose task ended ignores later news of the task', () => {
    const definition = job({ async: true });
    const { state, taskId } = withRun(definition);
    const waiting = applyTaskStatus(
      definition,
      state,
      { taskId, state: 'TASK_FINISHED', at: T0 + 5 },
      OPTIONS,
    ).state;
    const gone = applyTaskStatus(
      definition,
      waiting,
      { taskId, state: 'TASK_GONE', at: T0 + 6 },
      OPTIONS,
    );
    expect(gone.state).toBe(waiting);
  });

  it('a status for a task no run waits for changes nothing', () => {
    const { state } = withRun();
    expect(
      applyTaskStatus(
        job(),
        state,
        { taskId: 'ct:1:0:x:', state: 'TASK_FINISHED', at: T0 },
        OPTIONS,
      ).state,
    ).toBe(state);
  });

  it('a task killed on request ends its run without a retry or an error', () => {
    const { state, taskId } = withRun();
    const killed = requestKill(state);
    expect(killed.kill.map((run) => run.taskId)).toEqual([taskId]);
    const { state: after } = applyTaskStatus(
      job(),
      killed.state,
      { taskId, state: 'TASK_KILLED', at: T0 + 1 },
      OPTIONS,
    );
    expect(after.runs).toEqual([]);
    expect(after.errorCount).toBe(0);
    expect(after.history.map((run) => run.status)).toEqual(['killed']);
  });
});

describe('callbacks', () => {
  it('statusCode 0 is a success', () => {
    const definition = job({ async: true });
    const { state, taskId } = withRun(definition);
    expect(applyCallback(definition, state, taskId, 0, T0 + 1, OPTIONS).state.successCount).toBe(1);
  });

  it('any other statusCode is a failure, and retries apply', () => {
    const definition = job({ async: true, retries: 0 });
    const { state, taskId } = withRun(definition);
    const { state: after, failedForGood } = applyCallback(
      definition,
      state,
      taskId,
      3,
      T0 + 1,
      OPTIONS,
    );
    expect(after.errorCount).toBe(1);
    expect(failedForGood?.message).toMatch(/statusCode 3/);
  });
});

it('the history keeps only the most recent runs', () => {
  const definition = job();
  let state = freshJobState();
  for (let index = 0; index < 5; index++) {
    const run = {
      ...newRun(definition, state, { dueAt: T0 + index, reason: 'schedule', now: T0 }),
      phase: 'running' as const,
    };
    state = { ...state, runs: [run] };
    state = applyTaskStatus(
      definition,
      state,
      { taskId: run.taskId, state: 'TASK_FINISHED', at: T0 + index },
      OPTIONS,
    ).state;
  }
  expect(state.history.map((run) => run.dueAt)).toEqual([T0 + 2, T0 + 3, T0 + 4]);
});
