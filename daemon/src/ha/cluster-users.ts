import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WorkDirInUseError } from '../auth/errors.js';
import { AUTH_NAMESPACE } from '../auth/local-auth-store.js';
import { LocalUserStore, USERS_KEY_PREFIX } from '../auth/user-store.js';
import { StoreLockedError } from '../store/errors.js';
import { LevelStore } from '../store/level-store.js';
import type { ZooKeeperStore } from './zookeeper-store.js';

/**
 * The users of a highly available cluster live in its replicated store, in ZooKeeper,
 * which `mesolite user add --work-dir D` cannot reach before the first start. So while
 * the cluster has no admin, a master starting with auth copies in the users made in its
 * work dir that way (password hashes as they are; a user the cluster already has is
 * kept). Once an admin exists, users are managed through any master (`--master`) and the
 * work dirs are not read again, so a user removed from the cluster stays removed.
 * Returns the names copied.
 */
export async function seedClusterUsers(
  workDir: string,
  cluster: ZooKeeperStore,
): Promise<string[]> {
  if (await new LocalUserStore(cluster.namespace(AUTH_NAMESPACE)).hasAdmin()) return [];
  const location = join(workDir, 'store');
  if (!existsSync(location)) return [];
  let local: LevelStore;
  try {
    local = await LevelStore.open(location);
  } catch (err) {
    if (err instanceof StoreLockedError) throw new WorkDirInUseError(workDir);
    throw err;
  }
  const copied: string[] = [];
  try {
    for await (const [key, value] of local.namespace(AUTH_NAMESPACE).entries(USERS_KEY_PREFIX)) {
      // Each user is created if absent: masters seeding at the same moment do not undo each other.
      const stored = await cluster.claim(`${AUTH_NAMESPACE}/${key}`, value);
      if (JSON.stringify(stored) === JSON.stringify(value))
        copied.push(key.slice(USERS_KEY_PREFIX.length));
    }
  } finally {
    await local.close();
  }
  return copied;
}
