import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  type DaemonOptions,
  type RunningDaemon,
  resolveDaemonOptions,
  startDaemon,
} from '@mesolite/daemon';
import { withLocalUsers } from '@mesolite/daemon/auth/local-auth-store';
import { masterFetch } from '@mesolite/daemon/auth/master-fetch';
import type { Role } from '@mesolite/daemon/auth/roles';
import type { StopOptions } from '../../support/daemon.js';
import { endLeftoversUnder } from '../../support/leftovers.js';

export interface TestUser {
  readonly uid: string;
  readonly password: string;
  readonly role: Role;
}

export const ADMIN: TestUser = { uid: 'alice', password: 'alice-password', role: 'admin' };
export const VIEWER: TestUser = { uid: 'victor', password: 'victor-password', role: 'viewer' };

export interface SecureDaemon extends RunningDaemon {
  readonly workDir: string;
  /** The cluster CA the daemon made, PEM. */
  readonly ca: string;
  /** A fetch trusting that CA and, when given, sending `token`. */
  fetch(token?: string): typeof fetch;
  /** Logs `user` in and returns the token. */
  login(user: TestUser): Promise<string>;
  /** Stops the daemon, then kills the tasks its agent left running unless told to keep them. */
  stop(options?: StopOptions): Promise<void>;
}

/** A fresh work dir with these local users, made while no daemon runs (as an operator would). */
export async function workDirWithUsers(users: readonly TestUser[]): Promise<string> {
  const workDir = await mkdtemp(join(tmpdir(), 'mesolite-secure-'));
  await withLocalUsers(workDir, async (store) => {
    for (const user of users) await store.add(user);
  });
  return workDir;
}

/**
 * A daemon in this process with auth on (`--auth` on loopback by default), the users
 * given, a free port and a throwaway work dir it removes on stop. Given a `workDir`
 * (one made by workDirWithUsers, or an earlier daemon's, to restart on), it uses that
 * instead and leaves it in place on stop.
 */
export async function startSecureDaemon(
  options: Partial<DaemonOptions> & { users?: readonly TestUser[] } = {},
): Promise<SecureDaemon> {
  const { users = [ADMIN, VIEWER], workDir: givenWorkDir, ...daemonOptions } = options;
  const ownsWorkDir = givenWorkDir === undefined;
  const workDir = givenWorkDir ?? (await workDirWithUsers(users));
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon(
      resolveDaemonOptions({
        port: 0,
        logLevel: 'silent',
        agent: false,
        plugins: [],
        auth: true,
        ...daemonOptions,
        workDir,
      }),
      createLogger(process.env.MESOLITE_TEST_LOG ?? 'silent'),
    );
  } catch (err) {
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    throw err;
  }
  const ca = await readFile(join(workDir, 'tls', 'ca.crt'), 'utf8');
  const secureFetch = (token?: string) => masterFetch({ ca, token });
  return {
    ...daemon,
    url: daemon.url,
    server: daemon.server,
    master: daemon.master,
    agent: daemon.agent,
    plugins: daemon.plugins,
    joinToken: daemon.joinToken,
    caFile: daemon.caFile,
    workDir,
    ca,
    fetch: secureFetch,
    async login(user) {
      const response = await secureFetch()(`${daemon.url}/acs/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid: user.uid, password: user.password }),
      });
      if (!response.ok) throw new Error(`login of ${user.uid} answered ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    },
    async stop(stopOptions: StopOptions = {}) {
      await daemon.stop();
      if (daemon.agent && !stopOptions.keepTasks) await endLeftoversUnder(workDir);
      if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    },
  };
}
