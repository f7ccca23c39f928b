import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalUserStore } from '@mesolite/daemon/auth/user-store';
import { LevelStore } from '@mesolite/daemon/store/level-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

describe('the local user store', () => {
  let dir: string;
  let store: LevelStore;
  let users: LocalUserStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-users-'));
    store = await LevelStore.open(join(dir, 'store'));
    users = new LocalUserStore(store.namespace('auth'));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('authenticates a user with their password and returns their role', async () => {
    await users.add({ uid: 'alice', password: 'correct horse', role: 'admin' });
    await expect(users.authenticate('alice', 'correct horse')).resolves.toEqual({
      uid: 'alice',
      description: '',
      role: 'admin',
    });
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    await users.add({ uid: 'alice', password: 'correct horse', role: 'viewer' });
    await expect(users.authenticate('alice', 'wrong horse')).resolves.toBeUndefined();
    await expect(users.authenticate('mallory', 'correct horse')).resolves.toBeUndefined();
  });

  it('stores a salted scrypt hash, never the password, with a different salt per user', async () => {
    await users.add({ uid: 'alice', password: 'same password', role: 'viewer' });
    await users.add({ uid: 'bob', password: 'same password', role: 'viewer' });
    const alice = JSON.stringify(await store.namespace('auth').get('users/alice'));
    const bob = (await store.namespace('auth').get('users/bob')) as { password: { hash: string } };
    expect(alice).not.toContain('same password');
    expect(alice).toContain('"algorithm":"scrypt"');
    expect(alice).not.toContain(bob.password.hash);
  });

  it('keeps users across a restart', async () => {
    await users.add({ uid: 'alice', password: 'correct horse', role: 'admin' });
    await store.close();
    store = await LevelStore.open(join(dir, 'store'));
    users = new LocalUserStore(store.namespace('auth'));
    expect(await users.hasAdmin()).toBe(true);
    expect((await users.authenticate('alice', 'correct horse'))?.role).toBe('admin');
  });

  it('lists and removes users', async () => {
    await users.add({ uid: 'alice', password: 'correct horse', role: 'admin' });
    await users.add({ uid: 'bob', password: 'battery staple', role: 'viewer', description: 'Bob' });
    expect((await users.list()).map((user) => `${user.uid}:${user.role}`)).toEqual([
      'alice:admin',
      'bob:viewer',
    ]);
    await users.remove('alice');
    expect(await users.hasAdmin()).toBe(false);
    await expect(users.remove('alice')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_UNKNOWN_USER',
    });
  });

  it('refuses a second user of the same name, a bad name and a short password', async () => {
    await users.add({ uid: 'alice', password: 'correct horse', role: 'admin' });
    await expect(
      users.add({ uid: 'alice', password: 'another one', role: 'viewer' }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_USER_EXISTS',
    });
    await expect(
      users.add({ uid: '../etc', password: 'correct horse', role: 'viewer' }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_INVALID_USER',
    });
    await expect(
      users.add({ uid: 'carol', password: 'short', role: 'viewer' }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_INVALID_USER',
    });
    expect((await users.list()).map((user) => user.uid)).toEqual(['alice']);
  });
});
