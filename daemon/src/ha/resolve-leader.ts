import type { Logger } from 'pino';
import { MesoliteError } from '../errors.js';
import type { MasterInfo } from '../protocol/mesos.js';
import { NoLeadingMasterError } from './errors.js';
import { lookUpLeader } from './leader-lookup.js';
import { masterUrl } from './master-follower.js';
import { formatZooKeeperUrl, parseZooKeeperUrl } from './zk-url.js';

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
  const timeoutMs = options.timeoutMs ?? DEFAULT_RESOLVE_TIMEOUT_MS;
  const lookup = await lookUpLeader(zkUrl, { logger: options.logger, timeoutMs }).catch(
    (err: unknown) => {
      // ZooKeeper out of reach or a bad URL says so itself; only "nobody leads" is ours.
      if (err instanceof MesoliteError) throw err;
      throw new NoLeadingMasterError(formatZooKeeperUrl(parseZooKeeperUrl(zkUrl)), timeoutMs);
    },
  );
  lookup.detector.stop();
  await lookup.connection.close();
  return { info: lookup.leader, url: masterUrl(lookup.leader, lookup.scheme) };
}
