import {
  applyBackoffEvent,
  type BackoffState,
  type BackoffStrategy,
  backoffEventType,
  configRef,
  delayedUntil,
  dropOverdueDelays,
  launchAllowed,
  NO_DELAYS,
  queueDelay,
} from '@mesolite/plugin-marathon/scheduling/backoff';
import { describe, expect, it } from 'vitest';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const SECOND = 1000;
const REF = configRef('/web', '2024-05-01T11:00:00.000Z');
const strategy: BackoffStrategy = {
  backoffSeconds: 10,
  backoffFactor: 2,
  maxLaunchDelaySeconds: 60,
};

function failures(count: number, at = T0, ref = REF, with_ = strategy): BackoffState {
  let state = NO_DELAYS;
  for (let i = 0; i < count; i++) {
    state = applyBackoffEvent(state, { type: 'failed', ref, strategy: with_ }, at);
  }
  return state;
}

describe('launch backoff', () => {
  it('delays the next launch by backoffSeconds after a first failure', () => {
    expect(delayedUntil(failures(1), REF, T0)).toBe(T0 + 10 * SECOND);
  });

  it('multiplies the delay by backoffFactor for each further failure', () => {
    expect(delayedUntil(failures(3), REF, T0)).toBe(T0 + 40 * SECOND);
  });

  it('caps the delay at maxLaunchDelaySeconds', () => {
    expect(delayedUntil(failures(6), REF, T0)).toBe(T0 + 60 * SECOND);
  });

  it('caps even the first delay when backoffSeconds exceeds the maximum', () => {
    const long = { backoffSeconds: 600, backoffFactor: 1.15, maxLaunchDelaySeconds: 300 };
    expect(delayedUntil(failures(1, T0, REF, long), REF, T0)).toBe(T0 + 300 * SECOND);
  });

  it('runs each delay from the time of the failure', () => {
    let state = failures(1);
    state = applyBackoffEvent(state, { type: 'failed', ref: REF, strategy }, T0 + 5 * SECOND);
    expect(delayedUntil(state, REF, T0 + 5 * SECOND)).toBe(T0 + 25 * SECOND);
  });

  it('allows the launch once the delay has passed', () => {
    const state = failures(1);
    expect(launchAllowed(state, REF, T0 + 9 * SECOND)).toBe(false);
    expect(launchAllowed(state, REF, T0 + 10 * SECOND)).toBe(true);
  });

  it('does not delay a changed configuration of the app', () => {
    const changed = configRef('/web', '2024-05-01T12:30:00.000Z');
    expect(delayedUntil(failures(3), changed, T0)).toBeUndefined();
  });

  it('forgets the delay on a reset', () => {
    const state = applyBackoffEvent(failures(3), { type: 'reset', ref: REF }, T0);
    expect(delayedUntil(state, REF, T0)).toBeUndefined();
  });

  it('forgets the delay once maxLaunchDelaySeconds pass without a failure', () => {
    const later = T0 + 61 * SECOND;
    const state = applyBackoffEvent(failures(3), { type: 'failed', ref: REF, strategy }, later);
    expect(delayedUntil(state, REF, later)).toBe(later + 10 * SECOND);
  });

  it('restarts an existing delay from the time an instance starts', () => {
    const state = applyBackoffEvent(failures(2), { type: 'started', ref: REF }, T0 + 30 * SECOND);
    expect(delayedUntil(state, REF, T0 + 30 * SECOND)).toBe(T0 + 50 * SECOND);
  });

  it('creates no delay when an instance starts without one', () => {
    const state = applyBackoffEvent(NO_DELAYS, { type: 'started', ref: REF }, T0);
    expect(state.size).toBe(0);
  });

  it('drops overdue delays from the state', () => {
    expect(dropOverdueDelays(failures(1), T0 + 61 * SECOND).size).toBe(0);
    expect(dropOverdueDelays(failures(1), T0 + 59 * SECOND).size).toBe(1);
  });
});

describe("the queue's delay object", () => {
  it('shows the whole seconds left while backed off', () => {
    expect(queueDelay(failures(1), REF, T0 + 2500)).toEqual({ timeLeftSeconds: 7, overdue: false });
  });

  it('is overdue with no time left when there is no delay', () => {
    expect(queueDelay(NO_DELAYS, REF, T0)).toEqual({ timeLeftSeconds: 0, overdue: true });
  });

  it('is overdue once the deadline is a second or more past', () => {
    expect(queueDelay(failures(1), REF, T0 + 10_500)).toEqual({
      timeLeftSeconds: 0,
      overdue: false,
    });
    expect(queueDelay(failures(1), REF, T0 + 11_000)).toEqual({
      timeLeftSeconds: 0,
      overdue: true,
    });
  });
});

describe('which task updates move the backoff', () => {
  it('counts failed, finished, errored, dropped and gone tasks as failures', () => {
    for (const state of [
      'TASK_FAILED',
      'TASK_FINISHED',
      'TASK_ERROR',
      'TASK_DROPPED',
      'TASK_GONE',
    ] as const) {
      expect(backoffEventType(state)).toBe('failed');
    }
  });

  it('counts staging, starting and running tasks as started', () => {
    for (const state of ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING'] as const) {
      expect(backoffEventType(state)).toBe('started');
    }
  });

  it('leaves the delay alone for a killed or lost task', () => {
    expect(backoffEventType('TASK_KILLED')).toBeUndefined();
    expect(backoffEventType('TASK_LOST')).toBeUndefined();
  });

  it('resets the delay for a task killed because its agent is drained', () => {
    expect(backoffEventType('TASK_KILLED', 'REASON_AGENT_DRAINING')).toBe('reset');
    expect(backoffEventType('TASK_GONE_BY_OPERATOR', 'REASON_SLAVE_DRAINING')).toBe('reset');
  });
});
