import { bucketInstances, reconcileApp } from '@mesolite/plugin-marathon/deployment/reconcile';
import { describe, expect, it } from 'vitest';
import { app, ids, instance, NOW, T1 } from './fixtures.js';

const checked = app('/app', { instances: 3, hasHealthChecks: true });

describe('instance buckets', () => {
  it('puts a running, healthy instance in healthy', () => {
    const buckets = bucketInstances(checked, [instance('a', { healthy: true })], NOW);
    expect(ids(buckets.healthy)).toEqual(['a']);
  });

  it('puts a running instance that fails its health checks in unhealthy', () => {
    const buckets = bucketInstances(checked, [instance('a', { healthy: false })], NOW);
    expect(ids(buckets.unhealthy)).toEqual(['a']);
  });

  it('puts a running instance with no health verdict yet in unhealthy', () => {
    const buckets = bucketInstances(checked, [instance('a')], NOW);
    expect(ids(buckets.unhealthy)).toEqual(['a']);
  });

  it('counts any running instance as healthy for an app without health checks', () => {
    const buckets = bucketInstances(app('/app'), [instance('a')], NOW);
    expect(ids(buckets.healthy)).toEqual(['a']);
  });

  it('puts queued, staging and starting instances in starting', () => {
    const buckets = bucketInstances(
      checked,
      [
        instance('q', { state: 'scheduled' }),
        instance('s', { state: 'staging' }),
        instance('t', { state: 'starting' }),
      ],
      NOW,
    );
    expect(ids(buckets.starting)).toEqual(['q', 's', 't']);
  });

  it('puts ended instances in terminal', () => {
    const buckets = bucketInstances(
      checked,
      [instance('f', { state: 'failed' }), instance('k', { state: 'killed' })],
      NOW,
    );
    expect(ids(buckets.terminal)).toEqual(['f', 'k']);
  });

  it('puts an instance whose kill was sent in killing', () => {
    const buckets = bucketInstances(checked, [instance('a', { state: 'killing' })], NOW);
    expect(ids(buckets.killing)).toEqual(['a']);
  });

  it('puts a live instance of an old config in wrongVersion', () => {
    const current = { ...checked, version: T1, lastConfigChangeAt: T1 };
    const buckets = bucketInstances(current, [instance('a', { healthy: true })], NOW);
    expect(ids(buckets.wrongVersion)).toEqual(['a']);
  });

  it('keeps an instance launched before a scale-only change in its bucket', () => {
    const scaledOnly = { ...checked, version: T1 };
    const buckets = bucketInstances(scaledOnly, [instance('a', { healthy: true })], NOW);
    expect(ids(buckets.healthy)).toEqual(['a']);
  });

  it('counts an unreachable instance as lost at once under the default strategy', () => {
    const buckets = bucketInstances(checked, [instance('a', { state: 'unreachable' })], NOW);
    expect(ids(buckets.lost)).toEqual(['a']);
  });

  it('keeps an unreachable instance as unreachable within inactiveAfterSeconds', () => {
    const patient = {
      ...checked,
      unreachableStrategy: { inactiveAfterSeconds: 300, expungeAfterSeconds: 600 },
    };
    const a = instance('a', { state: 'unreachable', unreachableSince: NOW - 299_000 });
    expect(ids(bucketInstances(patient, [a], NOW).unreachable)).toEqual(['a']);
  });

  it('moves an unreachable instance to lost once inactiveAfterSeconds have passed', () => {
    const patient = {
      ...checked,
      unreachableStrategy: { inactiveAfterSeconds: 300, expungeAfterSeconds: 600 },
    };
    const a = instance('a', { state: 'unreachable', unreachableSince: NOW - 300_000 });
    expect(ids(bucketInstances(patient, [a], NOW).lost)).toEqual(['a']);
  });

  it('never loses an unreachable instance when the strategy is disabled', () => {
    const forever = { ...checked, unreachableStrategy: 'disabled' as const };
    const a = instance('a', { state: 'unreachable', unreachableSince: 0 });
    expect(ids(bucketInstances(forever, [a], NOW).unreachable)).toEqual(['a']);
  });
});

describe('keep-alive decisions', () => {
  it('launches the instances an app is missing', () => {
    expect(reconcileApp(checked, [instance('a', { healthy: true })], NOW).launch).toBe(2);
  });

  it('replaces an instance that ended', () => {
    const decision = reconcileApp(
      checked,
      [
        instance('a', { healthy: true }),
        instance('b', { healthy: true }),
        instance('c', { state: 'failed' }),
      ],
      NOW,
    );
    expect(decision.launch).toBe(1);
  });

  it('replaces an instance that is being killed', () => {
    const decision = reconcileApp(
      checked,
      [
        instance('a', { healthy: true }),
        instance('b', { healthy: true }),
        instance('c', { state: 'killing' }),
      ],
      NOW,
    );
    expect(decision.launch).toBe(1);
  });

  it('counts starting and unhealthy instances, launching nothing more', () => {
    const decision = reconcileApp(
      checked,
      [
        instance('a', { healthy: true }),
        instance('b', { healthy: false }),
        instance('c', { state: 'staging' }),
      ],
      NOW,
    );
    expect(decision).toMatchObject({ launch: 0, kill: [] });
  });

  it('replaces a lost instance', () => {
    const decision = reconcileApp(
      checked,
      [
        instance('a', { healthy: true }),
        instance('b', { healthy: true }),
        instance('c', { state: 'unreachable' }),
      ],
      NOW,
    );
    expect(decision.launch).toBe(1);
  });

  it('expunges a lost instance past expungeAfterSeconds', () => {
    const patient = {
      ...checked,
      unreachableStrategy: { inactiveAfterSeconds: 60, expungeAfterSeconds: 120 },
    };
    const overdue = instance('c', { state: 'unreachable', unreachableSince: NOW - 120_000 });
    expect(ids(reconcileApp(patient, [overdue], NOW).expunge)).toEqual(['c']);
  });

  it('keeps a lost instance that is not yet due for expunging', () => {
    const patient = {
      ...checked,
      unreachableStrategy: { inactiveAfterSeconds: 60, expungeAfterSeconds: 120 },
    };
    const lost = instance('c', { state: 'unreachable', unreachableSince: NOW - 90_000 });
    expect(reconcileApp(patient, [lost], NOW).expunge).toEqual([]);
  });

  it('counts instances of an old config and leaves them running', () => {
    const current = { ...checked, version: T1, lastConfigChangeAt: T1 };
    const old = ['a', 'b', 'c'].map((id) => instance(id, { healthy: true }));
    expect(reconcileApp(current, old, NOW)).toMatchObject({ launch: 0, kill: [] });
  });

  it('kills surplus instances, never keeping more than the app’s instances', () => {
    const decision = reconcileApp(
      checked,
      ['a', 'b', 'c', 'd', 'e'].map((id) => instance(id, { healthy: true })),
      NOW,
    );
    expect(decision.kill).toHaveLength(2);
  });

  it('kills unhealthy surplus instances first', () => {
    const decision = reconcileApp(
      checked,
      [
        instance('a', { healthy: true, startedAt: NOW - 1 }),
        instance('b', { healthy: true }),
        instance('c', { healthy: true }),
        instance('sick', { healthy: false, startedAt: NOW - 999_999 }),
      ],
      NOW,
    );
    expect(ids(decision.kill)).toEqual(['sick']);
  });

  it('kills surplus instances in the app’s killSelection order', () => {
    const oldestFirst = { ...checked, instances: 1, killSelection: 'OLDEST_FIRST' as const };
    const decision = reconcileApp(
      oldestFirst,
      [
        instance('middle', { startedAt: NOW - 2_000, healthy: true }),
        instance('oldest', { startedAt: NOW - 3_000, healthy: true }),
        instance('newest', { startedAt: NOW - 1_000, healthy: true }),
      ],
      NOW,
    );
    expect(ids(decision.kill)).toEqual(['oldest', 'middle']);
  });

  it('tolerates the over-capacity a running deployment allows', () => {
    const decision = reconcileApp(
      checked,
      ['a', 'b', 'c', 'd'].map((id) => instance(id, { healthy: true })),
      NOW,
      { allowedOverCapacity: 1 },
    );
    expect(decision.kill).toEqual([]);
  });

  it('kills beyond the over-capacity a running deployment allows', () => {
    const decision = reconcileApp(
      checked,
      ['a', 'b', 'c', 'd', 'e'].map((id) => instance(id, { healthy: true })),
      NOW,
      { allowedOverCapacity: 1 },
    );
    expect(decision.kill).toHaveLength(1);
  });
});
