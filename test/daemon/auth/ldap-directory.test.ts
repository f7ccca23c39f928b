import { type LdapConfig, parseLdapConfig } from '@mesolite/daemon/auth/ldap-config';
import { authenticateWithLdap } from '@mesolite/daemon/auth/ldap-directory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LdapServer, ldapServer } from '../../support/real-services.js';

describe('logging in against an LDAP directory', () => {
  let ldap: LdapServer;
  beforeAll(async () => {
    ldap = await ldapServer({
      users: {
        ada: { password: 'ada-password' },
        vic: { password: 'vic-password' },
        nog: { password: 'nog-password' },
      },
      groups: { admins: ['ada'], viewers: ['vic', 'ada'], others: ['nog'] },
    });
  });
  afterAll(async () => {
    await ldap?.stop();
  });

  function config(overrides: Partial<LdapConfig> = {}): LdapConfig {
    return parseLdapConfig({
      host: '127.0.0.1',
      port: ldap.port,
      dntemplate: `uid=%(username)s,ou=people,${ldap.suffix}`,
      'group-search': {
        'search-base': `ou=groups,${ldap.suffix}`,
        'search-filter-template': '(&(objectClass=groupOfNames)(cn=%(groupname)s))',
      },
      'group-roles': { admins: 'admin', viewers: 'viewer' },
      ...overrides,
    });
  }

  function searchConfig(): LdapConfig {
    const { dntemplate: _template, ...rest } = config();
    return parseLdapConfig({
      ...rest,
      'lookup-dn': ldap.bindDn,
      'lookup-password': ldap.password,
      'user-search': {
        'search-base': `ou=people,${ldap.suffix}`,
        'search-filter-template': '(uid=%(username)s)',
      },
    });
  }

  it('gives a member of a group mapped to admin the admin role (dntemplate)', async () => {
    await expect(authenticateWithLdap(config(), 'ada', 'ada-password')).resolves.toMatchObject({
      uid: 'ada',
      role: 'admin',
      dn: ldap.userDn('ada'),
    });
  });

  it('gives a member of a group mapped to viewer the viewer role', async () => {
    await expect(authenticateWithLdap(config(), 'vic', 'vic-password')).resolves.toMatchObject({
      role: 'viewer',
    });
  });

  it('finds the user with lookup-dn and user-search', async () => {
    await expect(
      authenticateWithLdap(searchConfig(), 'ada', 'ada-password'),
    ).resolves.toMatchObject({ role: 'admin', dn: ldap.userDn('ada') });
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    await expect(authenticateWithLdap(config(), 'ada', 'wrong')).resolves.toBeUndefined();
    await expect(authenticateWithLdap(config(), 'zed', 'ada-password')).resolves.toBeUndefined();
    await expect(authenticateWithLdap(searchConfig(), 'zed', 'x')).resolves.toBeUndefined();
  });

  it('refuses an empty password, which LDAP would take as an anonymous bind', async () => {
    await expect(authenticateWithLdap(config(), 'ada', '')).resolves.toBeUndefined();
  });

  it('does not let a login name widen the user search', async () => {
    await expect(
      authenticateWithLdap(searchConfig(), '*', 'ada-password'),
    ).resolves.toBeUndefined();
  });

  it('refuses a user in no mapped group, saying so', async () => {
    await expect(authenticateWithLdap(config(), 'nog', 'nog-password')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_LDAP_NO_ROLE',
      statusCode: 403,
      message: expect.stringContaining('no LDAP group'),
    });
  });

  it('says clearly when the directory cannot be reached', async () => {
    await expect(
      authenticateWithLdap(config({ port: 9 }), 'ada', 'ada-password'),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_LDAP_UNAVAILABLE', statusCode: 503 });
  });
});

describe('the LDAP configuration', () => {
  const base = {
    host: 'ldap.example.com',
    port: 389,
    dntemplate: 'uid=%(username)s,ou=people,dc=example,dc=com',
  };

  it("accepts DC/OS's fields and mesolite's group-roles", () => {
    expect(parseLdapConfig({ ...base, 'group-roles': { ops: 'admin' } })['group-roles']).toEqual({
      ops: 'admin',
    });
  });

  it('refuses both dntemplate and user-search, or neither', () => {
    const search = { 'search-base': 'dc=x', 'search-filter-template': '(uid=%(username)s)' };
    expect(() => parseLdapConfig({ ...base, 'user-search': search })).toThrow(/exactly one/);
    expect(() => parseLdapConfig({ host: 'h', port: 389 })).toThrow(/exactly one/);
  });

  it('refuses a role that does not exist and a field DC/OS does not have', () => {
    expect(() => parseLdapConfig({ ...base, 'group-roles': { ops: 'root' } })).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_PROTOCOL_VALIDATION' }),
    );
    expect(() => parseLdapConfig({ ...base, hostname: 'x' })).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_PROTOCOL_VALIDATION' }),
    );
  });
});
