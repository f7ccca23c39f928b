import {
  deploymentInfoJson,
  deploymentResultJson,
} from '@mesolite/plugin-marathon/deployment/deployment-info';
import { computeDeploymentPlan } from '@mesolite/plugin-marathon/deployment/plan';
import { describe, expect, it } from 'vitest';
import { app, NOW, planOptions, state } from './fixtures.js';

const plan = computeDeploymentPlan(state(), state(app('/tools/oauth-server')), planOptions());
const version = new Date(NOW).toISOString();

describe('/v2/deployments JSON', () => {
  it('shows a running deployment exactly as Marathon does', () => {
    expect(deploymentInfoJson(plan, 2)).toEqual({
      id: plan.id,
      version,
      affectedApps: ['/tools/oauth-server'],
      affectedPods: [],
      steps: [
        { actions: [{ action: 'StartApplication', app: '/tools/oauth-server' }] },
        { actions: [{ action: 'ScaleApplication', app: '/tools/oauth-server' }] },
      ],
      currentActions: [
        { action: 'ScaleApplication', app: '/tools/oauth-server', readinessCheckResults: [] },
      ],
      currentStep: 2,
      totalSteps: 2,
    });
  });

  it('shows no current actions before the first step has begun', () => {
    expect(deploymentInfoJson(plan, 0).currentActions).toEqual([]);
  });

  it('lists the readiness results of the current actions’ apps', () => {
    const result = { name: 'ready', taskId: 'tools_oauth-server.1', ready: false };
    const info = deploymentInfoJson(plan, 1, new Map([['/tools/oauth-server', [result]]]));
    expect(info.currentActions[0]?.readinessCheckResults).toEqual([result]);
  });

  it('leaves scaleTo and the app definitions out of the steps', () => {
    expect(JSON.stringify(deploymentInfoJson(plan, 1).steps)).not.toMatch(/scaleTo|instances/);
  });

  it('answers a started deployment with its id and version', () => {
    expect(deploymentResultJson(plan)).toEqual({ deploymentId: plan.id, version });
  });
});
