import {
  isConsideredHealthy,
  isInactive,
  isTerminal,
  runsCurrentConfig,
} from './instance-state.js';
import { killOrder } from './kill-selection.js';
import type { DeployableApp, InstanceView } from './model.js';

/** The bounds a rolling restart keeps to. */
export interface RestartLimits {
  /** Healthy instances, old and new together, that must remain while old ones are killed. */
  readonly minHealthy: number;
  /** Instances, old and new together and counting those being killed, never exceeded. */
  readonly maxCapacity: number;
}

/**
 * Marathon's bounds (TaskReplaceActor.computeRestartStrategy), in the same
 * double-precision arithmetic: minHealthy = ceil(instances × minimumHealthCapacity),
 * maxCapacity = trunc(instances × (1 + maximumOverCapacity)). So 10 × 0.7 rounds up to
 * 8, because 10 × 0.7 is 7.000000000000001 in doubles, exactly as Marathon computes it.
 *
 * When the two bounds meet (minimumHealthCapacity 1 with maximumOverCapacity 0, say) no
 * old instance could ever be killed and no new one launched, so Marathon allows one
 * instance over capacity; this does the same.
 */
export function restartLimits(app: DeployableApp): RestartLimits {
  const minHealthy = Math.ceil(app.instances * app.upgradeStrategy.minimumHealthCapacity);
  const maxCapacity = Math.trunc(app.instances * (1 + app.upgradeStrategy.maximumOverCapacity));
  return { minHealthy, maxCapacity: minHealthy === maxCapacity ? maxCapacity + 1 : maxCapacity };
}

export interface RestartDecision<I extends InstanceView = InstanceView> {
  /** New instances to queue for launch now, with the app's new config. */
  readonly launch: number;
  /** Instances to kill now, in order. */
  readonly kill: readonly I[];
  /** True once `instances` new instances are healthy and no old one is left. */
  readonly done: boolean;
  readonly limits: RestartLimits;
  /** Old instances not yet gone, those being killed included. */
  readonly oldRemaining: number;
  /** New instances queued, starting or running (not being killed, not lost). */
  readonly newStarted: number;
  /** New instances that are healthy (running, for an app without health checks). */
  readonly newHealthy: number;
  /** Healthy instances, old and new, not being killed. */
  readonly healthy: number;
}

/**
 * One decision of a rolling restart (Marathon's TaskReplaceActor), made afresh from the
 * instances as they are, so that it can be asked again after every change and after a
 * failover:
 *
 * - Old instances that are not healthy are killed at once: they add no healthy capacity
 *   and hold room the new ones need (Marathon kills them first, too). Unreachable old
 *   ones count as gone, as Marathon counts them.
 * - Healthy old instances are killed while more than `minHealthy` healthy instances
 *   remain, so every new instance that turns healthy releases one old one.
 * - New instances are launched up to `instances`, as long as old and new together, those
 *   being killed included, stay within `maxCapacity`.
 *
 * The caller marks a killed instance `killing` before asking again.
 */
export function nextRestartActions<I extends InstanceView>(
  app: DeployableApp,
  instances: readonly I[],
  now: number,
): RestartDecision<I> {
  const limits = restartLimits(app);
  const live = instances.filter((instance) => !isTerminal(instance));
  const old = live.filter((instance) => !runsCurrentConfig(app, instance));
  const fresh = live.filter((instance) => runsCurrentConfig(app, instance));

  const oldUnreachable = old.filter((instance) => instance.state === 'unreachable');
  const oldRemaining = old.filter((instance) => instance.state !== 'unreachable');
  const oldActive = oldRemaining.filter((instance) => instance.state !== 'killing');
  const oldHealthy = oldActive.filter((instance) => isConsideredHealthy(app, instance));
  const oldNotHealthy = oldActive.filter((instance) => !isConsideredHealthy(app, instance));

  // A lost new instance is replaced; one merely unreachable may still come back.
  const freshCounted = fresh.filter((instance) => !isInactive(app, instance, now));
  const newStarted = freshCounted.filter((instance) => instance.state !== 'killing');
  const newHealthy = newStarted.filter((instance) => isConsideredHealthy(app, instance));

  const healthy = oldHealthy.length + newHealthy.length;
  // Healthy instances that may go without dropping below minHealthy.
  let healthyToSpare = Math.max(0, healthy - limits.minHealthy);
  const takeUpTo = (candidates: readonly I[], count: number): I[] => {
    const taken: I[] = [];
    for (const candidate of candidates) {
      if (taken.length === count) {
        break;
      }
      if (isConsideredHealthy(app, candidate)) {
        if (healthyToSpare === 0) {
          continue;
        }
        healthyToSpare -= 1;
      }
      taken.push(candidate);
    }
    return taken;
  };
  const kill = [
    ...oldUnreachable,
    ...killOrder(app, oldNotHealthy),
    ...takeUpTo(killOrder(app, oldHealthy), oldHealthy.length),
    // New instances beyond the target, as a deployment cancelled with force can leave.
    ...takeUpTo(killOrder(app, newStarted), Math.max(0, newStarted.length - app.instances)),
  ];

  // Instances being killed still hold their resources until they are gone.
  const room = Math.max(0, limits.maxCapacity - oldRemaining.length - freshCounted.length);
  const launch = Math.min(Math.max(0, app.instances - newStarted.length), room);

  return {
    launch,
    kill,
    done: newHealthy.length >= app.instances && oldRemaining.length === 0,
    limits,
    oldRemaining: oldRemaining.length,
    newStarted: newStarted.length,
    newHealthy: newHealthy.length,
    healthy,
  };
}
