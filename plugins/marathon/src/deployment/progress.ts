import { isConsideredHealthy, isTerminal, runsCurrentConfig } from './instance-state.js';
import type { DeployableApp, InstanceView } from './model.js';
import type { DeploymentAction, DeploymentActionName, DeploymentPlan } from './plan.js';
import { nextRestartActions } from './restart.js';
import { nextScaleActions, nextStopActions } from './scale.js';

/**
 * What keeps an app's instances from launching, as the offer matcher and the launch
 * queue know it. Deployment logic cannot see offers; it is told.
 */
export interface LaunchBlockers {
  /** Marathon's reasons the last offers were declined: InsufficientMemory, UnfulfilledConstraint, ... */
  readonly unmatchedOffers?: readonly string[];
  /** Epoch milliseconds until which launches wait, after instances kept failing (backoff). */
  readonly delayedUntil?: number;
}

export interface ActionProgress {
  readonly action: DeploymentActionName;
  readonly app: string;
  /** Instances in place, for a progress bar: healthy (new) instances, or stopped ones. */
  readonly done: number;
  readonly target: number;
  readonly finished: boolean;
  /** Why the action is not finished yet; set for unfinished actions of the current step. */
  readonly waitingFor?: string;
}

export type StepStatus = 'done' | 'running' | 'pending';

export interface StepProgress {
  /** Counts from 1, as `currentStep` does. */
  readonly step: number;
  readonly status: StepStatus;
  readonly actions: readonly ActionProgress[];
}

export interface DeploymentProgress {
  readonly id: string;
  readonly currentStep: number;
  readonly totalSteps: number;
  readonly steps: readonly StepProgress[];
  /** Totals over every action, for one bar for the whole deployment. */
  readonly done: number;
  readonly target: number;
  /** One line per unfinished action of the current step: `/app: waiting for ...`. */
  readonly reasons: readonly string[];
}

export interface ProgressInput {
  readonly plan: DeploymentPlan;
  /** The step being carried out, from 1; 0 before the first has begun. */
  readonly currentStep: number;
  /** The instances of each app, by app id. */
  readonly instances: ReadonlyMap<string, readonly InstanceView[]>;
  /** Epoch milliseconds. */
  readonly now: number;
  /** What blocks launches, by app id. */
  readonly blockers?: ReadonlyMap<string, LaunchBlockers>;
}

/** "1 instance to stop", "2 instances to stop". */
function howMany(n: number, what: string): string {
  return `${n} ${n === 1 ? 'instance' : 'instances'}${what}`;
}

/** Why instances are not yet where the action needs them, most pressing cause first. */
function waitingFor(
  app: DeployableApp,
  instances: readonly InstanceView[],
  toLaunch: number,
  extra: readonly string[],
  blockers: LaunchBlockers | undefined,
  now: number,
): string {
  const reasons: string[] = [];
  const unplaced = toLaunch + instances.filter((i) => i.state === 'scheduled').length;
  if (unplaced > 0) {
    const unmatched = blockers?.unmatchedOffers ?? [];
    const delayedUntil = blockers?.delayedUntil;
    if (unmatched.length > 0) {
      reasons.push(`no offers match: ${unmatched.join(', ')}`);
    } else if (delayedUntil !== undefined && delayedUntil > now) {
      reasons.push(
        `launch delayed after repeated failures until ${new Date(delayedUntil).toISOString()}`,
      );
    } else {
      reasons.push(`waiting for ${howMany(unplaced, ' to be placed')}`);
    }
  }
  const starting = instances.filter((i) => i.state === 'staging' || i.state === 'starting').length;
  if (starting > 0) {
    reasons.push(`waiting for ${howMany(starting, ' to start')}`);
  }
  const unhealthy = instances.filter(
    (i) => i.state === 'running' && !isConsideredHealthy(app, i),
  ).length;
  if (unhealthy > 0) {
    reasons.push(`waiting for ${howMany(unhealthy, ' to become healthy')}`);
  }
  const unreachable = instances.filter((i) => i.state === 'unreachable').length;
  if (unreachable > 0) {
    reasons.push(`waiting for ${howMany(unreachable, ' to become reachable')}`);
  }
  reasons.push(...extra);
  return reasons.length > 0 ? reasons.join('; ') : 'waiting for the next status update';
}

function actionProgress(
  action: DeploymentAction,
  instances: readonly InstanceView[],
  now: number,
  blockers: LaunchBlockers | undefined,
): Omit<ActionProgress, 'waitingFor'> & { readonly reason: string } {
  const base = { action: action.action, app: action.app.id };
  const { app } = action;
  switch (action.action) {
    case 'StartApplication':
      return { ...base, done: 0, target: 0, finished: true, reason: '' };
    case 'ScaleApplication': {
      const d = nextScaleActions(app, action.scaleTo, instances, now, action.sentencedToDeath);
      const live = instances.filter((i) => !isTerminal(i) && i.state !== 'killing');
      const stopping = d.killing + d.kill.length;
      const extra = stopping > 0 ? [`waiting for ${howMany(stopping, ' to stop')}`] : [];
      return {
        ...base,
        done: Math.min(d.healthy, action.scaleTo),
        target: action.scaleTo,
        finished: d.done,
        reason: waitingFor(app, live, d.launch, extra, blockers, now),
      };
    }
    case 'RestartApplication': {
      const d = nextRestartActions(app, instances, now);
      const fresh = instances.filter(
        (i) => runsCurrentConfig(app, i) && !isTerminal(i) && i.state !== 'killing',
      );
      const extra =
        d.oldRemaining > 0
          ? [`waiting for ${howMany(d.oldRemaining, ' of the old version to stop')}`]
          : [];
      return {
        ...base,
        done: Math.min(d.newHealthy, app.instances),
        target: app.instances,
        finished: d.done,
        reason: waitingFor(app, fresh, d.launch, extra, blockers, now),
      };
    }
    case 'StopApplication': {
      const d = nextStopActions(app, instances, now);
      return {
        ...base,
        done: instances.length - d.remaining,
        target: instances.length,
        finished: d.done,
        reason: `waiting for ${howMany(d.remaining, ' to stop')}`,
      };
    }
  }
}

/**
 * A deployment's progress for the UI and the CLI: per step and per action, how many
 * instances are in place out of how many, and for the current step why each unfinished
 * action is not finished. Steps before the current one are done; the numbers of later
 * steps are read from the instances as they are now.
 */
export function deploymentProgress(input: ProgressInput): DeploymentProgress {
  const { plan, currentStep, now } = input;
  const reasons: string[] = [];
  let done = 0;
  let target = 0;
  const steps = plan.steps.map((step, index): StepProgress => {
    const number = index + 1;
    const status: StepStatus =
      number < currentStep ? 'done' : number === currentStep ? 'running' : 'pending';
    const actions = step.actions.map((action): ActionProgress => {
      const instances = input.instances.get(action.app.id) ?? [];
      const { reason, ...progress } = actionProgress(
        action,
        instances,
        now,
        input.blockers?.get(action.app.id),
      );
      if (status === 'done') {
        return { ...progress, done: progress.target, finished: true };
      }
      if (status === 'running' && !progress.finished) {
        reasons.push(`${action.app.id}: ${reason}`);
        return { ...progress, waitingFor: reason };
      }
      return progress;
    });
    for (const action of actions) {
      done += action.done;
      target += action.target;
    }
    return { step: number, status, actions };
  });
  return {
    id: plan.id,
    currentStep,
    totalSteps: plan.steps.length,
    steps,
    done,
    target,
    reasons,
  };
}
