import type { Task } from '@mesolite/plugin-aurora/job-config';
import {
  decide,
  initialRunnerState,
  killRequested,
  processExited,
  processStarted,
  processTerminating,
  taskTransition,
} from '@mesolite/plugin-aurora/thermos/planner';
import {
  InvalidScheduleError,
  validateSchedule,
} from '@mesolite/plugin-aurora/thermos/process-order';
import type { RunnerState } from '@mesolite/plugin-aurora/thermos/runner-state';
import { describe, expect, it } from 'vitest';
import { process, sequentialTask, task } from './task-fixtures.js';

const T0 = 1_000_000;

function start(t: Task, state: RunnerState, now: number): RunnerState {
  let next = state;
  for (const name of decide(t, next, now).start) next = processStarted(next, name, 100, now);
  return next;
}

/** Applies transitions until the task settles, as the runner loop does. */
function settle(t: Task, state: RunnerState, now: number): RunnerState {
  let next = state;
  for (let i = 0; i < 10; i++) {
    const decision = decide(t, next, now);
    if (decision.transition === undefined) return next;
    next = taskTransition(next, decision.transition, now);
  }
  return next;
}

const exit = (code: number) => ({ code, signal: null });

describe('the Thermos planner', () => {
  it('starts all regular processes at once when there is no order and no concurrency limit', () => {
    const t = task([process('a', 'true'), process('b', 'true'), process('c', 'true')]);
    expect(decide(t, initialRunnerState('t', t, T0), T0).start).toEqual(['a', 'b', 'c']);
  });

  it('bounds the processes running at once by max_concurrency', () => {
    const t = task([process('a', 'x'), process('b', 'x'), process('c', 'x')], {
      max_concurrency: 2,
    });
    const state = start(t, initialRunnerState('t', t, T0), T0);
    expect(Object.values(state.plan).filter((p) => p.status === 'running')).toHaveLength(2);
    expect(decide(t, state, T0).start).toEqual([]);
    const afterA = processExited(t, state, 'a', exit(0), T0 + 1);
    expect(decide(t, afterA, T0 + 1).start).toEqual(['c']);
  });

  it('runs a SequentialTask one process after the other', () => {
    const t = sequentialTask([process('a', 'x'), process('b', 'x'), process('c', 'x')]);
    let state = start(t, initialRunnerState('t', t, T0), T0);
    expect(Object.keys(state.plan).filter((n) => state.plan[n]?.status === 'running')).toEqual([
      'a',
    ]);
    state = processExited(t, state, 'a', exit(0), T0 + 1);
    expect(decide(t, state, T0 + 1).start).toEqual(['b']);
  });

  it('restarts a failed process until it has failed max_failures times, min_duration apart', () => {
    const t = task([process('flaky', 'x', { max_failures: 3, min_duration: 5 })], {
      max_failures: 1,
    });
    let state = start(t, initialRunnerState('t', t, T0), T0);
    state = processExited(t, state, 'flaky', exit(1), T0 + 1000);
    expect(state.plan.flaky?.status).toBe('pending');
    // Thermos waits min_duration seconds from the end of the last run.
    const early = decide(t, state, T0 + 2000);
    expect(early.start).toEqual([]);
    expect(early.wakeAt).toBe(T0 + 6000);
    state = start(t, state, T0 + 6000);
    state = processExited(t, state, 'flaky', exit(1), T0 + 7000);
    state = start(t, state, T0 + 12_000);
    state = processExited(t, state, 'flaky', exit(1), T0 + 13_000);
    expect(state.plan.flaky?.status).toBe('failed');
    expect(state.processes.flaky?.map((run) => run.state)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(decide(t, state, T0 + 20_000).transition).toBe('CLEANING');
  });

  it('restarts a process without limit when max_failures is 0', () => {
    const t = task([process('again', 'x', { max_failures: 0, min_duration: 0 })]);
    let state = initialRunnerState('t', t, T0);
    for (let run = 0; run < 20; run++) {
      state = start(t, state, T0 + run);
      state = processExited(t, state, 'again', exit(1), T0 + run);
    }
    expect(state.plan.again?.status).toBe('pending');
  });

  it('runs a daemon process again when it succeeds', () => {
    const t = task([process('d', 'x', { daemon: true, min_duration: 0 })]);
    let state = start(t, initialRunnerState('t', t, T0), T0);
    state = processExited(t, state, 'd', exit(0), T0 + 1);
    expect(decide(t, state, T0 + 1).start).toEqual(['d']);
  });

  it('completes the task without waiting for an ephemeral process, which is then stopped', () => {
    const t = task([process('main', 'x'), process('sidecar', 'x', { ephemeral: true })]);
    let state = start(t, initialRunnerState('t', t, T0), T0);
    state = processExited(t, state, 'main', exit(0), T0 + 1);
    state = settle(t, state, T0 + 1);
    expect(state.task_state).toBe('CLEANING');
    expect(decide(t, state, T0 + 1).terminate).toEqual(['sidecar']);
    state = processTerminating(state, 'sidecar', T0 + 1);
    state = processExited(t, state, 'sidecar', { code: null, signal: 'SIGTERM' }, T0 + 2);
    expect(state.processes.sidecar?.at(-1)?.state).toBe('KILLED');
    state = settle(t, state, T0 + 2);
    expect(state.task_state).toBe('SUCCESS');
  });

  it('counts an ephemeral process past its failure limit as finished, not failed', () => {
    const t = task([process('main', 'x'), process('e', 'x', { ephemeral: true })]);
    let state = start(t, initialRunnerState('t', t, T0), T0);
    state = processExited(t, state, 'e', exit(3), T0 + 1);
    expect(state.plan.e?.status).toBe('finished');
  });

  it('runs final processes after the regular ones, whatever those did', () => {
    const t = task([process('main', 'x'), process('cleanup', 'x', { final: true })]);
    let state = start(t, initialRunnerState('t', t, T0), T0);
    expect(state.plan.cleanup?.status).toBe('pending');
    state = processExited(t, state, 'main', exit(1), T0 + 1);
    state = settle(t, state, T0 + 1);
    expect(state.task_state).toBe('FINALIZING');
    expect(decide(t, state, T0 + 1).start).toEqual(['cleanup']);
    state = start(t, state, T0 + 1);
    state = processExited(t, state, 'cleanup', exit(0), T0 + 2);
    state = settle(t, state, T0 + 2);
    expect(state.task_state).toBe('FAILED');
  });

  it('kills final processes still running after finalization_wait', () => {
    const t = task([process('main', 'x'), process('slow', 'x', { final: true })], {
      finalization_wait: 10,
    });
    let state = start(t, initialRunnerState('t', t, T0), T0);
    state = processExited(t, state, 'main', exit(0), T0);
    state = start(t, settle(t, state, T0), T0);
    expect(decide(t, state, T0 + 9_999).kill).toEqual([]);
    expect(decide(t, state, T0 + 10_000).kill).toEqual(['slow']);
  });

  it('fails the task once task.max_failures processes have failed', () => {
    const t = task([process('a', 'x'), process('b', 'x'), process('c', 'x')], {
      max_failures: 2,
    });
    let state = start(t, initialRunnerState('t', t, T0), T0);
    state = processExited(t, state, 'a', exit(1), T0 + 1);
    expect(decide(t, state, T0 + 1).transition).toBeUndefined();
    state = processExited(t, state, 'b', exit(1), T0 + 2);
    expect(decide(t, state, T0 + 2).transition).toBe('CLEANING');
    expect(settle(t, state, T0 + 2).task_state).toBe('CLEANING');
  });

  it('fails a sequence whose earlier process failed: the later ones can never run', () => {
    const t = sequentialTask([process('a', 'x'), process('b', 'x')], { max_failures: 0 });
    let state = start(t, initialRunnerState('t', t, T0), T0);
    state = processExited(t, state, 'a', exit(1), T0 + 1);
    expect(settle(t, state, T0 + 1).task_state).toBe('FAILED');
  });

  it('ends KILLED when killed, after stopping its processes and running final ones', () => {
    const t = task([process('main', 'x'), process('bye', 'x', { final: true })]);
    let state = start(t, initialRunnerState('t', t, T0), T0);
    state = killRequested(state, T0 + 1);
    expect(state.task_state).toBe('CLEANING');
    expect(decide(t, state, T0 + 1).terminate).toEqual(['main']);
    state = processTerminating(state, 'main', T0 + 1);
    state = processExited(t, state, 'main', { code: null, signal: 'SIGTERM' }, T0 + 2);
    state = settle(t, state, T0 + 2);
    expect(state.task_state).toBe('FINALIZING');
    state = start(t, state, T0 + 2);
    state = processExited(t, state, 'bye', exit(0), T0 + 3);
    expect(settle(t, state, T0 + 3).task_state).toBe('KILLED');
  });

  it('refuses order constraints that wait for a daemon or form a cycle', () => {
    const daemonFirst = sequentialTask([process('d', 'x', { daemon: true }), process('b', 'x')]);
    expect(() => validateSchedule(daemonFirst)).toThrow(InvalidScheduleError);
    const cycle = task([process('a', 'x'), process('b', 'x')], {
      constraints: [{ order: ['a', 'b'] }, { order: ['b', 'a'] }],
    });
    expect(() => validateSchedule(cycle)).toThrow(/cycle/);
  });
});
