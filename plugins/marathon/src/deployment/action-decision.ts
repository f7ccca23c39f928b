import type { InstanceView } from './model.js';
import type { DeploymentAction, DeploymentStep } from './plan.js';
import { nextRestartActions } from './restart.js';
import { nextScaleActions, nextStopActions } from './scale.js';

/** What to do now for one action of the current step, whatever its kind. */
export interface ActionDecision<I extends InstanceView = InstanceView> {
  readonly launch: number;
  readonly kill: readonly I[];
  readonly done: boolean;
}

/**
 * The next decision for one action, given the instances of its app. The loop that runs
 * a deployment asks this after every change, carries the decision out, and moves to the
 * next step once every action of the current one is done.
 */
export function decideAction<I extends InstanceView>(
  action: DeploymentAction,
  instances: readonly I[],
  now: number,
): ActionDecision<I> {
  switch (action.action) {
    case 'StartApplication':
      // Marathon's StartApplication launches nothing; the ScaleApplication after it does.
      return { launch: 0, kill: [], done: true };
    case 'ScaleApplication': {
      const { launch, kill, done } = nextScaleActions(
        action.app,
        action.scaleTo,
        instances,
        now,
        action.sentencedToDeath,
      );
      return { launch, kill, done };
    }
    case 'RestartApplication': {
      const { launch, kill, done } = nextRestartActions(action.app, instances, now);
      return { launch, kill, done };
    }
    case 'StopApplication': {
      const { kill, done } = nextStopActions(action.app, instances, now);
      return { launch: 0, kill, done };
    }
  }
}

/** True once every action of the step is done. */
export function isStepDone(
  step: DeploymentStep,
  instancesByApp: ReadonlyMap<string, readonly InstanceView[]>,
  now: number,
): boolean {
  return step.actions.every(
    (action) => decideAction(action, instancesByApp.get(action.app.id) ?? [], now).done,
  );
}
