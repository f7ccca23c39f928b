import type { Logger } from 'pino';
import type { MasterInfo } from '../protocol/mesos.js';
import { TypedEmitter } from '../scheduler/typed-emitter.js';
import type { LeaderDetector } from './leader-detector.js';
import { lookUpLeader } from './leader-lookup.js';
import { masterHostPort } from './leader-znode.js';
import type { ZooKeeperConnection } from './zookeeper-connection.js';

/** The base URL of a master, from the MasterInfo it contends with. */
export function masterUrl(info: MasterInfo, scheme: 'http' | 'https' = 'http'): string {
  return `${scheme}://${masterHostPort(info)}`;
}

export interface MasterFollowerEvents {
  /** Another master leads now; `url` is its base URL. */
  leader: [url: string];
}

/**
 * Follows the leading master for an agent, a plugin or the CLI given
 * `--master zk://HOST:PORT/PATH`: its own ZooKeeper session and a LeaderDetector.
 * While no master leads (or ZooKeeper is out of reach) it keeps the last leader it
 * knew: that master most likely still leads, and the caller keeps trying it.
 */
export class MasterFollower extends TypedEmitter<MasterFollowerEvents> {
  readonly #connection: ZooKeeperConnection;
  readonly #detector: LeaderDetector;
  #url: string;

  private constructor(
    connection: ZooKeeperConnection,
    detector: LeaderDetector,
    url: string,
    scheme: 'http' | 'https',
  ) {
    super();
    this.#connection = connection;
    this.#detector = detector;
    this.#url = url;
    detector.on('leader', (info) => {
      if (!info) return;
      const next = masterUrl(info, scheme);
      if (next === this.#url) return;
      this.#url = next;
      void this.emit('leader', next);
    });
  }

  /** Connects to ZooKeeper and waits until a leader is known (up to `timeoutMs`). */
  static async start(
    zkUrl: string,
    options: { logger?: Logger; timeoutMs?: number } = {},
  ): Promise<MasterFollower> {
    const { connection, detector, leader, scheme } = await lookUpLeader(zkUrl, options);
    return new MasterFollower(connection, detector, masterUrl(leader, scheme), scheme);
  }

  /** The base URL of the master that leads (or last led). */
  get url(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    this.#detector.stop();
    await this.#connection.close();
  }
}
