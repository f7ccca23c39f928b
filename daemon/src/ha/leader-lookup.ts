import type { Logger } from 'pino';
import type { MasterInfo } from '../protocol/mesos.js';
import { clusterServesHttps } from './cluster-znodes.js';
import { LeaderDetector } from './leader-detector.js';
import { parseZooKeeperUrl, type ZooKeeperUrl } from './zk-url.js';
import { ZooKeeperConnection } from './zookeeper-connection.js';

/** A ZooKeeper session watching an election, once it has seen a leader. */
export interface LeaderLookup {
  readonly zk: ZooKeeperUrl;
  readonly connection: ZooKeeperConnection;
  readonly detector: LeaderDetector;
  readonly leader: MasterInfo;
  /** Masters with auth serve HTTPS, and a cluster of them has a join token in ZooKeeper. */
  readonly scheme: 'http' | 'https';
}

/**
 * Opens a session of its own under a `zk://` URL and waits (up to `timeoutMs`) until a
 * master leads. On failure the session is closed again; on success it is the caller's,
 * to close or to keep following the leader with.
 */
export async function lookUpLeader(
  zkUrl: string,
  options: { logger?: Logger | undefined; timeoutMs?: number | undefined } = {},
): Promise<LeaderLookup> {
  const zk = parseZooKeeperUrl(zkUrl);
  const logger = options.logger ? { logger: options.logger } : {};
  const connection = new ZooKeeperConnection({
    connectionString: zk.connectionString,
    ...logger,
    ...(zk.digestCredentials ? { digestCredentials: zk.digestCredentials } : {}),
  });
  const detector = new LeaderDetector({ connection, path: zk.path, ...logger });
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  try {
    await connection.waitUntilConnected(options.timeoutMs);
    detector.start();
    const leader = await detector.waitForLeader(
      deadline === undefined ? undefined : Math.max(1, deadline - Date.now()),
    );
    const scheme = (await clusterServesHttps(connection, zk.path)) ? 'https' : 'http';
    return { zk, connection, detector, leader, scheme };
  } catch (err) {
    detector.stop();
    await connection.close();
    throw err;
  }
}
