import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, resolveDaemonOptions, startDaemon } from '@mesolite/daemon';
import { firstLanAddress } from '@mesolite/daemon/cli/join-instructions';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  type SecureDaemon,
  startSecureDaemon,
  VIEWER,
  workDirWithUsers,
} from './secure-daemon.js';

describe('a daemon started with --auth on loopback', () => {
  let daemon: SecureDaemon;

  beforeAll(async () => {
    daemon = await startSecureDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('serves HTTPS with a certificate of the CA it made in WORK_DIR/tls', async () => {
    expect(daemon.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const response = await daemon.fetch()(`${daemon.url}/health`);
    expect(response.status).toBe(200);
  });

  it('refuses plain HTTP clients that do not trust its CA', async () => {
    await expect(fetch(`${daemon.url}/health`)).rejects.toThrow();
  });

  it("answers a request without a credential with 401 and DC/OS's error body", async () => {
    const response = await daemon.fetch()(`${daemon.url}/master/state`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('acsjwt');
    expect(await response.json()).toMatchObject({ code: 'ERR_INVALID_CREDENTIALS' });
  });

  it("logs an admin in and accepts the token on the master's API", async () => {
    const token = await daemon.login(ADMIN);
    const response = await daemon.fetch(token)(`${daemon.url}/master/state`);
    expect(response.status).toBe(200);
  });

  it('accepts HTTP Basic, as Mesos and Marathon clients send', async () => {
    const basic = Buffer.from(`${VIEWER.uid}:${VIEWER.password}`).toString('base64');
    const response = await daemon.fetch()(`${daemon.url}/master/state`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(response.status).toBe(200);
  });

  it('lets a viewer read and answers 403 to a change', async () => {
    const token = await daemon.login(VIEWER);
    const read = await daemon.fetch(token)(`${daemon.url}/mesolite/v1/plugins`);
    expect(read.status).toBe(200);
    const change = await daemon.fetch(token)(`${daemon.url}/mesolite/v1/plugins/marathon/disable`, {
      method: 'POST',
    });
    expect(change.status).toBe(403);
  });

  it("lets a viewer ask the operator API's read calls and answers 403 to its changes", async () => {
    const viewer = daemon.fetch(await daemon.login(VIEWER));
    const call = (body: object) =>
      viewer(`${daemon.url}/api/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
    const state = await call({ type: 'GET_STATE' });
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({ type: 'GET_STATE' });
    const weights = await call({
      type: 'UPDATE_WEIGHTS',
      update_weights: { weight_infos: [{ role: 'ops', weight: 2 }] },
    });
    expect(weights.status).toBe(403);
    expect(await weights.json()).toMatchObject({ code: 'ERR_FORBIDDEN' });
  });

  it("lets a viewer search the catalog, whose questions are POSTs as in Cosmos's API", async () => {
    const viewer = daemon.fetch(await daemon.login(VIEWER));
    const search = await viewer(`${daemon.url}/package/search`, {
      method: 'POST',
      headers: {
        'content-type': 'application/vnd.dcos.package.search-request+json;charset=utf-8;version=v1',
        accept: 'application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1',
      },
      body: JSON.stringify({ query: '' }),
    });
    expect(search.status).toBe(200);
  });

  it('serves the UI page and login form to anyone, so a browser can log in', async () => {
    for (const path of ['/', '/login']) {
      const response = await daemon.fetch()(`${daemon.url}${path}`);
      expect(response.status, path).not.toBe(401);
    }
  });

  it('keeps the join token for admins', async () => {
    const viewer = await daemon.fetch(await daemon.login(VIEWER))(
      `${daemon.url}/mesolite/v1/join-token`,
    );
    expect(viewer.status).toBe(403);
    const admin = await daemon.fetch(await daemon.login(ADMIN))(
      `${daemon.url}/mesolite/v1/join-token`,
    );
    expect(admin.status).toBe(200);
    expect(JSON.stringify(await admin.json())).toContain(daemon.joinToken);
  });

  describe('the UI channel', () => {
    let socket: Socket | undefined;
    afterAll(() => {
      socket?.close();
    });

    function handshake(token?: string): Promise<{ connected: boolean; code?: string }> {
      socket?.close();
      const client = connect(`${daemon.url}/ui`, {
        ca: daemon.ca,
        transports: ['websocket'],
        reconnection: false,
        ...(token === undefined ? {} : { auth: { token } }),
      });
      socket = client;
      return new Promise((resolve) => {
        client.once('connect', () => resolve({ connected: true }));
        client.once('connect_error', (err: Error & { data?: { code?: string } }) =>
          resolve({ connected: false, ...(err.data?.code ? { code: err.data.code } : {}) }),
        );
      });
    }

    it('refuses a handshake without a credential', async () => {
      expect(await handshake()).toEqual({ connected: false, code: 'ERR_INVALID_CREDENTIALS' });
    });

    it('admits a handshake with a login token', async () => {
      expect(await handshake(await daemon.login(VIEWER))).toEqual({ connected: true });
    });
  });
});

describe('starting with auth on', () => {
  it('refuses to start with no admin, saying how to create one', async () => {
    const workDir = await workDirWithUsers([VIEWER]);
    try {
      const starting = startDaemon(
        resolveDaemonOptions({
          port: 0,
          workDir,
          logLevel: 'silent',
          agent: false,
          plugins: [],
          auth: true,
        }),
        createLogger('silent'),
      );
      await expect(starting).rejects.toMatchObject({
        code: 'MESOLITE_ERR_NO_ADMIN_USER',
        message: expect.stringContaining(
          `mesolite user add NAME --role admin --work-dir ${workDir}`,
        ),
      });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it('counts an LDAP group mapped to admin from --ldap-config as someone who can log in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-ldap-config-'));
    const file = join(dir, 'ldap.json');
    await writeFile(
      file,
      JSON.stringify({
        host: '127.0.0.1',
        port: 1,
        dntemplate: 'uid=%(username)s,ou=people,dc=example,dc=com',
        'group-search': {
          'search-base': 'ou=groups,dc=example,dc=com',
          'search-filter-template': '(cn=%(groupname)s)',
        },
        'group-roles': { 'cluster-admins': 'admin' },
      }),
    );
    try {
      const daemon = await startSecureDaemon({ users: [], ldapConfig: file });
      await daemon.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('admits framework principals from --credentials with HTTP Basic, and only with their secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-credentials-'));
    const file = join(dir, 'credentials.json');
    await writeFile(
      file,
      JSON.stringify({ credentials: [{ principal: 'marathon', secret: 'framework-secret' }] }),
    );
    const daemon = await startSecureDaemon({ credentials: file });
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`marathon:${secret}`).toString('base64')}`;
    try {
      const right = await daemon.fetch()(`${daemon.url}/master/state`, {
        headers: { authorization: basic('framework-secret') },
      });
      expect(right.status).toBe(200);
      const wrong = await daemon.fetch()(`${daemon.url}/master/state`, {
        headers: { authorization: basic('not-the-secret') },
      });
      expect(wrong.status).toBe(401);
    } finally {
      await daemon.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs its own agent over TLS with the join token', async () => {
    const daemon = await startSecureDaemon({ agent: true });
    try {
      expect(daemon.master.agents.size).toBe(1);
    } finally {
      await daemon.stop();
    }
  });
});

describe('a daemon without --auth on loopback', () => {
  it('serves plain HTTP without login, as before', async () => {
    const workDir = await workDirWithUsers([]);
    const daemon = await startDaemon(
      resolveDaemonOptions({ port: 0, workDir, logLevel: 'silent', agent: false, plugins: [] }),
      createLogger('silent'),
    );
    try {
      expect(daemon.url).toMatch(/^http:\/\//);
      expect(daemon.joinToken).toBeUndefined();
      expect((await fetch(`${daemon.url}/master/state`)).status).toBe(200);
    } finally {
      await daemon.stop();
      await rm(workDir, { recursive: true, force: true });
    }
  });
});

describe('a daemon on a LAN address', () => {
  const lan = firstLanAddress();

  it.skipIf(lan === undefined)('serves HTTPS and asks for a login without --auth', async () => {
    const daemon = await startSecureDaemon({ host: lan ?? '', auth: false });
    try {
      expect(daemon.url).toBe(`https://${lan}:${new URL(daemon.url).port}`);
      // The certificate names the address, so a client trusting the CA verifies it.
      expect((await daemon.fetch()(`${daemon.url}/health`)).status).toBe(200);
      expect((await daemon.fetch()(`${daemon.url}/master/state`)).status).toBe(401);
    } finally {
      await daemon.stop();
    }
  });
});
