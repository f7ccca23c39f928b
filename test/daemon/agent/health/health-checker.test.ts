/**
 * The checker's interpretation over time (Mesos's health_checker.cpp), driven by a
 * manual clock and COMMAND checks whose exit codes the test scripts.
 */
import {
  HealthChecker,
  type HealthCheckerOptions,
} from '@mesolite/daemon/agent/health/health-checker';
import type { HealthCheck } from '@mesolite/daemon/protocol/mesos';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';

interface Harness {
  checker: HealthChecker;
  clock: ManualClock;
  /** Each onHealthChange call, in order. */
  changes: boolean[];
  /** Each onUnhealthy message. */
  kills: string[];
  /** How many checks ran. */
  runs(): number;
}

const checkers: HealthChecker[] = [];

afterEach(() => {
  for (const checker of checkers.splice(0)) checker.stop();
});

/**
 * A COMMAND check whose n-th run exits with `exitCodes[n]` (the last one repeats); an
 * entry of 'hang' never finishes.
 */
function harness(
  exitCodes: Array<number | 'hang'>,
  check: Partial<HealthCheck> = {},
  extra: Partial<HealthCheckerOptions> = {},
): Harness {
  const clock = new ManualClock();
  const changes: boolean[] = [];
  const kills: string[] = [];
  let runs = 0;
  const checker = new HealthChecker({
    check: {
      type: 'COMMAND',
      command: { value: 'scripted' },
      delay_seconds: 0,
      interval_seconds: 10,
      grace_period_seconds: 0,
      ...check,
    },
    clock,
    runCommand: () => {
      const code = exitCodes[Math.min(runs, exitCodes.length - 1)] ?? 0;
      runs += 1;
      if (code === 'hang') return new Promise(() => undefined);
      return Promise.resolve({ exitCode: code, output: code === 0 ? '' : 'not ready\n' });
    },
    onHealthChange: (healthy) => changes.push(healthy),
    onUnhealthy: (message) => kills.push(message),
    ...extra,
  });
  checkers.push(checker);
  return { checker, clock, changes, kills, runs: () => runs };
}

describe('HealthChecker', () => {
  it('runs the first check after delay_seconds, not before', async () => {
    const h = harness([0], { delay_seconds: 5 });
    h.checker.start();
    await h.clock.advance(4999);
    expect(h.runs()).toBe(0);
    await h.clock.advance(1);
    expect(h.runs()).toBe(1);
  });

  it('runs the next check interval_seconds after the previous one', async () => {
    const h = harness([0], { interval_seconds: 3 });
    h.checker.start();
    await h.clock.advance(0);
    await h.clock.advance(2999);
    expect(h.runs()).toBe(1);
    await h.clock.advance(1);
    expect(h.runs()).toBe(2);
  });

  it('reports healthy once on the first success, not on later ones', async () => {
    const h = harness([0]);
    h.checker.start();
    await h.clock.advance(30_000);
    expect(h.runs()).toBe(4);
    expect(h.changes).toEqual([true]);
  });

  it('reports unhealthy once while failures repeat', async () => {
    const h = harness([0, 1], { consecutive_failures: 10 });
    h.checker.start();
    await h.clock.advance(50_000);
    expect(h.changes).toEqual([true, false]);
  });

  it('reports each change of health: healthy, unhealthy, healthy again', async () => {
    const h = harness([0, 1, 1, 0, 0]);
    h.checker.start();
    await h.clock.advance(40_000);
    expect(h.changes).toEqual([true, false, true]);
  });

  it('reports a first failure after the grace period as a change to unhealthy', async () => {
    const h = harness([1]);
    h.checker.start();
    await h.clock.advance(0);
    expect(h.changes).toEqual([false]);
  });

  it('asks for a kill when consecutive failures reach consecutive_failures', async () => {
    const h = harness([0, 2], { consecutive_failures: 3 });
    h.checker.start();
    await h.clock.advance(20_000);
    expect(h.kills).toEqual([]);
    await h.clock.advance(10_000);
    expect(h.kills).toEqual([
      'COMMAND health check failed 3 times consecutively: Command exited with status 2: not ready',
    ]);
  });

  it('stops checking once it asked for a kill', async () => {
    const h = harness([1], { consecutive_failures: 1 });
    h.checker.start();
    await h.clock.advance(100_000);
    expect(h.runs()).toBe(1);
    expect(h.kills).toHaveLength(1);
    expect(h.clock.pending).toBe(0);
  });

  it('starts counting again after a success', async () => {
    const h = harness([1, 1, 0, 1, 1, 0], { consecutive_failures: 3 });
    h.checker.start();
    await h.clock.advance(60_000);
    expect(h.runs()).toBe(7);
    expect(h.kills).toEqual([]);
  });

  it('ignores failures during the grace period', async () => {
    const h = harness([1, 1, 1, 1, 1], { grace_period_seconds: 25, consecutive_failures: 1 });
    h.checker.start();
    // Checks at 0, 10 and 20 s are inside the grace period; the one at 30 s counts.
    await h.clock.advance(20_000);
    expect(h.runs()).toBe(3);
    expect(h.changes).toEqual([]);
    expect(h.kills).toEqual([]);
    await h.clock.advance(10_000);
    expect(h.changes).toEqual([false]);
    expect(h.kills).toHaveLength(1);
  });

  it('counts a failure at the very end of the grace period as still inside it', async () => {
    const h = harness([1], { grace_period_seconds: 10, consecutive_failures: 1 });
    h.checker.start();
    await h.clock.advance(10_000);
    expect(h.runs()).toBe(2);
    expect(h.kills).toEqual([]);
  });

  it('ends the grace period at the first success', async () => {
    const h = harness([0, 1], { grace_period_seconds: 300, consecutive_failures: 1 });
    h.checker.start();
    await h.clock.advance(10_000);
    expect(h.changes).toEqual([true, false]);
    expect(h.kills).toHaveLength(1);
  });

  it('counts the grace period from start, delay included', async () => {
    const h = harness([1], {
      delay_seconds: 20,
      grace_period_seconds: 10,
      consecutive_failures: 1,
    });
    h.checker.start();
    await h.clock.advance(20_000);
    expect(h.kills).toHaveLength(1);
  });

  it('treats a check that outlives timeout_seconds as a failure', async () => {
    const h = harness(['hang'], { timeout_seconds: 2, consecutive_failures: 1 });
    h.checker.start();
    await h.clock.advance(1999);
    expect(h.kills).toEqual([]);
    await h.clock.advance(1);
    expect(h.kills).toEqual([
      'COMMAND health check failed 1 times consecutively: COMMAND health check timed out after 2s',
    ]);
  });

  it('waits forever for a check when timeout_seconds is 0', async () => {
    const h = harness(['hang'], { timeout_seconds: 0, consecutive_failures: 1 });
    h.checker.start();
    await h.clock.advance(3_600_000);
    expect(h.runs()).toBe(1);
    expect(h.kills).toEqual([]);
  });

  it('passes the timeout to the command runner', async () => {
    const timeouts: number[] = [];
    const h = harness(
      [0],
      { timeout_seconds: 7 },
      {
        runCommand: (_command, timeoutMs) => {
          timeouts.push(timeoutMs);
          return Promise.resolve({ exitCode: 0, output: '' });
        },
      },
    );
    h.checker.start();
    await h.clock.advance(0);
    expect(timeouts).toEqual([7000]);
  });

  it('leaves no timer behind after stop', async () => {
    const h = harness(['hang'], { timeout_seconds: 5 });
    h.checker.start();
    await h.clock.advance(0);
    expect(h.clock.pending).toBe(1);
    h.checker.stop();
    expect(h.clock.pending).toBe(0);
  });

  it('calls nothing after stop, even when a check in progress finishes', async () => {
    let finish: (code: number) => void = () => undefined;
    const h = harness(
      [0],
      {},
      {
        runCommand: () =>
          new Promise((resolve) => {
            finish = (code) => resolve({ exitCode: code, output: '' });
          }),
      },
    );
    h.checker.start();
    await h.clock.advance(0);
    h.checker.stop();
    finish(0);
    await h.clock.advance(60_000);
    expect(h.changes).toEqual([]);
  });

  it('keeps checking when a callback throws', async () => {
    const h = harness(
      [0, 1, 0],
      {},
      {
        onHealthChange: () => {
          throw new Error('agent hiccup');
        },
      },
    );
    h.checker.start();
    await h.clock.advance(20_000);
    expect(h.runs()).toBe(3);
  });

  it('counts a command that cannot be run as a failure', async () => {
    const h = harness(
      [0],
      { consecutive_failures: 1 },
      {
        runCommand: () => Promise.reject(new Error('container is gone')),
      },
    );
    h.checker.start();
    await h.clock.advance(0);
    expect(h.kills).toEqual([
      'COMMAND health check failed 1 times consecutively: container is gone',
    ]);
  });
});
