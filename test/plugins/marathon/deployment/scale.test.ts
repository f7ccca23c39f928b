import { nextScaleActions, nextStopActions } from '@mesolite/plugin-marathon/deployment/scale';
import { describe, expect, it } from 'vitest';
import { app, ids, instance, NOW, T1 } from './fixtures.js';

const web = app('/app', { hasHealthChecks: true });
const healthy = (id: string, startedAt = NOW - 10_000) =>
  instance(id, { healthy: true, startedAt });

describe('scale decisions', () => {
  it('launches up to the target', () => {
    expect(nextScaleActions(web, 3, [healthy('a')], NOW)).toMatchObject({ launch: 2, kill: [] });
  });

  it('counts queued and starting instances as launched', () => {
    const instances = [healthy('a'), instance('b', { state: 'scheduled' })];
    expect(nextScaleActions(web, 2, instances, NOW).launch).toBe(0);
  });

  it('kills the surplus when scaling down', () => {
    const instances = [healthy('a'), healthy('b'), healthy('c')];
    expect(nextScaleActions(web, 1, instances, NOW).kill).toHaveLength(2);
  });

  it('kills the surplus in the app’s killSelection order', () => {
    const instances = [healthy('old', NOW - 9_000), healthy('young', NOW - 1_000)];
    expect(ids(nextScaleActions(web, 1, instances, NOW).kill)).toEqual(['young']);
  });

  it('kills unhealthy instances before healthy ones when scaling down', () => {
    const instances = [healthy('young', NOW - 1_000), instance('sick', { healthy: false })];
    expect(ids(nextScaleActions(web, 1, instances, NOW).kill)).toEqual(['sick']);
  });

  it('kills the instances sentenced to death first', () => {
    const instances = [healthy('a', NOW - 1_000), healthy('b', NOW - 9_000)];
    expect(ids(nextScaleActions(web, 1, instances, NOW, ['b']).kill)).toEqual(['b']);
  });

  it('replaces a sentenced instance that was not surplus', () => {
    const instances = [healthy('a'), healthy('b')];
    expect(nextScaleActions(web, 2, instances, NOW, ['b'])).toMatchObject({
      launch: 1,
      kill: [expect.objectContaining({ instanceId: 'b' })],
    });
  });

  it('does not kill an instance again once its kill was sent', () => {
    const instances = [healthy('a'), instance('b', { state: 'killing' })];
    expect(nextScaleActions(web, 1, instances, NOW).kill).toEqual([]);
  });

  it('replaces a lost instance', () => {
    const instances = [healthy('a'), instance('b', { state: 'unreachable' })];
    expect(nextScaleActions(web, 2, instances, NOW).launch).toBe(1);
  });

  it('counts instances of an old config, as Marathon does when scaling', () => {
    const current = { ...web, version: T1, lastConfigChangeAt: T1 };
    expect(nextScaleActions(current, 1, [healthy('a')], NOW).done).toBe(true);
  });

  it('is done when the target number of instances is healthy', () => {
    expect(nextScaleActions(web, 2, [healthy('a'), healthy('b')], NOW).done).toBe(true);
  });

  it('is not done while a new instance is not yet healthy', () => {
    expect(nextScaleActions(web, 2, [healthy('a'), instance('b')], NOW).done).toBe(false);
  });

  it('is not done while a killed instance has not yet ended', () => {
    const instances = [healthy('a'), instance('b', { state: 'killing' })];
    expect(nextScaleActions(web, 1, instances, NOW).done).toBe(false);
  });

  it('is done with zero instances once all have ended', () => {
    expect(nextScaleActions(web, 0, [instance('a', { state: 'killed' })], NOW).done).toBe(true);
  });
});

describe('stop decisions', () => {
  it('kills every instance', () => {
    const instances = [healthy('a'), instance('b', { state: 'staging' })];
    expect(ids(nextStopActions(web, instances, NOW).kill)).toEqual(['a', 'b']);
  });

  it('does not kill an instance again once its kill was sent', () => {
    expect(nextStopActions(web, [instance('a', { state: 'killing' })], NOW).kill).toEqual([]);
  });

  it('is not done while an instance is being killed', () => {
    expect(nextStopActions(web, [instance('a', { state: 'killing' })], NOW).done).toBe(false);
  });

  it('is done once every instance has ended', () => {
    const instances = [instance('a', { state: 'killed' }), instance('b', { state: 'failed' })];
    expect(nextStopActions(web, instances, NOW).done).toBe(true);
  });

  it('does not wait for a lost instance, which is left to be expunged', () => {
    expect(nextStopActions(web, [instance('a', { state: 'unreachable' })], NOW).done).toBe(true);
  });
});
