import type { Logger } from 'pino';
import type { MasterInfo } from '../protocol/mesos.js';
import { clusterServesHttps } from './cluster-znodes.js';
import { NoLeadingMasterError } from './errors.js';
import { LeaderDetector } from './leader-detector.js';
import { masterUrl } from './master-follower.js';
import { formatZooKeeperUrl, parseZooKeeperUrl } from './zk-url.js';
import { ZooKeeperConnection } from './zookeeper-connection.js';

/** mesos-resolve's default --timeout. */
export const DEFAULT_RESOLVE_TIMEOUT_MS = 5000;

export interface ResolvedLeader {
  readonly info: MasterInfo;
  /** Its base URL; https when the cluster's masters serve it. */
  readonly url: string;
}

/**
 * The master that leads under a `zk://` URL, read once, as mesos-resolve does: a
 * session of its own, one look through a LeaderDetector, and the session closed
 * again. For a command that talks to whichever master leads at that moment; what
 * follows the leader for longer (an agent, `plugin run`) uses a MasterFollower.
 */
export async function resolveLeader(
  zkUrl: string,
  options: { timeoutMs?: number; logger?: Logger } = {},
): Promise<ResolvedLeader> {
  const zk = parseZooKeeperUrl(zkUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const connection = new ZooKeeperConnection({
    connectionString: zk.connectionString,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(zk.digestCredentials ? { digestCredentials: zk.digestCredentials } : {}),
  });
  const detector = new LeaderDetector({
    connection,
    path: zk.path,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    await connection.waitUntilConnected(timeoutMs);
    detector.start();
    const info = await detector.waitForLeader(Math.max(1, deadline - Date.now())).catch(() => {
      throw new NoLeadingMasterError(formatZooKeeperUrl(zk), timeoutMs);
    });
    const scheme = (await clusterServesHttps(connection, zk.path)) ? 'https' : 'http';
    return { info, url: masterUrl(info, scheme) };
  } finally {
    detector.stop();
    await connection.close();
  }
}
