import type { DeployableApp, InstanceView } from '@mesolite/plugin-marathon/deployment/model';
import { nextRestartActions, restartLimits } from '@mesolite/plugin-marathon/deployment/restart';
import { describe, expect, it } from 'vitest';
import { app, ids, instance, NOW, T1 } from './fixtures.js';

/** The app after a config change at T1, with health checks. */
function upgraded(
  instances: number,
  minimumHealthCapacity: number,
  maximumOverCapacity: number,
  extra: Partial<DeployableApp> = {},
): DeployableApp {
  return app('/app', {
    instances,
    version: T1,
    lastConfigChangeAt: T1,
    hasHealthChecks: true,
    upgradeStrategy: { minimumHealthCapacity, maximumOverCapacity },
    ...extra,
  });
}

function oldHealthy(count: number): InstanceView[] {
  return Array.from({ length: count }, (_, i) =>
    instance(`old-${i}`, { healthy: true, startedAt: NOW - 10_000 + i }),
  );
}

function fresh(id: string, overrides: Partial<InstanceView> = {}): InstanceView {
  return instance(id, { version: T1, configVersion: T1, ...overrides });
}

describe('restart limits', () => {
  it('rounds minimum healthy capacity up', () => {
    expect(restartLimits(upgraded(3, 0.7, 0.5)).minHealthy).toBe(3);
  });

  it('rounds maximum capacity down', () => {
    expect(restartLimits(upgraded(3, 0.5, 0.5)).maxCapacity).toBe(4);
  });

  it('rounds up in doubles as Marathon does, so 25 × 0.28 needs 8 healthy', () => {
    // 25 × 0.28 is 7.000000000000001 in doubles, in Scala as in JavaScript.
    expect(restartLimits(upgraded(25, 0.28, 0.5)).minHealthy).toBe(8);
  });

  it('rounds down in doubles as Marathon does, so 45 × 1.4 allows 62', () => {
    // 45 × (1 + 0.4) is 62.99999999999999 in doubles.
    expect(restartLimits(upgraded(45, 0.5, 0.4)).maxCapacity).toBe(62);
  });

  it('allows one instance over capacity when the two bounds meet', () => {
    expect(restartLimits(upgraded(3, 1, 0)).maxCapacity).toBe(4);
  });

  it('allows no extra instance when the bounds leave room', () => {
    expect(restartLimits(upgraded(4, 0.5, 0.25)).maxCapacity).toBe(5);
  });
});

describe('rolling restart decisions', () => {
  it('kills old instances down to the minimum healthy capacity at once', () => {
    const decision = nextRestartActions(upgraded(4, 0.5, 0), oldHealthy(4), NOW);
    expect(decision.kill).toHaveLength(2);
  });

  it('launches no new instance while old ones fill the capacity', () => {
    expect(nextRestartActions(upgraded(4, 0.5, 0), oldHealthy(4), NOW).launch).toBe(0);
  });

  it('launches new instances into the over-capacity', () => {
    const decision = nextRestartActions(upgraded(4, 1, 0.5), oldHealthy(4), NOW);
    expect(decision).toMatchObject({ launch: 2, kill: [] });
  });

  it('launches one instance over capacity when minimumHealthCapacity is 1 and there is none', () => {
    expect(nextRestartActions(upgraded(3, 1, 0), oldHealthy(3), NOW)).toMatchObject({
      launch: 1,
      kill: [],
    });
  });

  it('kills every old instance first with a minimumHealthCapacity of 0', () => {
    expect(nextRestartActions(upgraded(3, 0, 0), oldHealthy(3), NOW).kill).toHaveLength(3);
  });

  it('kills one old instance for each new one that becomes healthy', () => {
    const instances = [...oldHealthy(3), fresh('new-0', { healthy: true })];
    expect(nextRestartActions(upgraded(3, 1, 0), instances, NOW).kill).toHaveLength(1);
  });

  it('kills no old instance for a new one that is running but not yet healthy', () => {
    const instances = [...oldHealthy(3), fresh('new-0')];
    expect(nextRestartActions(upgraded(3, 1, 0), instances, NOW).kill).toEqual([]);
  });

  it('kills old instances that are not healthy at once', () => {
    const instances = [...oldHealthy(2), instance('old-sick', { healthy: false })];
    expect(ids(nextRestartActions(upgraded(3, 1, 0), instances, NOW).kill)).toEqual(['old-sick']);
  });

  it('kills no healthy instance of an app already below its minimum', () => {
    const instances = [...oldHealthy(2), instance('old-starting', { state: 'starting' })];
    const decision = nextRestartActions(upgraded(3, 1, 0), instances, NOW);
    expect(ids(decision.kill)).toEqual(['old-starting']);
  });

  it('kills old instances in the app’s killSelection order', () => {
    const oldestFirst = upgraded(3, 0.5, 0, { killSelection: 'OLDEST_FIRST' });
    const decision = nextRestartActions(oldestFirst, oldHealthy(3), NOW);
    expect(ids(decision.kill)).toEqual(['old-0']);
  });

  it('counts old instances being killed against the capacity until they are gone', () => {
    const instances = [
      ...oldHealthy(2),
      instance('old-2', { state: 'killing' }),
      instance('old-3', { state: 'killing' }),
    ];
    expect(nextRestartActions(upgraded(4, 0.5, 0), instances, NOW).launch).toBe(0);
  });

  it('launches as old instances end', () => {
    const instances = [
      ...oldHealthy(2),
      instance('old-2', { state: 'killed' }),
      instance('old-3', { state: 'killed' }),
    ];
    expect(nextRestartActions(upgraded(4, 0.5, 0), instances, NOW).launch).toBe(2);
  });

  it('replaces a new instance that failed', () => {
    const instances = [
      fresh('new-0', { healthy: true }),
      fresh('new-1', { state: 'failed' }),
      instance('old-0', { healthy: true }),
    ];
    expect(nextRestartActions(upgraded(2, 0.5, 0.5), instances, NOW).launch).toBe(1);
  });

  it('kills an unreachable old instance', () => {
    const instances = [...oldHealthy(1), instance('old-gone', { state: 'unreachable' })];
    expect(ids(nextRestartActions(upgraded(2, 1, 0), instances, NOW).kill)).toEqual(['old-gone']);
  });

  it('does not count an unreachable old instance against the capacity, as Marathon does not', () => {
    // Capacity 3 (2, plus the one allowed when the bounds meet) less the one reachable old.
    const instances = [...oldHealthy(1), instance('old-gone', { state: 'unreachable' })];
    expect(nextRestartActions(upgraded(2, 1, 0), instances, NOW).launch).toBe(2);
  });

  it('kills new instances beyond the target', () => {
    const instances = ['a', 'b', 'c'].map((id) => fresh(id, { healthy: true }));
    expect(nextRestartActions(upgraded(2, 0.5, 0), instances, NOW).kill).toHaveLength(1);
  });

  it('counts a running new instance as healthy for an app without health checks', () => {
    const unchecked = upgraded(1, 1, 0, { hasHealthChecks: false });
    const decision = nextRestartActions(unchecked, [fresh('new-0')], NOW);
    expect(decision.done).toBe(true);
  });

  it('is not done while an old instance is still being killed', () => {
    const instances = [
      fresh('new-0', { healthy: true }),
      instance('old-0', { state: 'killing', healthy: true }),
    ];
    expect(nextRestartActions(upgraded(1, 1, 0), instances, NOW).done).toBe(false);
  });

  it('is done when every new instance is healthy and no old one is left', () => {
    const instances = [
      fresh('new-0', { healthy: true }),
      fresh('new-1', { healthy: true }),
      instance('old-0', { state: 'killed' }),
    ];
    expect(nextRestartActions(upgraded(2, 1, 0), instances, NOW).done).toBe(true);
  });
});

interface Trace {
  readonly ticks: number;
  readonly done: boolean;
  readonly maxTotal: number;
  readonly minHealthy: number;
  readonly final: readonly InstanceView[];
}

/**
 * Runs a whole restart: each tick asks for a decision, carries it out (kills become
 * `killing`, launches become `scheduled` new instances), records the totals, then moves
 * the world on: kills complete, and new instances are placed, start, run and turn
 * healthy, either all at once or one transition per tick.
 */
function simulateRestart(target: DeployableApp, pace: 'together' | 'one at a time'): Trace {
  let instances: InstanceView[] = oldHealthy(target.instances);
  let launched = 0;
  let maxTotal = 0;
  let minHealthy = Number.POSITIVE_INFINITY;
  const isLive = (i: InstanceView): boolean => !['killed', 'finished', 'failed'].includes(i.state);
  const isHealthy = (i: InstanceView): boolean =>
    i.state === 'running' && (!target.hasHealthChecks || i.healthy === true);

  for (let tick = 0; tick < 500; tick += 1) {
    const decision = nextRestartActions(target, instances, NOW + tick);
    if (decision.done) {
      return { ticks: tick, done: true, maxTotal, minHealthy, final: instances };
    }
    const killed = new Set(ids(decision.kill));
    instances = instances.map((i) => (killed.has(i.instanceId) ? { ...i, state: 'killing' } : i));
    for (let n = 0; n < decision.launch; n += 1) {
      instances.push(fresh(`new-${launched}`, { state: 'scheduled', stagedAt: NOW + tick }));
      launched += 1;
    }

    maxTotal = Math.max(maxTotal, instances.filter(isLive).length);
    minHealthy = Math.min(minHealthy, instances.filter(isHealthy).length);

    let budget = pace === 'together' ? Number.POSITIVE_INFINITY : 1;
    instances = instances.map((i): InstanceView => {
      if (budget === 0) {
        return i;
      }
      const next = advance(i, target.hasHealthChecks, NOW + tick);
      if (next !== i) {
        budget -= 1;
      }
      return next;
    });
  }
  return { ticks: 500, done: false, maxTotal, minHealthy, final: instances };
}

function advance(i: InstanceView, hasHealthChecks: boolean, now: number): InstanceView {
  switch (i.state) {
    case 'killing':
      return { ...i, state: 'killed' };
    case 'scheduled':
      return { ...i, state: 'staging', stagedAt: now };
    case 'staging':
      return { ...i, state: 'running', startedAt: now };
    case 'running':
      return hasHealthChecks && i.healthy !== true ? { ...i, healthy: true } : i;
    default:
      return i;
  }
}

const strategies: [number, number, number][] = [];
for (const instances of [1, 2, 3, 5, 10]) {
  for (const minimumHealthCapacity of [0, 0.5, 0.7, 1]) {
    for (const maximumOverCapacity of [0, 0.3, 1]) {
      strategies.push([instances, minimumHealthCapacity, maximumOverCapacity]);
    }
  }
}

describe.each(['together', 'one at a time'] as const)(
  'a whole restart, instances moving %s',
  (pace) => {
    describe.each(strategies)(
      'instances %i, minimumHealthCapacity %d, maximumOverCapacity %d',
      (instances, minimumHealthCapacity, maximumOverCapacity) => {
        const target = upgraded(instances, minimumHealthCapacity, maximumOverCapacity);
        const limits = restartLimits(target);
        const trace = simulateRestart(target, pace);

        it('finishes', () => {
          expect(trace.done).toBe(true);
        });

        it('never drops healthy capacity below ceil(instances × minimumHealthCapacity)', () => {
          expect(trace.minHealthy).toBeGreaterThanOrEqual(limits.minHealthy);
        });

        it('never runs more instances than the maximum capacity', () => {
          expect(trace.maxTotal).toBeLessThanOrEqual(limits.maxCapacity);
        });

        it('exceeds instances + floor(instances × maximumOverCapacity) only by the one Marathon allows', () => {
          const bound = instances + Math.floor(instances * maximumOverCapacity);
          const allowance =
            limits.minHealthy === Math.trunc(instances * (1 + maximumOverCapacity)) ? 1 : 0;
          expect(trace.maxTotal).toBeLessThanOrEqual(bound + allowance);
        });

        it('ends with only new instances, all healthy', () => {
          const live = trace.final.filter((i) => i.state === 'running');
          expect(live.map((i) => [i.configVersion, i.healthy])).toEqual(
            Array.from({ length: instances }, () => [T1, true]),
          );
        });
      },
    );
  },
);

describe('a whole restart without health checks', () => {
  it('finishes once new instances run', () => {
    const target = upgraded(3, 0.5, 0.3, { hasHealthChecks: false });
    expect(simulateRestart(target, 'one at a time').done).toBe(true);
  });
});
