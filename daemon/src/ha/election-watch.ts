import { type Contender, contendersOf } from './leader-znode.js';
import type { ZooKeeperConnection } from './zookeeper-connection.js';

/**
 * The contenders under an election path, in election order, leaving `watcher` on the
 * path's children. No master may have created the path yet: then `watcher` waits for
 * its creation and there are none; undefined when it was created between the two
 * reads, so the caller lists again.
 */
export async function watchContenders(
  connection: ZooKeeperConnection,
  path: string,
  watcher: () => void,
): Promise<Contender[] | undefined> {
  const children = await connection.getChildren(path, { watcher });
  if (children !== undefined) return contendersOf(children);
  const stat = await connection.exists(path, { watcher });
  return stat ? undefined : [];
}
