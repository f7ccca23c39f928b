import { decideAction, isStepDone } from '@mesolite/plugin-marathon/deployment/action-decision';
import { computeDeploymentPlan } from '@mesolite/plugin-marathon/deployment/plan';
import { describe, expect, it } from 'vitest';
import { app, instance, NOW, planOptions, reconfigured, state, T1 } from './fixtures.js';

const web = app('/app', { instances: 2 });
const created = computeDeploymentPlan(state(), state(web), planOptions());
const restarted = computeDeploymentPlan(state(web), state(reconfigured(web)), planOptions());

function firstAction(plan: typeof created, step: number) {
  const action = plan.steps[step]?.actions[0];
  if (action === undefined) {
    throw new Error(`the plan has no action in step ${step + 1}`);
  }
  return action;
}

describe('deciding an action of the current step', () => {
  it('finishes StartApplication at once, launching nothing', () => {
    expect(decideAction(firstAction(created, 0), [], NOW)).toEqual({
      launch: 0,
      kill: [],
      done: true,
    });
  });

  it('launches the instances of ScaleApplication', () => {
    expect(decideAction(firstAction(created, 1), [], NOW).launch).toBe(2);
  });

  it('runs RestartApplication as a rolling restart', () => {
    const decision = decideAction(firstAction(restarted, 0), [instance('a'), instance('b')], NOW);
    expect(decision).toMatchObject({ launch: 2, done: false });
  });

  it('counts a step done once all its actions are', () => {
    const running = [instance('a', { configVersion: T1 }), instance('b', { configVersion: T1 })];
    const step = restarted.steps[0];
    if (step === undefined) {
      throw new Error('the plan has no step');
    }
    expect(isStepDone(step, new Map([['/app', running]]), NOW)).toBe(true);
  });

  it('does not count a step done while an action is not', () => {
    const step = created.steps[1];
    if (step === undefined) {
      throw new Error('the plan has no second step');
    }
    expect(isStepDone(step, new Map(), NOW)).toBe(false);
  });
});
