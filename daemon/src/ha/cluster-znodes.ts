import zookeeper from 'node-zookeeper-client';
import {
  CreateMode,
  type ZooKeeperConnection,
  ZooKeeperException,
  zooKeeperCode,
} from './zookeeper-connection.js';

/** Where the secrets every master of a cluster shares live, under its --zk PATH. */
export function clusterZnodes(zkPath: string) {
  const base = zkPath === '/' ? '' : zkPath;
  return {
    /** The cluster CA, certificate and key, as JSON: written once, by the first master. */
    ca: `${base}/tls/ca`,
    /** The join token agents present, K10 text: written once, replaced by a rotation. */
    joinToken: `${base}/join-token`,
  };
}

/** Whether the masters under `zkPath` serve HTTPS: a cluster with auth has a join token znode. */
export async function clusterServesHttps(
  connection: ZooKeeperConnection,
  zkPath: string,
): Promise<boolean> {
  return (await connection.exists(clusterZnodes(zkPath).joinToken)) !== undefined;
}

/**
 * The ACL of a znode holding a secret. With digest credentials in the zk:// URL, only
 * sessions authenticated as that user may touch it (ZooKeeper's CREATOR_ALL_ACL);
 * without, it is as open as every other znode of the cluster, and ZooKeeper itself must
 * be out of reach of anyone but the masters.
 */
export function secretAcl(digestCredentials: string | undefined): zookeeper.ACL[] {
  const id =
    digestCredentials === undefined
      ? new zookeeper.Id('world', 'anyone')
      : new zookeeper.Id('auth', '');
  return [new zookeeper.ACL(zookeeper.Permission.ALL, id)];
}

// A znode removed between the failed create and the read (an operator resetting the
// secret) is created again, a few times at most.
const ATTEMPTS = 3;

/**
 * Create-if-absent: the data at `path`, made with `make` and published if no one had,
 * or the data some other master published first. However many masters race, exactly
 * one `make` wins and they all return its data.
 */
export async function claimZnode(
  connection: ZooKeeperConnection,
  path: string,
  make: () => Promise<Buffer>,
  /** Default: open to all, as every other znode of the cluster. */
  acls?: zookeeper.ACL[],
): Promise<Buffer> {
  const parent = path.slice(0, path.lastIndexOf('/'));
  if (parent !== '') await connection.mkdirp(parent);
  for (let attempt = 1; ; attempt += 1) {
    const existing = await connection.getData(path);
    if (existing) return existing.data;
    const data = await make();
    try {
      await connection.create(path, data, CreateMode.PERSISTENT, acls);
      return data;
    } catch (err) {
      if (zooKeeperCode(err) !== ZooKeeperException.NODE_EXISTS || attempt >= ATTEMPTS) throw err;
    }
  }
}
