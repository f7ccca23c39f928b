import { createServer } from 'node:net';
import { chooseDaemon } from '@mesolite/electron/daemon-choice';
import { connectDaemon, probeHealth } from '@mesolite/electron/daemon-connection';
import { embeddedDaemonOptions } from '@mesolite/electron/embedded-daemon-options';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';

const EMBEDDED = { mode: 'embedded', url: 'http://127.0.0.1:5050' } as const;
const CONFIGURED = { mode: 'connect', url: 'http://mesos.lan:5050' } as const;

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('choosing the daemon after probing it', () => {
  it('uses a configured daemon that answers', () => {
    expect(chooseDaemon(CONFIGURED, true)).toEqual({ kind: 'use', url: CONFIGURED.url });
  });

  it('reports a configured daemon that does not answer, rather than showing another', () => {
    expect(chooseDaemon(CONFIGURED, false)).toEqual({ kind: 'unreachable', url: CONFIGURED.url });
  });

  it('reuses a daemon already serving the default URL instead of starting a second', () => {
    expect(chooseDaemon(EMBEDDED, true)).toEqual({ kind: 'use', url: EMBEDDED.url });
  });

  it('starts the embedded daemon when nothing serves the default URL', () => {
    expect(chooseDaemon(EMBEDDED, false)).toEqual({ kind: 'start', url: EMBEDDED.url });
  });
});

describe('the embedded daemon’s options', () => {
  const options = embeddedDaemonOptions({ url: EMBEDDED.url, workDir: '/home/ada/.mesolite' });

  it('runs master, agent and every installed plugin, as `mesolite up` does', () => {
    expect(options.agent).toBe(true);
    expect(options.plugins).toBeUndefined();
  });

  it('listens where the launch plan expects it', () => {
    expect({ host: options.host, port: options.port }).toEqual({ host: '127.0.0.1', port: 5050 });
  });

  it('keeps its state in the given work dir', () => {
    expect(options.workDir).toBe('/home/ada/.mesolite');
  });

  it('accepts an IPv6 loopback URL', () => {
    const v6 = embeddedDaemonOptions({ url: 'http://[::1]:5151', workDir: '/tmp/m' });
    expect({ host: v6.host, port: v6.port }).toEqual({ host: '::1', port: 5151 });
  });

  it('refuses to listen beyond loopback', () => {
    expect(() => embeddedDaemonOptions({ url: 'http://0.0.0.0:5050', workDir: '/tmp/m' })).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INSECURE_BIND' }),
    );
  });
});

describe('connecting to a daemon', () => {
  let daemon: TestDaemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
  });

  it('finds a healthy daemon by its /health', async () => {
    daemon = await startTestDaemon();
    expect(await probeHealth(daemon.url)).toBeUndefined();
  });

  it('says why a daemon is not healthy', async () => {
    const port = await closedPort();
    expect(await probeHealth(`http://127.0.0.1:${port}`)).toMatch(/ECONNREFUSED/);
  });

  it('connects to a configured daemon without owning it', async () => {
    daemon = await startTestDaemon();
    const connection = await connectDaemon({
      plan: { mode: 'connect', url: daemon.url },
      workDir: daemon.workDir,
    });
    expect(connection).toMatchObject({ url: daemon.url, embedded: false });
    await connection.close();
    expect(await probeHealth(daemon.url)).toBeUndefined();
  });

  it('fails with an actionable error when the configured daemon is down', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expect(
      connectDaemon({ plan: { mode: 'connect', url }, workDir: '/nonexistent' }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_DAEMON_UNREACHABLE',
      message: expect.stringContaining(`${url}/health`),
    });
  });

  it('starts the embedded daemon when none answers, and stops it on close', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const connection = await connectDaemon({
      plan: { mode: 'embedded', url },
      workDir: '/nonexistent',
      start: async () => {
        daemon = await startTestDaemon();
        return daemon;
      },
    });
    const started = daemon;
    expect(connection).toMatchObject({ url: started?.url, embedded: true });
    expect(await probeHealth(connection.url)).toBeUndefined();
    await connection.close();
    expect(await probeHealth(connection.url)).toBeDefined();
  });

  it('reuses a daemon already answering at the embedded URL, and leaves it running', async () => {
    daemon = await startTestDaemon();
    let starts = 0;
    const connection = await connectDaemon({
      plan: { mode: 'embedded', url: daemon.url },
      workDir: daemon.workDir,
      start: async () => {
        starts += 1;
        throw new Error('must not start');
      },
    });
    expect(connection).toMatchObject({ url: daemon.url, embedded: false });
    await connection.close();
    expect(starts).toBe(0);
    expect(await probeHealth(daemon.url)).toBeUndefined();
  });
});
