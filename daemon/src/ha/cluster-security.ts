import { randomBytes } from 'node:crypto';
import { AUTH_NAMESPACE } from '../auth/local-auth-store.js';
import { SIGNING_KEY } from '../auth/token-signer.js';
import { authRequired, type DaemonOptions } from '../config/daemon-options.js';
import type { Logger } from '../logger.js';
import type { ClusterSecurity } from '../server/daemon-security.js';
import { localCertificateSubjects } from '../tls/lan-addresses.js';
import { prepareServerTls } from '../tls/server-tls.js';
import { claimClusterCa } from './cluster-ca.js';
import { ZooKeeperJoinTokens } from './cluster-join-token.js';
import { seedClusterUsers } from './cluster-users.js';
import { clusterZnodes, secretAcl } from './cluster-znodes.js';
import { ClusterSecuredError } from './errors.js';
import type { ZooKeeperUrl } from './zk-url.js';
import type { ZooKeeperConnection } from './zookeeper-connection.js';
import type { ZooKeeperStore } from './zookeeper-store.js';

export interface ClusterSecurityOptions {
  readonly connection: ZooKeeperConnection;
  readonly zk: ZooKeeperUrl;
  readonly daemon: DaemonOptions;
  /** The replicated store, unfenced: this runs once, before the master contends. */
  readonly store: ZooKeeperStore;
  readonly logger: Logger;
}

/**
 * What a highly available master with auth on (--auth, or a --host beyond loopback)
 * shares with the other masters, settled once before it contends:
 * - the CA, from PATH/tls/ca (the first master makes it), which signs this master's own
 *   server certificate for its own addresses; with --tls-cert/--tls-key, those files
 *   instead, and no shared CA;
 * - the join token, from PATH/join-token (the first master makes it), pinning that CA;
 * - the secret login tokens are signed with, created once for the cluster, so that a
 *   token from any master is good on every other;
 * - the first users, from the work dir while the cluster has no admin.
 * A master without auth refuses to join a cluster whose masters have it: clients find
 * out from the join token znode that the masters serve HTTPS.
 */
export async function prepareClusterSecurity(
  options: ClusterSecurityOptions,
): Promise<ClusterSecurity | undefined> {
  const { connection, zk, daemon, store, logger } = options;
  const znodes = clusterZnodes(zk.path);
  if (!authRequired(daemon)) {
    if (await connection.exists(znodes.joinToken)) throw new ClusterSecuredError(znodes.joinToken);
    return undefined;
  }
  const acls = secretAcl(zk.digestCredentials);
  const seeded = await seedClusterUsers(daemon.workDir, store);
  if (seeded.length > 0) {
    logger.info({ users: seeded }, "copied the work dir's users into the cluster");
  }
  await store.claim(`${AUTH_NAMESPACE}/${SIGNING_KEY}`, randomBytes(32).toString('base64'));
  const ownFiles = daemon.tlsCert !== undefined || daemon.tlsKey !== undefined;
  const tls = await prepareServerTls({
    workDir: daemon.workDir,
    subjects: localCertificateSubjects([daemon.host]),
    certFile: daemon.tlsCert,
    keyFile: daemon.tlsKey,
    ...(ownFiles ? {} : { clusterCa: await claimClusterCa(connection, zk.path, acls) }),
  });
  const joinTokens = await ZooKeeperJoinTokens.claim(connection, zk.path, tls.caFingerprint, acls);
  return { tls, joinTokens };
}
