import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuthTestServer, basic, startAuthTestServer } from './auth-test-server.js';

async function login(server: AuthTestServer, uid: string, password: string) {
  return server.app.inject({
    method: 'POST',
    url: '/acs/api/v1/auth/login',
    payload: { uid, password },
  });
}

async function tokenOf(server: AuthTestServer, uid: string, password: string): Promise<string> {
  const response = await login(server, uid, password);
  expect(response.statusCode).toBe(200);
  return (response.json() as { token: string }).token;
}

describe('logging in (POST /acs/api/v1/auth/login)', () => {
  let server: AuthTestServer;
  beforeEach(async () => {
    server = await startAuthTestServer();
    await server.users.add({ uid: 'alice', password: 'alice-password', role: 'admin' });
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers {"token"} and sets the dcos-acs-auth-cookie to the same token', async () => {
    const response = await login(server, 'alice', 'alice-password');
    expect(response.statusCode).toBe(200);
    const { token } = response.json() as { token: string };
    const cookie = response.cookies.find((entry) => entry.name === 'dcos-acs-auth-cookie');
    expect(cookie?.value).toBe(token);
    expect(cookie?.httpOnly).toBe(true);
    const info = response.cookies.find((entry) => entry.name === 'dcos-acs-info-cookie');
    expect(JSON.parse(Buffer.from(info?.value ?? '', 'base64').toString())).toMatchObject({
      uid: 'alice',
      is_remote: false,
    });
  });

  it("refuses a wrong password with 401, WWW-Authenticate and DC/OS's body", async () => {
    const response = await login(server, 'alice', 'wrong');
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('acsjwt');
    expect(response.json()).toMatchObject({
      code: 'ERR_INVALID_CREDENTIALS',
      title: expect.any(String),
    });
    expect(response.cookies).toEqual([]);
  });

  it('refuses a body without uid or password with 400', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/acs/api/v1/auth/login',
      payload: { user: 'alice' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'ERR_INVALID_DATA' });
  });

  it('clears both cookies on logout', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/acs/api/v1/auth/logout' });
    expect(response.statusCode).toBe(204);
    expect(response.cookies.map((cookie) => [cookie.name, cookie.value])).toEqual([
      ['dcos-acs-auth-cookie', ''],
      ['dcos-acs-info-cookie', ''],
    ]);
  });
});

describe('requests with auth on', () => {
  let server: AuthTestServer;
  beforeEach(async () => {
    server = await startAuthTestServer();
    await server.users.add({ uid: 'alice', password: 'alice-password', role: 'admin' });
    await server.users.add({ uid: 'victor', password: 'victor-password', role: 'viewer' });
  });
  afterEach(async () => {
    await server.close();
  });

  it("answers a request without credentials with 401, WWW-Authenticate and DC/OS's body", async () => {
    const response = await server.app.inject({ method: 'GET', url: '/master/state' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('acsjwt');
    expect(response.json()).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS' });
  });

  it('lets /health through without credentials, as Mesos does', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['Authorization: token=<t>', (token: string) => ({ authorization: `token=${token}` })],
    ['Authorization: Bearer <t>', (token: string) => ({ authorization: `Bearer ${token}` })],
    [
      'the dcos-acs-auth-cookie',
      (token: string) => ({ cookie: `other=1; dcos-acs-auth-cookie=${token}` }),
    ],
  ])('accepts the token from %s', async (_name, headers) => {
    const token = await tokenOf(server, 'alice', 'alice-password');
    const response = await server.app.inject({
      method: 'GET',
      url: '/master/state',
      headers: headers(token),
    });
    expect(response.statusCode).toBe(200);
  });

  it('accepts HTTP Basic with a user and password, as Mesos and Marathon clients send', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v2/apps',
      headers: { authorization: basic('alice', 'alice-password') },
      payload: {},
    });
    expect(response.statusCode).toBe(201);
  });

  it('answers a wrong Basic password with a Basic challenge', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/master/state',
      headers: { authorization: basic('alice', 'nope') },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Basic realm="mesolite"');
  });

  it('refuses an altered token and an expired one', async () => {
    const token = await tokenOf(server, 'alice', 'alice-password');
    const altered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}A`;
    const tampered = await server.app.inject({
      method: 'GET',
      url: '/master/state',
      headers: { authorization: `token=${altered}` },
    });
    expect(tampered.statusCode).toBe(401);
    server.advance(6 * 24 * 60 * 60 * 1000);
    const expired = await server.app.inject({
      method: 'GET',
      url: '/master/state',
      headers: { authorization: `token=${token}` },
    });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ description: expect.stringContaining('expired') });
  });

  it('lets a viewer read everything, including plugin APIs', async () => {
    const token = await tokenOf(server, 'victor', 'victor-password');
    for (const url of [
      '/master/state',
      '/service/chronos/v1/scheduler/jobs',
      '/acs/api/v1/users',
    ]) {
      const response = await server.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `token=${token}` },
      });
      expect(response.statusCode, url).toBe(200);
    }
  });

  it('answers 403 to a viewer on any change', async () => {
    const token = await tokenOf(server, 'victor', 'victor-password');
    const headers = { authorization: `token=${token}` };
    const create = await server.app.inject({
      method: 'POST',
      url: '/v2/apps',
      headers,
      payload: {},
    });
    expect(create.statusCode).toBe(403);
    expect(create.json()).toMatchObject({
      code: 'ERR_FORBIDDEN',
      description: expect.stringContaining('viewer'),
    });
    const remove = await server.app.inject({
      method: 'DELETE',
      url: '/service/chronos/v1/scheduler/job/x',
      headers,
    });
    expect(remove.statusCode).toBe(403);
  });

  it('keeps the join token from viewers, even to read', async () => {
    const token = await tokenOf(server, 'victor', 'victor-password');
    const response = await server.app.inject({
      method: 'GET',
      url: '/mesolite/v1/join-token',
      headers: { authorization: `token=${token}` },
    });
    expect(response.statusCode).toBe(403);
  });

  it('lets a framework principal call the scheduler API with HTTP Basic', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/scheduler',
      headers: { authorization: basic('marathon', 'framework-secret') },
      payload: {},
    });
    expect(response.statusCode).toBe(202);
  });

  it('refuses the scheduler API without a principal, or with a wrong secret', async () => {
    const none = await server.app.inject({ method: 'POST', url: '/api/v1/scheduler', payload: {} });
    expect(none.statusCode).toBe(401);
    const wrong = await server.app.inject({
      method: 'POST',
      url: '/api/v1/scheduler',
      headers: { authorization: basic('marathon', 'guess') },
      payload: {},
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('does not let a framework principal change things outside the scheduler API', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v2/apps',
      headers: { authorization: basic('marathon', 'framework-secret') },
      payload: {},
    });
    expect(response.statusCode).toBe(403);
  });

  it('lets more paths through when the daemon says they are public (the UI shell)', async () => {
    await server.close();
    server = await startAuthTestServer({ isPublic: ({ path }) => path === '/master/state' });
    const response = await server.app.inject({ method: 'GET', url: '/master/state' });
    expect(response.statusCode).toBe(200);
  });
});

describe('requests with auth off (the loopback default)', () => {
  let server: AuthTestServer;
  afterEach(async () => {
    await server.close();
  });

  it('lets every request through unchanged', async () => {
    server = await startAuthTestServer({ enabled: false });
    const read = await server.app.inject({ method: 'GET', url: '/master/state' });
    const change = await server.app.inject({ method: 'POST', url: '/v2/apps', payload: {} });
    const scheduler = await server.app.inject({
      method: 'POST',
      url: '/api/v1/scheduler',
      payload: {},
    });
    expect([read.statusCode, change.statusCode, scheduler.statusCode]).toEqual([200, 201, 202]);
  });
});

describe('tokens of local users', () => {
  let server: AuthTestServer;
  beforeEach(async () => {
    server = await startAuthTestServer();
    await server.users.add({ uid: 'alice', password: 'alice-password', role: 'admin' });
    await server.users.add({ uid: 'bob', password: 'bob-password', role: 'admin' });
  });
  afterEach(async () => {
    await server.close();
  });

  it('stop working when the user is removed', async () => {
    const token = await tokenOf(server, 'bob', 'bob-password');
    await server.users.remove('bob');
    const response = await server.app.inject({
      method: 'GET',
      url: '/master/state',
      headers: { authorization: `token=${token}` },
    });
    expect(response.statusCode).toBe(401);
  });
});
