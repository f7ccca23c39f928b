import { decideAccess } from '@mesolite/daemon/auth/access-policy';
import { describe, expect, it } from 'vitest';

const viewer = { kind: 'user', uid: 'vera', role: 'viewer', provider: 'local' } as const;
const ENDPOINTS = ['browse', 'read', 'download', 'debug'];

describe("access to agents' files through the master", () => {
  it.each(ENDPOINTS)('lets a viewer GET /agent/<id>/files/%s, as any read', (endpoint) => {
    for (const prefix of ['', '/mesos']) {
      const request = { method: 'GET', path: `${prefix}/agent/a1/files/${endpoint}` };
      expect(decideAccess(request, viewer)).toEqual({ verdict: 'allow' });
    }
  });

  it('asks for credentials when there are none', () => {
    const request = { method: 'GET', path: '/agent/a1/files/read' };
    expect(decideAccess(request, undefined)).toEqual({ verdict: 'unauthenticated' });
  });
});
