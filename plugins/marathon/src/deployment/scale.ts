import { isConsideredHealthy, isInactive, isTerminal } from './instance-state.js';
import { killOrder } from './kill-selection.js';
import type { DeployableApp, InstanceView } from './model.js';

export interface ScaleDecision<I extends InstanceView = InstanceView> {
  /** Instances to queue for launch now. */
  readonly launch: number;
  /** Instances to kill now, in order. */
  readonly kill: readonly I[];
  /**
   * True once the app has exactly `scaleTo` instances, all of them healthy (running, for
   * an app without health checks), and none is still being killed.
   */
  readonly done: boolean;
  /** Instances that count: queued, starting, running or briefly unreachable. */
  readonly counted: number;
  /** Of those, the healthy ones. */
  readonly healthy: number;
  /** Instances still being killed. */
  readonly killing: number;
}

/**
 * One decision of a ScaleApplication action (Marathon's ScalingProposition, then its
 * TaskStartActor): kill the surplus, the instances the user sentenced first and then in
 * the app's kill order; launch up to `scaleTo`, replacing any sentenced instance that
 * was not surplus. The config of the instances does not matter here, as in Marathon.
 *
 * Marathon's step ends when the instances it launched are healthy; this one, asked
 * without memory, ends when all `scaleTo` instances are, which is the same once the app
 * was healthy before the step.
 */
export function nextScaleActions<I extends InstanceView>(
  app: DeployableApp,
  scaleTo: number,
  instances: readonly I[],
  now: number,
  sentencedToDeath: readonly string[] = [],
): ScaleDecision<I> {
  const killing = instances.filter((instance) => instance.state === 'killing');
  // Lost instances are replaced, as Marathon's proposition leaves out UnreachableInactive.
  const counted = instances.filter(
    (instance) =>
      !isTerminal(instance) && instance.state !== 'killing' && !isInactive(app, instance, now),
  );
  const sentenced = new Set(sentencedToDeath);
  const condemned = counted.filter((instance) => sentenced.has(instance.instanceId));
  const spared = counted.filter((instance) => !sentenced.has(instance.instanceId));

  const killCount = Math.max(counted.length - scaleTo, condemned.length);
  const kill = [...condemned, ...killOrder(app, spared)].slice(0, killCount);
  const launch = Math.max(0, scaleTo - counted.length + killCount);
  const healthy = counted.filter((instance) => isConsideredHealthy(app, instance)).length;

  return {
    launch,
    kill,
    done:
      kill.length === 0 &&
      launch === 0 &&
      killing.length === 0 &&
      counted.length === scaleTo &&
      healthy >= scaleTo,
    counted: counted.length,
    healthy,
    killing: killing.length,
  };
}

export interface StopDecision<I extends InstanceView = InstanceView> {
  /** Every instance not yet being killed. */
  readonly kill: readonly I[];
  /** True once no instance is left but ended or lost ones. */
  readonly done: boolean;
  /** Instances not yet gone. */
  readonly remaining: number;
}

/**
 * One decision of a StopApplication action: kill every instance, and be done when all
 * have ended. Lost instances are left to be expunged, since their agent cannot be reached
 * to confirm a kill.
 */
export function nextStopActions<I extends InstanceView>(
  app: DeployableApp,
  instances: readonly I[],
  now: number,
): StopDecision<I> {
  const remaining = instances.filter(
    (instance) => !isTerminal(instance) && !isInactive(app, instance, now),
  );
  return {
    kill: remaining.filter((instance) => instance.state !== 'killing'),
    done: remaining.length === 0,
    remaining: remaining.length,
  };
}
