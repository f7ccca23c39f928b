import { describe, expect, it } from 'vitest';
import { stepProgress } from '../../daemon/ui/src/deployment-progress.js';
import type { Deployment, MarathonApp } from '../../daemon/ui/src/marathon-types.js';

function app(fields: Partial<MarathonApp> & { id: string }): MarathonApp {
  return {
    instances: 4,
    tasksRunning: 0,
    tasksHealthy: 0,
    tasksStaged: 0,
    tasksUnhealthy: 0,
    deployments: [],
    ...fields,
  };
}

const deployment: Deployment = {
  id: 'd1',
  version: '2026-01-01T00:00:00.000Z',
  affectedApps: ['/web'],
  steps: [
    { actions: [{ action: 'StartApplication', app: '/web' }] },
    { actions: [{ action: 'ScaleApplication', app: '/web' }] },
    { actions: [{ action: 'StopApplication', app: '/old' }] },
  ],
  currentActions: [{ action: 'ScaleApplication', app: '/web' }],
  currentStep: 2,
  totalSteps: 3,
};

describe('the progress of each deployment step', () => {
  it('counts steps before the current one done and those after not begun', () => {
    const progress = stepProgress(deployment, [app({ id: '/web' }), app({ id: '/old' })]);
    expect(progress[0]).toBe(1);
    expect(progress[2]).toBe(0);
  });

  it('measures a scaling step by healthy instances when the app has health checks', () => {
    const web = app({ id: '/web', tasksRunning: 4, tasksHealthy: 1, healthChecks: [{}] });
    expect(stepProgress(deployment, [web])[1]).toBe(0.25);
  });

  it('measures it by running instances when the app has none', () => {
    const web = app({ id: '/web', tasksRunning: 3 });
    expect(stepProgress(deployment, [web])[1]).toBe(0.75);
  });

  it('counts a stop done once the app is gone', () => {
    const stopping = { ...deployment, currentStep: 3 };
    expect(stepProgress(stopping, [app({ id: '/web' })])[2]).toBe(1);
    expect(stepProgress(stopping, [app({ id: '/web' }), app({ id: '/old' })])[2]).toBe(0);
  });
});
