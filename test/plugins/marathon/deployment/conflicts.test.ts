import {
  admitDeployment,
  conflictingDeployments,
} from '@mesolite/plugin-marathon/deployment/conflicts';
import { DeploymentConflictError } from '@mesolite/plugin-marathon/deployment/errors';
import { computeDeploymentPlan } from '@mesolite/plugin-marathon/deployment/plan';
import { describe, expect, it } from 'vitest';
import { app, planOptions, reconfigured, scaled, state } from './fixtures.js';

const options = planOptions();
const web = app('/web');
const db = app('/db');
const restartWeb = computeDeploymentPlan(state(web, db), state(reconfigured(web), db), options);
const scaleDb = computeDeploymentPlan(state(web, db), state(web, scaled(db, 3)), options);
const scaleWeb = computeDeploymentPlan(state(web, db), state(scaled(web, 3), db), options);

function conflictOf(run: () => unknown): DeploymentConflictError {
  try {
    run();
  } catch (error) {
    if (error instanceof DeploymentConflictError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a DeploymentConflictError');
}

describe('deployment conflicts', () => {
  it('finds a running deployment that touches the same app', () => {
    expect(conflictingDeployments(scaleWeb, [restartWeb, scaleDb])).toEqual([restartWeb]);
  });

  it('lets deployments of different apps run side by side', () => {
    expect(admitDeployment(scaleDb, [restartWeb], { force: false }).cancel).toEqual([]);
  });

  it('refuses a conflicting deployment with 409', () => {
    const error = conflictOf(() => admitDeployment(scaleWeb, [restartWeb], { force: false }));
    expect(error.statusCode).toBe(409);
  });

  it("answers with Marathon's message and the deployments in the way", () => {
    const error = conflictOf(() => admitDeployment(scaleWeb, [restartWeb], { force: false }));
    expect(error.toBody()).toEqual({
      message:
        "App is locked by one or more deployments. Override with the option '?force=true'. " +
        "View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
      deployments: [{ id: restartWeb.id }],
    });
  });

  it('with force, cancels the conflicting deployments instead', () => {
    expect(admitDeployment(scaleWeb, [restartWeb, scaleDb], { force: true }).cancel).toEqual([
      restartWeb,
    ]);
  });

  it('does not count a plan as conflicting with itself', () => {
    expect(conflictingDeployments(scaleWeb, [scaleWeb])).toEqual([]);
  });
});
