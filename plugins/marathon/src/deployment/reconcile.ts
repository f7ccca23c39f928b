import {
  isConsideredHealthy,
  isExpungeDue,
  isInactive,
  isTerminal,
  runsCurrentConfig,
} from './instance-state.js';
import { killOrder } from './kill-selection.js';
import type { DeployableApp, InstanceView } from './model.js';

/**
 * Every instance of an app in exactly one bucket, the first that fits in this order:
 * terminal, killing, lost, unreachable, wrongVersion, then by condition.
 */
export interface InstanceBuckets<I extends InstanceView = InstanceView> {
  /** Ended; never runs again. */
  readonly terminal: readonly I[];
  /** Its kill has been sent. */
  readonly killing: readonly I[];
  /** Unreachable past the app's `inactiveAfterSeconds`: no longer counted, and replaced. */
  readonly lost: readonly I[];
  /** Unreachable for less long: still counted, in the hope that it comes back. */
  readonly unreachable: readonly I[];
  /** Still alive but launched from another config, as a cancelled deployment leaves them. */
  readonly wrongVersion: readonly I[];
  /** Queued for an offer, staging or starting. */
  readonly starting: readonly I[];
  /** Running, but not (or not yet) reported healthy by the app's health checks. */
  readonly unhealthy: readonly I[];
  /** Running and healthy; for an app without health checks, running. */
  readonly healthy: readonly I[];
}

/** Sorts the instances of one app into {@link InstanceBuckets}. */
export function bucketInstances<I extends InstanceView>(
  app: DeployableApp,
  instances: readonly I[],
  now: number,
): InstanceBuckets<I> {
  const buckets: { [K in keyof InstanceBuckets<I>]: I[] } = {
    terminal: [],
    killing: [],
    lost: [],
    unreachable: [],
    wrongVersion: [],
    starting: [],
    unhealthy: [],
    healthy: [],
  };
  for (const instance of instances) {
    if (isTerminal(instance)) {
      buckets.terminal.push(instance);
    } else if (instance.state === 'killing') {
      buckets.killing.push(instance);
    } else if (instance.state === 'unreachable') {
      (isInactive(app, instance, now) ? buckets.lost : buckets.unreachable).push(instance);
    } else if (!runsCurrentConfig(app, instance)) {
      buckets.wrongVersion.push(instance);
    } else if (instance.state !== 'running') {
      buckets.starting.push(instance);
    } else if (isConsideredHealthy(app, instance)) {
      buckets.healthy.push(instance);
    } else {
      buckets.unhealthy.push(instance);
    }
  }
  return buckets;
}

/** The instances that count towards an app's `instances`. */
export function countedInstances<I extends InstanceView>(buckets: InstanceBuckets<I>): I[] {
  return [
    ...buckets.healthy,
    ...buckets.unhealthy,
    ...buckets.starting,
    ...buckets.unreachable,
    ...buckets.wrongVersion,
  ];
}

export interface ReconcileOptions {
  /**
   * How many instances beyond `instances` to tolerate, because a running deployment
   * (a rolling restart's over-capacity) put them there. Zero when absent.
   */
  readonly allowedOverCapacity?: number;
}

export interface ReconcileDecision<I extends InstanceView = InstanceView> {
  readonly buckets: InstanceBuckets<I>;
  /** New instances to queue for launch, with the app's current config. */
  readonly launch: number;
  /** Instances to kill because there are too many, in the order to kill them. */
  readonly kill: readonly I[];
  /** Lost instances past `expungeAfterSeconds`: forget them, and kill any that comes back. */
  readonly expunge: readonly I[];
}

/**
 * Keeping an app alive: compares the instances an app should have with those it has and
 * decides what to launch and what to kill, never acting itself. Instances that ended or
 * were lost are replaced; surplus instances are killed in the app's kill order (the
 * cheapest first: queued, unreachable, staging, starting, unhealthy, then old config,
 * then by `killSelection`). Instances of an old config are counted and left alone, as
 * Marathon leaves them until the next deployment of the app.
 */
export function reconcileApp<I extends InstanceView>(
  app: DeployableApp,
  instances: readonly I[],
  now: number,
  options: ReconcileOptions = {},
): ReconcileDecision<I> {
  const buckets = bucketInstances(app, instances, now);
  const counted = countedInstances(buckets);
  const ceiling = app.instances + Math.max(0, options.allowedOverCapacity ?? 0);
  const surplus = Math.max(0, counted.length - ceiling);
  return {
    buckets,
    launch: Math.max(0, app.instances - counted.length),
    kill: killOrder(app, counted).slice(0, surplus),
    expunge: buckets.lost.filter((instance) => isExpungeDue(app, instance, now)),
  };
}
