import {
  DEFAULT_UNREACHABLE_STRATEGY,
  type DeployableApp,
  type InstanceView,
  TERMINAL_STATES,
} from './model.js';

/** True once the instance can never run again. */
export function isTerminal(instance: InstanceView): boolean {
  return TERMINAL_STATES.has(instance.state);
}

/** True when the instance was launched from the app's current config. */
export function runsCurrentConfig(app: DeployableApp, instance: InstanceView): boolean {
  return instance.configVersion === app.lastConfigChangeAt;
}

/**
 * Marathon's "considered healthy": running and, for an app with health checks, reported
 * healthy. Without health checks, running is all Marathon can know.
 */
export function isConsideredHealthy(app: DeployableApp, instance: InstanceView): boolean {
  return instance.state === 'running' && (!app.hasHealthChecks || instance.healthy === true);
}

function unreachableFor(instance: InstanceView, now: number): number | undefined {
  if (instance.state !== 'unreachable') {
    return undefined;
  }
  // An instance without a timestamp has only just been seen unreachable.
  return Math.max(0, now - (instance.unreachableSince ?? now));
}

/**
 * True for an unreachable instance past the app's `inactiveAfterSeconds`: it no longer
 * counts towards the app's instances and a replacement is launched for it.
 */
export function isInactive(app: DeployableApp, instance: InstanceView, now: number): boolean {
  const elapsed = unreachableFor(instance, now);
  const strategy = app.unreachableStrategy ?? DEFAULT_UNREACHABLE_STRATEGY;
  return (
    elapsed !== undefined &&
    strategy !== 'disabled' &&
    elapsed >= strategy.inactiveAfterSeconds * 1000
  );
}

/**
 * True for an unreachable instance past the app's `expungeAfterSeconds`: Marathon
 * forgets it, and kills it should its agent come back.
 */
export function isExpungeDue(app: DeployableApp, instance: InstanceView, now: number): boolean {
  const elapsed = unreachableFor(instance, now);
  const strategy = app.unreachableStrategy ?? DEFAULT_UNREACHABLE_STRATEGY;
  return (
    elapsed !== undefined &&
    strategy !== 'disabled' &&
    elapsed >= strategy.expungeAfterSeconds * 1000
  );
}
