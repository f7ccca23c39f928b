/**
 * The two credentials the daemon issues to itself: service-account tokens of plugins
 * (`plugin:<name>`, short-lived and renewed) and tokens scoped to one request (an async
 * Chronos task's callback). Signed and checked for real, decided by the access policy.
 */
import { decideAccess } from '@mesolite/daemon/auth/access-policy';
import type { Identity } from '@mesolite/daemon/auth/identity';
import { scopeAllows } from '@mesolite/daemon/auth/request-scope';
import { ServiceTokens } from '@mesolite/daemon/auth/service-tokens';
import { TokenSigner } from '@mesolite/daemon/auth/token-signer';
import { MemoryStore } from '@mesolite/daemon/store/memory-store';
import { describe, expect, it } from 'vitest';

const CALLBACK = '/service/chronos/scheduler/task/ct%3A1700000000000%3A0%3Anightly%3A';

function clock() {
  let offset = 0;
  return {
    now: () => new Date(Date.UTC(2026, 0, 1) + offset),
    advance(seconds: number) {
      offset += seconds * 1000;
    },
  };
}

describe('scoped tokens', () => {
  it('name their one request, and expire with the lifetime they were given', async () => {
    const time = clock();
    const signer = await TokenSigner.open(new MemoryStore(), time.now);
    const { token, expiresAt } = await signer.signScoped(
      'plugin:chronos',
      { method: 'put', path: CALLBACK },
      3600,
    );
    expect(expiresAt.getTime() - time.now().getTime()).toBe(3600 * 1000);
    expect(await signer.verify(token)).toEqual({
      kind: 'scoped',
      principal: 'plugin:chronos',
      scope: { method: 'PUT', path: CALLBACK },
    });
    time.advance(3600);
    expect(await signer.verify(token)).toBeUndefined();
  });

  it('allow exactly their method and path, however the task id is escaped', () => {
    const identity: Identity = {
      kind: 'scoped',
      principal: 'plugin:chronos',
      scope: { method: 'PUT', path: CALLBACK },
    };
    const decide = (method: string, path: string) => decideAccess({ method, path }, identity);
    expect(decide('PUT', CALLBACK).verdict).toBe('allow');
    expect(
      decide('PUT', '/service/chronos/scheduler/task/ct:1700000000000:0:nightly:').verdict,
    ).toBe('allow');
    for (const [method, path] of [
      ['GET', CALLBACK],
      ['DELETE', CALLBACK],
      ['PUT', '/service/chronos/scheduler/task/ct%3A1700000000001%3A0%3Anightly%3A'],
      ['PUT', `${CALLBACK}/`],
      ['PUT', `${CALLBACK}/../ct%3A2%3A0%3Aother%3A`],
      ['PUT', '/service/chronos/v1/scheduler/task/ct%3A1700000000000%3A0%3Anightly%3A'],
      ['PUT', '/service/marathon/v2/apps/x'],
      ['GET', '/master/state'],
      ['POST', '/api/v1/scheduler'],
      ['GET', '/mesolite/v1/join-token'],
    ] as const) {
      const decision = decide(method, path);
      expect(decision.verdict, `${method} ${path}`).toBe('forbidden');
    }
  });

  it('never take an escaped slash for a separator', () => {
    const scope = { method: 'PUT', path: '/service/chronos/scheduler/task/a%2Fb' };
    expect(
      scopeAllows(scope, { method: 'PUT', path: '/service/chronos/scheduler/task/a%2Fb' }),
    ).toBe(true);
    expect(scopeAllows(scope, { method: 'PUT', path: '/service/chronos/scheduler/task/a/b' })).toBe(
      false,
    );
    expect(scopeAllows(scope, { method: 'PUT', path: '/service/chronos/scheduler/task/%E0' })).toBe(
      false,
    );
  });

  it('cannot pass for a user or a service account, nor they for one', async () => {
    const signer = await TokenSigner.open(new MemoryStore());
    const scoped = await signer.signScoped('plugin:chronos', { method: 'PUT', path: CALLBACK }, 60);
    expect((await signer.verify(scoped.token))?.kind).toBe('scoped');
    const service = await signer.signService('plugin:chronos', 'admin', 60);
    expect(await signer.verify(service.token)).toEqual({
      kind: 'service',
      principal: 'plugin:chronos',
      role: 'admin',
    });
    const user = await signer.sign({
      kind: 'user',
      uid: 'alice',
      role: 'viewer',
      provider: 'local',
    });
    expect((await signer.verify(user.token))?.kind).toBe('user');
    const other = await TokenSigner.open(new MemoryStore());
    expect(await other.verify(scoped.token)).toBeUndefined();
  });
});

describe('service accounts', () => {
  const plugin: Identity = { kind: 'service', principal: 'plugin:marathon', role: 'admin' };
  const decide = (method: string, path: string) => decideAccess({ method, path }, plugin);

  it('act with their role on the cluster and on other plugins', () => {
    expect(decide('GET', '/master/state').verdict).toBe('allow');
    expect(decide('POST', '/api/v1').verdict).toBe('allow');
    expect(decide('POST', '/service/marathon/v2/apps').verdict).toBe('allow');
    expect(decide('PUT', '/service/chronos/scheduler/iso8601').verdict).toBe('allow');
    expect(decide('GET', '/acs/api/v1/users').verdict).toBe('allow');
  });

  it('never touch accounts or secrets', () => {
    expect(decide('PUT', '/acs/api/v1/users/mallory').verdict).toBe('forbidden');
    expect(decide('DELETE', '/acs/api/v1/users/alice').verdict).toBe('forbidden');
    expect(decide('GET', '/mesolite/v1/join-token').verdict).toBe('forbidden');
    expect(decide('GET', '/acs/api/v1/ldap/config').verdict).toBe('forbidden');
  });

  it('get a short-lived token, reused until a third of its life is left, then a new one', async () => {
    const time = clock();
    const signer = await TokenSigner.open(new MemoryStore(), time.now);
    const tokens = new ServiceTokens(signer, { now: time.now, lifetimeSeconds: 900 });
    const first = await tokens.token('plugin:aurora', 'admin');
    expect(await signer.verify(first)).toEqual({
      kind: 'service',
      principal: 'plugin:aurora',
      role: 'admin',
    });
    time.advance(500);
    expect(await tokens.token('plugin:aurora', 'admin')).toBe(first);
    time.advance(200);
    const renewed = await tokens.token('plugin:aurora', 'admin');
    expect(renewed).not.toBe(first);
    time.advance(300);
    expect(await signer.verify(first)).toBeUndefined();
    expect((await signer.verify(renewed))?.kind).toBe('service');
  });
});
