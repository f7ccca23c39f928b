import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@mesolite/daemon';
import { type AuthPluginOptions, authPlugin } from '@mesolite/daemon/auth/auth-plugin';
import { Authenticator } from '@mesolite/daemon/auth/authenticator';
import { FrameworkPrincipals } from '@mesolite/daemon/auth/framework-principals';
import { workDirJoinTokens } from '@mesolite/daemon/auth/join-token-source';
import { LdapConfigStore } from '@mesolite/daemon/auth/ldap-config-store';
import { TokenSigner } from '@mesolite/daemon/auth/token-signer';
import { LocalUserStore } from '@mesolite/daemon/auth/user-store';
import { createHttpApp, type MesoliteServer } from '@mesolite/daemon/server/app';
import { LevelStore } from '@mesolite/daemon/store/level-store';
import Fastify from 'fastify';

export interface AuthTestServer {
  readonly app: MesoliteServer;
  readonly users: LocalUserStore;
  readonly ldap: LdapConfigStore;
  readonly authenticator: Authenticator;
  readonly workDir: string;
  /** Moves the server's clock, for token expiry. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/**
 * The daemon's fastify conventions (createHttpApp) with the auth plugin and a few
 * stand-in routes of the kinds it guards: a read, a change, the scheduler API and a
 * plugin's /service/ scope, all on a real store in a throwaway work dir.
 */
export async function startAuthTestServer(
  overrides: Partial<Pick<AuthPluginOptions, 'enabled' | 'isPublic'>> & {
    /** Serve HTTPS with this certificate (chain) and key, as a LAN master does. */
    https?: { cert: string; key: string };
  } = {},
): Promise<AuthTestServer> {
  const workDir = await mkdtemp(join(tmpdir(), 'mesolite-auth-'));
  const store = await LevelStore.open(join(workDir, 'store'));
  const auth = store.namespace('auth');
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const users = new LocalUserStore(auth);
  const ldap = new LdapConfigStore(auth);
  const authenticator = new Authenticator({
    users,
    ldap,
    signer: await TokenSigner.open(auth, now),
    frameworks: new FrameworkPrincipals([{ principal: 'marathon', secret: 'framework-secret' }]),
  });
  const app = overrides.https
    ? (Fastify({
        https: overrides.https,
        forceCloseConnections: true,
      }) as unknown as MesoliteServer)
    : createHttpApp({ logger: createLogger('silent') });
  await app.register(authPlugin, {
    enabled: overrides.enabled ?? true,
    authenticator,
    users,
    ldap,
    joinTokens: workDirJoinTokens(workDir),
    isPublic: overrides.isPublic,
    now,
  });
  app.get('/health', async () => '');
  app.get('/master/state', async () => ({ frameworks: [] }));
  app.post('/v2/apps', async (_request, reply) => reply.code(201).send({ id: '/x' }));
  app.post('/api/v1/scheduler', async (_request, reply) => reply.code(202).send());
  await app.register(
    async (scope) => {
      scope.get('/v1/scheduler/jobs', async () => []);
      scope.delete('/v1/scheduler/job/:name', async (_request, reply) => reply.code(204).send());
    },
    { prefix: '/service/chronos' },
  );
  await app.ready();
  return {
    app,
    users,
    ldap,
    authenticator,
    workDir,
    advance(ms) {
      offset += ms;
    },
    async close() {
      await app.close();
      await store.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
