import { ensureJoinToken } from '@mesolite/daemon/auth/join-token-file';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuthTestServer, basic, startAuthTestServer } from './auth-test-server.js';

describe("the user API (DC/OS's /acs/api/v1/users)", () => {
  let server: AuthTestServer;
  const admin = { authorization: basic('alice', 'alice-password') };
  const viewer = { authorization: basic('victor', 'victor-password') };

  beforeEach(async () => {
    server = await startAuthTestServer();
    await server.users.add({ uid: 'alice', password: 'alice-password', role: 'admin' });
    await server.users.add({ uid: 'victor', password: 'victor-password', role: 'viewer' });
  });
  afterEach(async () => {
    await server.close();
  });

  it("lists users with DC/OS's fields only", async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/acs/api/v1/users',
      headers: viewer,
    });
    expect(response.statusCode).toBe(200);
    const { array } = response.json() as { array: Record<string, unknown>[] };
    expect(array[0]).toEqual({
      uid: 'alice',
      url: '/acs/api/v1/users/alice',
      description: '',
      is_remote: false,
      is_service: false,
      provider_type: 'internal',
      provider_id: '',
    });
  });

  it('creates a user with PUT (201), whose role defaults to viewer', async () => {
    const created = await server.app.inject({
      method: 'PUT',
      url: '/acs/api/v1/users/bob',
      headers: admin,
      payload: { password: 'bob-password', description: 'Bob' },
    });
    expect(created.statusCode).toBe(201);
    expect((await server.users.get('bob'))?.role).toBe('viewer');
  });

  it('answers 409 for a user that exists, and changes nothing', async () => {
    const response = await server.app.inject({
      method: 'PUT',
      url: '/acs/api/v1/users/victor',
      headers: admin,
      payload: { password: 'new-password', role: 'admin' },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'ERR_USER_EXISTS' });
    expect((await server.users.get('victor'))?.role).toBe('viewer');
  });

  it('answers 400 to a bad body or a short password, and creates nobody', async () => {
    for (const payload of [
      { pass: 'x' },
      { password: 'short' },
      { password: 'long-enough', role: 'root' },
    ]) {
      const response = await server.app.inject({
        method: 'PUT',
        url: '/acs/api/v1/users/carol',
        headers: admin,
        payload,
      });
      expect(response.statusCode).toBe(400);
    }
    expect(await server.users.get('carol')).toBeUndefined();
  });

  it('removes a user with DELETE (204)', async () => {
    const response = await server.app.inject({
      method: 'DELETE',
      url: '/acs/api/v1/users/victor',
      headers: admin,
    });
    expect(response.statusCode).toBe(204);
    const gone = await server.app.inject({
      method: 'GET',
      url: '/acs/api/v1/users/victor',
      headers: admin,
    });
    expect(gone.statusCode).toBe(400);
    expect(gone.json()).toMatchObject({ code: 'ERR_UNKNOWN_USER_ID' });
  });

  it('lets only admins change users', async () => {
    const response = await server.app.inject({
      method: 'PUT',
      url: '/acs/api/v1/users/mallory',
      headers: viewer,
      payload: { password: 'mallory-password', role: 'admin' },
    });
    expect(response.statusCode).toBe(403);
    expect(await server.users.get('mallory')).toBeUndefined();
  });

  it('shows and rotates the join token for admins', async () => {
    await ensureJoinToken(server.workDir, 'ab'.repeat(32));
    const shown = await server.app.inject({
      method: 'GET',
      url: '/mesolite/v1/join-token',
      headers: admin,
    });
    const rotated = await server.app.inject({
      method: 'POST',
      url: '/mesolite/v1/join-token/rotate',
      headers: admin,
    });
    expect(shown.statusCode).toBe(200);
    expect(rotated.statusCode).toBe(200);
    expect((rotated.json() as { token: string }).token).not.toBe(
      (shown.json() as { token: string }).token,
    );
  });
});
