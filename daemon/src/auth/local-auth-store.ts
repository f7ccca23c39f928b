import { join } from 'node:path';
import { StoreLockedError } from '../store/errors.js';
import { LevelStore } from '../store/level-store.js';
import { WorkDirInUseError } from './errors.js';
import { LocalUserStore } from './user-store.js';

/** The store namespace the daemon keeps users, the token secret and LDAP settings in. */
export const AUTH_NAMESPACE = 'auth';

/**
 * Runs `fn` on the users of a work dir whose daemon is not running (before the first
 * start, typically). A running daemon holds the store: then the user is sent to --master.
 */
export async function withLocalUsers<T>(
  workDir: string,
  fn: (users: LocalUserStore) => Promise<T>,
): Promise<T> {
  let store: LevelStore;
  try {
    store = await LevelStore.open(join(workDir, 'store'));
  } catch (err) {
    if (err instanceof StoreLockedError) throw new WorkDirInUseError(workDir);
    throw err;
  }
  try {
    return await fn(new LocalUserStore(store.namespace(AUTH_NAMESPACE)));
  } finally {
    await store.close();
  }
}
