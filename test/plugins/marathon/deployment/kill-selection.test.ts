import { killOrder } from '@mesolite/plugin-marathon/deployment/kill-selection';
import { describe, expect, it } from 'vitest';
import { app, ids, instance, NOW, T1 } from './fixtures.js';

const youngest = app('/app', { killSelection: 'YOUNGEST_FIRST' });
const oldest = app('/app', { killSelection: 'OLDEST_FIRST' });

describe('kill order', () => {
  const early = instance('early', { startedAt: NOW - 3_000 });
  const late = instance('late', { startedAt: NOW - 1_000 });

  it('kills the most recently started first with YOUNGEST_FIRST', () => {
    expect(ids(killOrder(youngest, [early, late]))).toEqual(['late', 'early']);
  });

  it('kills the longest running first with OLDEST_FIRST', () => {
    expect(ids(killOrder(oldest, [late, early]))).toEqual(['early', 'late']);
  });

  it("follows Marathon's condition order: unreachable, staging, starting, running", () => {
    const order = killOrder(youngest, [
      instance('running'),
      instance('starting', { state: 'starting' }),
      instance('staging', { state: 'staging' }),
      instance('unreachable', { state: 'unreachable' }),
    ]);
    expect(ids(order)).toEqual(['unreachable', 'staging', 'starting', 'running']);
  });

  it('kills an instance still waiting for an offer before any other', () => {
    const order = killOrder(youngest, [
      instance('unreachable', { state: 'unreachable' }),
      instance('scheduled', { state: 'scheduled' }),
    ]);
    expect(ids(order)).toEqual(['scheduled', 'unreachable']);
  });

  it('kills unhealthy instances before healthy ones, whatever their age', () => {
    const checked = app('/app', { hasHealthChecks: true, killSelection: 'YOUNGEST_FIRST' });
    const order = killOrder(checked, [
      instance('young-healthy', { healthy: true, startedAt: NOW - 1_000 }),
      instance('old-unhealthy', { healthy: false, startedAt: NOW - 9_000 }),
    ]);
    expect(ids(order)).toEqual(['old-unhealthy', 'young-healthy']);
  });

  it('counts an instance without a health verdict yet as unhealthy', () => {
    const checked = app('/app', { hasHealthChecks: true });
    const order = killOrder(checked, [instance('healthy', { healthy: true }), instance('unknown')]);
    expect(ids(order)).toEqual(['unknown', 'healthy']);
  });

  it('kills instances of an old config before those of the current one', () => {
    const current = app('/app', { version: T1, lastConfigChangeAt: T1 });
    const order = killOrder(current, [
      instance('new', { configVersion: T1, startedAt: NOW - 9_000 }),
      instance('old', { startedAt: NOW - 1_000 }),
    ]);
    expect(ids(order)).toEqual(['old', 'new']);
  });

  it('compares staging instances by when they staged', () => {
    const order = killOrder(youngest, [
      instance('staged-early', { state: 'staging', stagedAt: NOW - 5_000 }),
      instance('staged-late', { state: 'staging', stagedAt: NOW - 1_000 }),
    ]);
    expect(ids(order)).toEqual(['staged-late', 'staged-early']);
  });

  it('kills an instance without a start time first, as Marathon does', () => {
    const { startedAt: _, ...unknownStart } = instance('no-time');
    const order = killOrder(oldest, [early, unknownStart]);
    expect(ids(order)).toEqual(['no-time', 'early']);
  });

  it('does not reorder the list it is given', () => {
    const given = [early, late];
    killOrder(youngest, given);
    expect(ids(given)).toEqual(['early', 'late']);
  });
});
