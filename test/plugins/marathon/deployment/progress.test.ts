import type { InstanceView } from '@mesolite/plugin-marathon/deployment/model';
import { computeDeploymentPlan } from '@mesolite/plugin-marathon/deployment/plan';
import { deploymentProgress } from '@mesolite/plugin-marathon/deployment/progress';
import { describe, expect, it } from 'vitest';
import { app, instance, NOW, planOptions, reconfigured, state, T1 } from './fixtures.js';

const web = app('/app', { instances: 3, hasHealthChecks: true });
const created = computeDeploymentPlan(state(), state(web), planOptions());
const restarted = computeDeploymentPlan(state(web), state(reconfigured(web)), planOptions());

function progressOf(
  plan: typeof created,
  currentStep: number,
  instances: readonly InstanceView[],
  blockers?: Parameters<typeof deploymentProgress>[0]['blockers'],
) {
  return deploymentProgress({
    plan,
    currentStep,
    instances: new Map([['/app', instances]]),
    now: NOW,
    ...(blockers === undefined ? {} : { blockers }),
  });
}

describe('deployment progress', () => {
  it('counts healthy instances out of the target of a scale', () => {
    const progress = progressOf(created, 2, [instance('a', { healthy: true }), instance('b')]);
    expect(progress.steps[1]?.actions[0]).toMatchObject({ done: 1, target: 3, finished: false });
  });

  it('counts healthy new instances out of the target of a restart', () => {
    const progress = progressOf(restarted, 1, [
      instance('old', { healthy: true }),
      instance('new', { configVersion: T1, version: T1, healthy: true }),
    ]);
    expect(progress.steps[0]?.actions[0]).toMatchObject({ done: 1, target: 3 });
  });

  it('marks steps before the current one done', () => {
    expect(progressOf(created, 2, []).steps[0]?.status).toBe('done');
  });

  it('marks the current step running and later ones pending', () => {
    expect(progressOf(created, 1, []).steps.map((s) => s.status)).toEqual(['running', 'pending']);
  });

  it('shows a step before the current one as complete', () => {
    const plan = computeDeploymentPlan(
      state(),
      state(web, app('/front', { dependencies: ['/app'] })),
      planOptions(),
    );
    const progress = deploymentProgress({ plan, currentStep: 3, instances: new Map(), now: NOW });
    expect(progress.steps[1]?.actions[0]).toMatchObject({ done: 3, target: 3, finished: true });
  });

  it('adds every action up for one bar', () => {
    const progress = progressOf(created, 2, [instance('a', { healthy: true })]);
    expect([progress.done, progress.target]).toEqual([1, 3]);
  });

  it('says how many instances it waits on to become healthy', () => {
    const instances = [
      instance('a', { healthy: true }),
      instance('b', { healthy: false }),
      instance('c'),
    ];
    expect(progressOf(created, 2, instances).steps[1]?.actions[0]?.waitingFor).toBe(
      'waiting for 2 instances to become healthy',
    );
  });

  it('names the offer reasons when instances cannot be placed', () => {
    const progress = progressOf(
      created,
      2,
      [instance('a', { state: 'scheduled' })],
      new Map([['/app', { unmatchedOffers: ['InsufficientMemory'] }]]),
    );
    expect(progress.reasons).toEqual(['/app: no offers match: InsufficientMemory']);
  });

  it('says when launches are held back by backoff', () => {
    const progress = progressOf(
      created,
      2,
      [],
      new Map([['/app', { delayedUntil: NOW + 60_000 }]]),
    );
    expect(progress.reasons[0]).toBe(
      `/app: launch delayed after repeated failures until ${new Date(NOW + 60_000).toISOString()}`,
    );
  });

  it('says how many instances wait for an offer when nothing is known to block them', () => {
    expect(progressOf(created, 2, []).reasons).toEqual([
      '/app: waiting for 3 instances to be placed',
    ]);
  });

  it('says how many old instances a restart still waits on', () => {
    const instances = [
      instance('old', { state: 'killing' }),
      ...['a', 'b', 'c'].map((id) => instance(id, { configVersion: T1, healthy: true })),
    ];
    expect(progressOf(restarted, 1, instances).reasons).toEqual([
      '/app: waiting for 1 instance of the old version to stop',
    ]);
  });

  it('gives no reason for a finished action', () => {
    const instances = ['a', 'b', 'c'].map((id) => instance(id, { healthy: true }));
    expect(progressOf(created, 2, instances).reasons).toEqual([]);
  });

  it('counts stopped instances out of all the instances of a stopped app', () => {
    const stopped = computeDeploymentPlan(state(web), state(), planOptions());
    const progress = progressOf(stopped, 1, [
      instance('a', { state: 'killed' }),
      instance('b', { state: 'killing' }),
    ]);
    expect(progress.steps[0]?.actions[0]).toMatchObject({
      done: 1,
      target: 2,
      waitingFor: 'waiting for 1 instance to stop',
    });
  });
});
