import type zookeeper from 'node-zookeeper-client';
import { MalformedJoinTokenError } from '../auth/errors.js';
import {
  formatJoinToken,
  type JoinToken,
  newJoinToken,
  parseJoinToken,
} from '../auth/join-token.js';
import type { JoinTokenSource } from '../auth/join-token-source.js';
import { claimZnode, clusterZnodes } from './cluster-znodes.js';
import { ClusterCaMismatchError, ClusterSecretError, ZooKeeperUnavailableError } from './errors.js';
import {
  type ZooKeeperConnection,
  ZooKeeperException,
  zooKeeperCode,
} from './zookeeper-connection.js';

// Two rotations at the same moment: each is retried on the version the other left.
const ATTEMPTS = 5;

/**
 * The join token of a highly available cluster: one znode under the --zk PATH, made by
 * the first master to start and read by every master on every check, so that all of
 * them admit the same agents and a rotation made through any of them counts everywhere
 * at once. The work dir's join-token file is not used.
 */
export class ZooKeeperJoinTokens implements JoinTokenSource {
  readonly #connection: ZooKeeperConnection;
  readonly #path: string;
  #last: JoinToken;

  private constructor(connection: ZooKeeperConnection, path: string, token: JoinToken) {
    this.#connection = connection;
    this.#path = path;
    this.#last = token;
  }

  /**
   * The cluster's token, made for `caFingerprint` unless a master published one first.
   * A token pinning another CA means this master's certificate does not chain to the
   * cluster's: agents would refuse it, so it refuses to start.
   */
  static async claim(
    connection: ZooKeeperConnection,
    zkPath: string,
    caFingerprint: string,
    acls: zookeeper.ACL[],
  ): Promise<ZooKeeperJoinTokens> {
    const path = clusterZnodes(zkPath).joinToken;
    const data = await claimZnode(
      connection,
      path,
      async () => Buffer.from(formatJoinToken(newJoinToken(caFingerprint)), 'utf8'),
      acls,
    );
    const token = parseStored(path, data);
    if (token.caFingerprint !== caFingerprint) {
      throw new ClusterCaMismatchError(token.caFingerprint, caFingerprint);
    }
    return new ZooKeeperJoinTokens(connection, path, token);
  }

  async current(): Promise<JoinToken> {
    let read: Awaited<ReturnType<ZooKeeperConnection['getData']>>;
    try {
      read = await this.#connection.getData(this.#path);
    } catch (err) {
      // Out of touch with ZooKeeper, this master steps down within a session timeout;
      // until then an agent reconnecting to it is checked against the token last seen,
      // rather than refused for good over a blip.
      if (err instanceof ZooKeeperUnavailableError) return this.#last;
      throw err;
    }
    if (read === undefined) throw new ClusterSecretError(this.#path, 'it has been removed');
    this.#last = parseStored(this.#path, read.data);
    return this.#last;
  }

  async rotate(): Promise<JoinToken> {
    for (let attempt = 1; ; attempt += 1) {
      const read = await this.#connection.getData(this.#path);
      if (read === undefined) throw new ClusterSecretError(this.#path, 'it has been removed');
      const next = newJoinToken(parseStored(this.#path, read.data).caFingerprint);
      try {
        await this.#connection.setData(
          this.#path,
          Buffer.from(formatJoinToken(next), 'utf8'),
          read.stat.version,
        );
      } catch (err) {
        if (zooKeeperCode(err) === ZooKeeperException.BAD_VERSION && attempt < ATTEMPTS) continue;
        throw err;
      }
      this.#last = next;
      return next;
    }
  }
}

function parseStored(path: string, data: Buffer): JoinToken {
  try {
    return parseJoinToken(data.toString('utf8'));
  } catch (err) {
    if (err instanceof MalformedJoinTokenError) throw new ClusterSecretError(path, err.message);
    throw err;
  }
}
