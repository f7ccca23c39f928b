/**
 * Everything the daemon needs to serve securely, decided once at start: the TLS
 * identity, the users and how requests prove who they are, the join token agents
 * present, and who may open a socket.io namespace. On loopback without --auth it is
 * all off and the daemon behaves as the one-laptop appliance it always was; the login
 * and user routes still answer, so `mesolite user add --master URL` works there too.
 */

import { assertAdminCanLogIn } from '../auth/admin-check.js';
import { admitAgent } from '../auth/agent-admission.js';
import type { AuthPluginOptions } from '../auth/auth-plugin.js';
import { Authenticator } from '../auth/authenticator.js';
import { FrameworkPrincipals } from '../auth/framework-principals.js';
import { formatJoinToken } from '../auth/join-token.js';
import { ensureJoinToken } from '../auth/join-token-file.js';
import { type JoinTokenSource, workDirJoinTokens } from '../auth/join-token-source.js';
import { LdapConfigStore, readLdapConfigFile } from '../auth/ldap-config-store.js';
import { AUTH_NAMESPACE } from '../auth/local-auth-store.js';
import { authorizeHandshakes } from '../auth/socket-handshake.js';
import { TokenSigner } from '../auth/token-signer.js';
import { LocalUserStore } from '../auth/user-store.js';
import { authRequired, type DaemonOptions } from '../config/daemon-options.js';
import type { AgentAdmission } from '../master/agent-channel.js';
import type { Store } from '../store/store.js';
import { localCertificateSubjects } from '../tls/lan-addresses.js';
import { prepareServerTls, type ServerTls } from '../tls/server-tls.js';
import { publicPaths } from './public-paths.js';
import { allowReachable, type SocketAccess } from './socket-access.js';

export interface DaemonSecurity {
  /** HTTPS and credentials on every request. */
  readonly enabled: boolean;
  /** The certificate served, when enabled. */
  readonly tls: ServerTls | undefined;
  /** The join token agents must present, when enabled. */
  readonly joinToken: string | undefined;
  /** For `authPlugin`, registered first on the root app. */
  readonly auth: AuthPluginOptions;
  /** For the browser-facing namespaces (`/ui`, `/plugins/<name>`). */
  readonly socketAccess: SocketAccess;
  /** For the agent channel: checks the join token; absent when disabled. */
  readonly admitAgent: AgentAdmission | undefined;
}

/**
 * What a highly available master shares with the other masters of its cluster
 * (ha/cluster-security.ts): a certificate from the cluster's CA, and the join token in
 * ZooKeeper. They replace the work dir's CA and join-token file.
 */
export interface ClusterSecurity {
  readonly tls: ServerTls;
  readonly joinTokens: JoinTokenSource;
}

/**
 * Opens the users, LDAP settings and token secret in `store` (the daemon's root store)
 * and, with auth on, the TLS identity and join token (the cluster's, when given);
 * refuses, with the command that fixes it, to start a secured daemon that no admin
 * could log in to.
 */
export async function prepareDaemonSecurity(
  options: DaemonOptions,
  store: Store,
  cluster?: ClusterSecurity,
): Promise<DaemonSecurity> {
  const enabled = authRequired(options);
  const authStore = store.namespace(AUTH_NAMESPACE);
  const users = new LocalUserStore(authStore);
  const ldap = new LdapConfigStore(authStore);
  if (options.ldapConfig !== undefined)
    await ldap.put(await readLdapConfigFile(options.ldapConfig));
  const signer = await TokenSigner.open(authStore);
  const frameworks =
    options.credentials === undefined
      ? undefined
      : await FrameworkPrincipals.load(options.credentials);
  const authenticator = new Authenticator({ users, ldap, signer, frameworks });
  const joinTokens = cluster?.joinTokens ?? workDirJoinTokens(options.workDir);
  const auth: AuthPluginOptions = {
    enabled,
    authenticator,
    users,
    ldap,
    joinTokens: enabled ? joinTokens : undefined,
    isPublic: publicPaths,
  };
  if (!enabled) {
    return {
      enabled,
      tls: undefined,
      joinToken: undefined,
      auth,
      socketAccess: allowReachable,
      admitAgent: undefined,
    };
  }

  await assertAdminCanLogIn(users, ldap, options.workDir);
  const tls =
    cluster?.tls ??
    (await prepareServerTls({
      workDir: options.workDir,
      subjects: localCertificateSubjects([options.host]),
      certFile: options.tlsCert,
      keyFile: options.tlsKey,
    }));
  const joinToken = formatJoinToken(
    cluster
      ? await joinTokens.current()
      : await ensureJoinToken(options.workDir, tls.caFingerprint),
  );
  return {
    enabled,
    tls,
    joinToken,
    auth,
    socketAccess: authorizeHandshakes(authenticator, true),
    admitAgent: (presented) => admitAgent(joinTokens, presented),
  };
}
