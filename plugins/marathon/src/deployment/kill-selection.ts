import { isConsideredHealthy, runsCurrentConfig } from './instance-state.js';
import type { DeployableApp, InstanceView } from './model.js';

/**
 * How cheap an instance is to lose; the cheapest are killed first. Marathon's order
 * (ScalingProposition.sortByConditionAndDate) is unreachable, staging, starting, running.
 * Two refinements that its own TODO asks for: an instance still in the launch queue goes
 * first, since killing it costs nothing, and a running instance that is not healthy goes
 * before a healthy one, so that killing keeps as much healthy capacity as possible.
 */
function killWeight(app: DeployableApp, instance: InstanceView): number {
  switch (instance.state) {
    case 'scheduled':
      return 0;
    case 'unreachable':
      return 1;
    case 'staging':
      return 2;
    case 'starting':
      return 3;
    case 'running':
      return isConsideredHealthy(app, instance) ? 5 : 4;
    default:
      return 6;
  }
}

/** The instant that `killSelection` compares: when the instance staged, or started. */
function age(instance: InstanceView): number | undefined {
  return instance.state === 'running' ? instance.startedAt : instance.stagedAt;
}

/**
 * Sorts instances into the order in which they should be killed: by condition, then
 * those running an old config, then by the app's `killSelection` (YOUNGEST_FIRST kills
 * the most recently started first). An instance without a timestamp goes first, as in
 * Marathon; instance ids break the remaining ties so that the order is stable.
 */
export function killOrder<I extends InstanceView>(
  app: DeployableApp,
  instances: readonly I[],
): I[] {
  const youngestFirst = app.killSelection === 'YOUNGEST_FIRST';
  return [...instances].sort((a, b) => {
    const byWeight = killWeight(app, a) - killWeight(app, b);
    if (byWeight !== 0) {
      return byWeight;
    }
    const byConfig = Number(runsCurrentConfig(app, a)) - Number(runsCurrentConfig(app, b));
    if (byConfig !== 0) {
      return byConfig;
    }
    const ageA = age(a);
    const ageB = age(b);
    if (ageA === undefined || ageB === undefined) {
      if (ageA !== ageB) {
        return ageA === undefined ? -1 : 1;
      }
    } else if (ageA !== ageB) {
      return youngestFirst ? ageB - ageA : ageA - ageB;
    }
    return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
  });
}
