import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertAdminCanLogIn } from '@mesolite/daemon/auth/admin-check';
import { parseLdapConfig } from '@mesolite/daemon/auth/ldap-config';
import { LdapConfigStore } from '@mesolite/daemon/auth/ldap-config-store';
import { LocalUserStore } from '@mesolite/daemon/auth/user-store';
import { LevelStore } from '@mesolite/daemon/store/level-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

describe('starting with auth on', () => {
  let dir: string;
  let store: LevelStore;
  let users: LocalUserStore;
  let ldap: LdapConfigStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-admin-check-'));
    store = await LevelStore.open(join(dir, 'store'));
    users = new LocalUserStore(store.namespace('auth'));
    ldap = new LdapConfigStore(store.namespace('auth'));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is refused with no admin, with the command that creates one', async () => {
    await users.add({ uid: 'victor', password: 'victor-password', role: 'viewer' });
    await expect(assertAdminCanLogIn(users, ldap, dir)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_NO_ADMIN_USER',
      message: expect.stringContaining(`mesolite user add NAME --role admin --work-dir ${dir}`),
    });
  });

  it('is allowed with a local admin', async () => {
    await users.add({ uid: 'alice', password: 'alice-password', role: 'admin' });
    await expect(assertAdminCanLogIn(users, ldap, dir)).resolves.toBeUndefined();
  });

  it('is allowed when LDAP maps a group to admin', async () => {
    await ldap.put(
      parseLdapConfig({
        host: '127.0.0.1',
        port: 389,
        dntemplate: 'uid=%(username)s,dc=x',
        'group-roles': { ops: 'admin' },
      }),
    );
    await expect(assertAdminCanLogIn(users, ldap, dir)).resolves.toBeUndefined();
  });
});
