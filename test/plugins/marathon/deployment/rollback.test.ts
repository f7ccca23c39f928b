import { rootState } from '@mesolite/plugin-marathon/deployment/model';
import {
  computeDeploymentPlan,
  type DeploymentPlan,
} from '@mesolite/plugin-marathon/deployment/plan';
import { revertedState, rollbackPlan } from '@mesolite/plugin-marathon/deployment/rollback';
import { describe, expect, it } from 'vitest';
import { app, planOptions, reconfigured, scaled, state, T2 } from './fixtures.js';

function shape(plan: DeploymentPlan): string[][] {
  return plan.steps.map((step) => step.actions.map((a) => `${a.action} ${a.app.id}`));
}

describe('rolling back a deployment', () => {
  const web = app('/web', { instances: 2 });

  it('restarts an app back to its original config', () => {
    const target = state(reconfigured(web));
    const plan = computeDeploymentPlan(state(web), target, planOptions());
    const back = rollbackPlan(plan, target, planOptions());
    expect(shape(back)).toEqual([['RestartApplication /web']]);
    expect(back.target.apps.get('/web')).toBe(web);
  });

  it('scales an app back to its original instances', () => {
    const target = state(scaled(web, 5));
    const plan = computeDeploymentPlan(state(web), target, planOptions());
    const back = rollbackPlan(plan, target, planOptions());
    expect(back.steps[0]?.actions[0]).toMatchObject({ action: 'ScaleApplication', scaleTo: 2 });
  });

  it('stops an app the deployment created', () => {
    const target = state(web);
    const plan = computeDeploymentPlan(state(), target, planOptions());
    expect(shape(rollbackPlan(plan, target, planOptions()))).toEqual([['StopApplication /web']]);
  });

  it('brings back an app the deployment removed', () => {
    const plan = computeDeploymentPlan(state(web), state(), planOptions());
    expect(shape(rollbackPlan(plan, state(), planOptions()))).toEqual([
      ['StartApplication /web'],
      ['ScaleApplication /web'],
    ]);
  });

  it('keeps changes other deployments made meanwhile', () => {
    const db = app('/db');
    const plan = computeDeploymentPlan(state(web, db), state(scaled(web, 5), db), planOptions());
    // Meanwhile another deployment scaled /db.
    const current = state(scaled(web, 5), scaled(db, 3, T2));
    expect(revertedState(plan, current).apps.get('/db')?.instances).toBe(3);
  });

  it('takes back group dependencies the deployment added', () => {
    const apps = [app('/svc/a'), app('/data/db')];
    const target = rootState(apps, new Map([['/svc', ['/data']]]));
    const plan = computeDeploymentPlan(rootState(apps), target, planOptions());
    expect(revertedState(plan, target).groupDependencies).toBeUndefined();
  });

  it('puts back group dependencies the deployment removed', () => {
    const apps = [app('/svc/a'), app('/data/db')];
    const original = rootState(apps, new Map([['/svc', ['/data']]]));
    const plan = computeDeploymentPlan(original, rootState(apps), planOptions());
    expect(revertedState(plan, rootState(apps)).groupDependencies?.get('/svc')).toEqual(['/data']);
  });

  it('makes a new deployment, with its own id', () => {
    const target = state(scaled(web, 5));
    const options = planOptions();
    const plan = computeDeploymentPlan(state(web), target, options);
    expect(rollbackPlan(plan, target, options).id).not.toBe(plan.id);
  });
});
