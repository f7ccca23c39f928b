import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LdapServer, ldapServer } from '../../support/real-services.js';
import { type AuthTestServer, startAuthTestServer } from './auth-test-server.js';

describe('LDAP users through the login API', () => {
  let ldap: LdapServer;
  let server: AuthTestServer;
  let adminToken: string;

  beforeAll(async () => {
    ldap = await ldapServer({
      users: {
        ada: { password: 'ada-password' },
        vic: { password: 'vic-password' },
        nog: { password: 'nog-password' },
      },
      groups: { admins: ['ada'], viewers: ['vic'], others: ['nog'] },
    });
  });
  afterAll(async () => {
    await ldap?.stop();
  });

  function ldapConfig(port = ldap.port) {
    return {
      host: '127.0.0.1',
      port,
      'lookup-dn': ldap.bindDn,
      'lookup-password': ldap.password,
      'user-search': {
        'search-base': `ou=people,${ldap.suffix}`,
        'search-filter-template': '(uid=%(username)s)',
      },
      'group-search': {
        'search-base': `ou=groups,${ldap.suffix}`,
        'search-filter-template': '(&(objectClass=groupOfNames)(cn=%(groupname)s))',
        'member-attributes': ['member'],
      },
      'group-roles': { admins: 'admin', viewers: 'viewer' },
    };
  }

  async function request(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    token?: string,
    payload?: object,
  ) {
    return server.app.inject({
      method,
      url,
      ...(token ? { headers: { authorization: `token=${token}` } } : {}),
      ...(payload ? { payload } : {}),
    });
  }

  beforeEach(async () => {
    server = await startAuthTestServer();
    await server.users.add({ uid: 'root', password: 'root-password', role: 'admin' });
    adminToken = (
      (
        await request('POST', '/acs/api/v1/auth/login', undefined, {
          uid: 'root',
          password: 'root-password',
        })
      ).json() as {
        token: string;
      }
    ).token;
    const put = await request('PUT', '/acs/api/v1/ldap/config', adminToken, ldapConfig());
    expect(put.statusCode).toBe(200);
  });
  afterEach(async () => {
    await server.close();
  });

  async function loginAs(uid: string, password: string) {
    return request('POST', '/acs/api/v1/auth/login', undefined, { uid, password });
  }

  it('lets a member of the admins group log in and change things', async () => {
    const response = await loginAs('ada', 'ada-password');
    expect(response.statusCode).toBe(200);
    const token = (response.json() as { token: string }).token;
    expect((await request('POST', '/v2/apps', token, {})).statusCode).toBe(201);
  });

  it('lets a member of the viewers group read but not change', async () => {
    const token = ((await loginAs('vic', 'vic-password')).json() as { token: string }).token;
    expect((await request('GET', '/master/state', token)).statusCode).toBe(200);
    expect((await request('POST', '/v2/apps', token, {})).statusCode).toBe(403);
  });

  it('refuses a user in no mapped group with 403, saying so', async () => {
    const response = await loginAs('nog', 'nog-password');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      code: 'MESOLITE_ERR_LDAP_NO_ROLE',
      description: expect.stringContaining('no LDAP group'),
    });
  });

  it('refuses a wrong directory password with 401', async () => {
    const response = await loginAs('ada', 'wrong');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS' });
  });

  it('says the directory is down, and still lets local users in', async () => {
    await ldap.kill();
    try {
      const directory = await loginAs('ada', 'ada-password');
      expect(directory.statusCode).toBe(503);
      expect(directory.json()).toMatchObject({
        code: 'MESOLITE_ERR_LDAP_UNAVAILABLE',
        description: expect.stringContaining('local users still can'),
      });
      expect((await loginAs('root', 'root-password')).statusCode).toBe(200);
    } finally {
      await ldap.start();
    }
  });

  it('tests a configuration with POST /acs/api/v1/ldap/config/test', async () => {
    const passed = await request('POST', '/acs/api/v1/ldap/config/test', adminToken, {
      uid: 'ada',
      password: 'ada-password',
    });
    expect(passed.statusCode).toBe(200);
    expect(passed.json()).toMatchObject({ code: 'TEST_PASSED' });
    const failed = await request('POST', '/acs/api/v1/ldap/config/test', adminToken, {
      uid: 'ada',
      password: 'nope',
    });
    expect(failed.statusCode).toBe(400);
    expect(failed.json()).toMatchObject({ code: 'TEST_FAILED' });
  });

  it('shows the configuration without the lookup password', async () => {
    const response = await request('GET', '/acs/api/v1/ldap/config', adminToken);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      host: '127.0.0.1',
      'group-roles': { admins: 'admin' },
    });
    expect(response.json()).not.toHaveProperty('lookup-password');
  });

  it('refuses an invalid configuration with 400 and keeps the previous one', async () => {
    const response = await request('PUT', '/acs/api/v1/ldap/config', adminToken, { host: 'x' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'ERR_INVALID_DATA' });
    expect((await request('GET', '/acs/api/v1/ldap/config', adminToken)).json()).toMatchObject({
      port: ldap.port,
    });
  });

  it('keeps the configuration to admins', async () => {
    const token = ((await loginAs('vic', 'vic-password')).json() as { token: string }).token;
    expect((await request('GET', '/acs/api/v1/ldap/config', token)).statusCode).toBe(403);
    expect((await request('PUT', '/acs/api/v1/ldap/config', token, ldapConfig(9))).statusCode).toBe(
      403,
    );
  });

  it('removes the configuration with DELETE, after which directory users cannot log in', async () => {
    expect((await request('DELETE', '/acs/api/v1/ldap/config', adminToken)).statusCode).toBe(204);
    expect((await loginAs('ada', 'ada-password')).statusCode).toBe(401);
    const again = await request('DELETE', '/acs/api/v1/ldap/config', adminToken);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'ERR_LDAP_CONFIG_NOT_AVAILABLE' });
  });
});
