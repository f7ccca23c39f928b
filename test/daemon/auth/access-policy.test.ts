import { decideAccess } from '@mesolite/daemon/auth/access-policy';
import type { Identity } from '@mesolite/daemon/auth/identity';
import { describe, expect, it } from 'vitest';

const viewer: Identity = { kind: 'user', uid: 'vera', role: 'viewer', provider: 'local' };

describe('what a viewer may POST', () => {
  it('allows the operator API only once the body names a read call', () => {
    expect(decideAccess({ method: 'POST', path: '/api/v1' }, viewer).verdict).toBe('forbidden');
    expect(
      decideAccess({ method: 'POST', path: '/api/v1', operatorRead: true }, viewer).verdict,
    ).toBe('allow');
    expect(
      decideAccess({ method: 'POST', path: '/master/api/v1', operatorRead: false }, viewer).verdict,
    ).toBe('forbidden');
  });

  it("allows Cosmos's read endpoints and refuses its changes", () => {
    for (const path of ['/package/search', '/package/describe', '/package/repository/list']) {
      expect(decideAccess({ method: 'POST', path }, viewer).verdict).toBe('allow');
    }
    for (const path of ['/package/install', '/package/repository/add']) {
      expect(decideAccess({ method: 'POST', path }, viewer).verdict).toBe('forbidden');
    }
  });

  it('does not take a read body as leave to POST elsewhere', () => {
    expect(
      decideAccess(
        { method: 'POST', path: '/mesolite/v1/plugins/x/disable', operatorRead: true },
        viewer,
      ).verdict,
    ).toBe('forbidden');
  });
});

describe('what anyone may read without a login', () => {
  it('finds the leader, as Mesos’s /master/redirect answers without authentication', () => {
    expect(decideAccess({ method: 'GET', path: '/master/redirect' }, undefined).verdict).toBe(
      'allow',
    );
    expect(decideAccess({ method: 'GET', path: '/mesolite/v1/masters' }, undefined).verdict).toBe(
      'allow',
    );
  });

  it('does not read the cluster’s state', () => {
    expect(decideAccess({ method: 'GET', path: '/master/state' }, undefined).verdict).toBe(
      'unauthenticated',
    );
  });
});
