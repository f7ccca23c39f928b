/**
 * Each kind of check against a real peer on loopback: HTTP(S) servers, a TCP server,
 * and commands run with `sh -c` as the containerizer would run them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Server as TcpServer,
} from 'node:net';
import {
  HealthChecker,
  type HealthCheckerOptions,
  type RunCheckCommand,
} from '@mesolite/daemon/agent/health/health-checker';
import type { HealthCheck } from '@mesolite/daemon/protocol/mesos';
import { afterEach, describe, expect, it } from 'vitest';
import { hasOpenssl, selfSignedCertificate } from './self-signed.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

async function httpServer(handler: Handler): Promise<number> {
  return listen(createHttpServer(handler));
}

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});

/** What the process containerizer does for a COMMAND check: `sh -c`, killed at the timeout. */
const runWithSh: RunCheckCommand = (command, timeoutMs) =>
  new Promise((resolve) => {
    const child = spawn('sh', ['-c', command.value ?? ''], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    children.add(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('close', (code) => {
      children.delete(child);
      resolve({ exitCode: code, output });
    });
  });

interface Watched {
  changes: boolean[];
  kills: string[];
}

/**
 * Runs `check` every 20 ms (no delay, no grace period, one failure kills) until the
 * first result is reported, and returns what was reported by then.
 */
async function firstResult(
  check: HealthCheck,
  extra: Partial<HealthCheckerOptions> = {},
): Promise<Watched> {
  const watched: Watched = { changes: [], kills: [] };
  let reported: () => void = () => undefined;
  const first = new Promise<void>((resolve) => {
    reported = resolve;
  });
  const checker = new HealthChecker({
    check: {
      delay_seconds: 0,
      interval_seconds: 0.02,
      grace_period_seconds: 0,
      consecutive_failures: 1,
      ...check,
    },
    host: '127.0.0.1',
    runCommand: runWithSh,
    onHealthChange: (healthy) => {
      watched.changes.push(healthy);
      reported();
    },
    onUnhealthy: (message) => watched.kills.push(message),
    ...extra,
  });
  closers.push(async () => checker.stop());
  checker.start();
  await first;
  return watched;
}

describe('HTTP checks', () => {
  it('reports a 200 as healthy', async () => {
    const port = await httpServer((_req, res) => res.writeHead(200).end('ok'));
    expect((await firstResult({ type: 'HTTP', http: { port, path: '/health' } })).changes).toEqual([
      true,
    ]);
  });

  it('requests the path on the given host and port', async () => {
    const paths: string[] = [];
    const port = await httpServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await firstResult({ type: 'HTTP', http: { port, path: '/ping?deep=1' } });
    expect(paths[0]).toBe('/ping?deep=1');
  });

  it('reports a 500 as unhealthy, with the status in the message', async () => {
    const port = await httpServer((_req, res) => res.writeHead(500).end());
    expect(await firstResult({ type: 'HTTP', http: { port } })).toEqual({
      changes: [false],
      kills: [
        'HTTP health check failed 1 times consecutively: Unexpected HTTP response code: 500 Internal Server Error',
      ],
    });
  });

  it("reports a 4xx as unhealthy, as Mesos's [200, 399] rule says", async () => {
    const port = await httpServer((_req, res) => res.writeHead(404).end());
    expect((await firstResult({ type: 'HTTP', http: { port } })).changes).toEqual([false]);
  });

  it('reports a 3xx it cannot follow as healthy', async () => {
    const port = await httpServer((_req, res) => res.writeHead(304).end());
    expect((await firstResult({ type: 'HTTP', http: { port } })).changes).toEqual([true]);
  });

  it('follows redirects and judges the final status', async () => {
    const port = await httpServer((req, res) => {
      if (req.url === '/health') res.writeHead(302, { location: '/down' }).end();
      else res.writeHead(503).end();
    });
    expect((await firstResult({ type: 'HTTP', http: { port, path: '/health' } })).kills).toEqual([
      'HTTP health check failed 1 times consecutively: Unexpected HTTP response code: 503 Service Unavailable',
    ]);
  });

  it('accepts exactly the listed statuses when statuses is set', async () => {
    const port = await httpServer((_req, res) => res.writeHead(503).end());
    expect(
      (await firstResult({ type: 'HTTP', http: { port, statuses: [200, 503] } })).changes,
    ).toEqual([true]);
  });

  it('refuses a status in [200, 399] that statuses does not list', async () => {
    const port = await httpServer((_req, res) => res.writeHead(200).end());
    expect((await firstResult({ type: 'HTTP', http: { port, statuses: [204] } })).changes).toEqual([
      false,
    ]);
  });

  it('reports a refused connection as unhealthy', async () => {
    const port = await closedPort();
    const result = await firstResult({ type: 'HTTP', http: { port } });
    expect(result.kills[0]).toContain('ECONNREFUSED');
  });

  it('fails a check that gets no answer within timeout_seconds', async () => {
    const port = await httpServer(() => undefined);
    const started = Date.now();
    const result = await firstResult({ type: 'HTTP', http: { port }, timeout_seconds: 0.2 });
    expect(result.kills).toEqual([
      'HTTP health check failed 1 times consecutively: HTTP health check timed out after 0.2s',
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('reports a task that stops answering as unhealthy after it was healthy', async () => {
    let up = true;
    const port = await httpServer((_req, res) => res.writeHead(up ? 200 : 503).end());
    const changes: boolean[] = [];
    let killed: (message: string) => void = () => undefined;
    const kill = new Promise<string>((resolve) => {
      killed = resolve;
    });
    const checker = new HealthChecker({
      check: {
        type: 'HTTP',
        http: { port },
        delay_seconds: 0,
        interval_seconds: 0.02,
        grace_period_seconds: 0,
        consecutive_failures: 3,
      },
      host: '127.0.0.1',
      onHealthChange: (healthy) => {
        changes.push(healthy);
        if (healthy) up = false;
      },
      onUnhealthy: killed,
    });
    closers.push(async () => checker.stop());
    checker.start();
    expect(await kill).toContain('failed 3 times consecutively');
    expect(changes).toEqual([true, false]);
  });
});

describe('HTTPS checks', () => {
  const openssl = hasOpenssl();

  it.skipIf(!openssl)('checks over TLS without verifying the certificate, as curl -k', async () => {
    const tls = await selfSignedCertificate();
    const port = await listen(createHttpsServer(tls, (_req, res) => res.writeHead(200).end()));
    expect((await firstResult({ type: 'HTTP', http: { port, scheme: 'https' } })).changes).toEqual([
      true,
    ]);
  });

  it.skipIf(!openssl)('reports an HTTPS error status as unhealthy', async () => {
    const tls = await selfSignedCertificate();
    const port = await listen(createHttpsServer(tls, (_req, res) => res.writeHead(502).end()));
    expect((await firstResult({ type: 'HTTP', http: { port, scheme: 'https' } })).changes).toEqual([
      false,
    ]);
  });
});

describe('TCP checks', () => {
  it('reports a port that accepts connections as healthy', async () => {
    const server = createTcpServer((socket) => socket.end());
    const port = await listen(server);
    expect((await firstResult({ type: 'TCP', tcp: { port } })).changes).toEqual([true]);
  });

  it('reports a port that refuses connections as unhealthy', async () => {
    const port = await closedPort();
    expect((await firstResult({ type: 'TCP', tcp: { port } })).kills).toEqual([
      `TCP health check failed 1 times consecutively: TCP connection to 127.0.0.1:${port} failed: ECONNREFUSED`,
    ]);
  });
});

describe('COMMAND checks', () => {
  it('reports exit status 0 as healthy', async () => {
    expect((await firstResult({ type: 'COMMAND', command: { value: 'exit 0' } })).changes).toEqual([
      true,
    ]);
  });

  it('reports another exit status as unhealthy, with the last line of output', async () => {
    expect(
      (await firstResult({ type: 'COMMAND', command: { value: 'echo db is down >&2; exit 3' } }))
        .kills,
    ).toEqual([
      'COMMAND health check failed 1 times consecutively: Command exited with status 3: db is down',
    ]);
  });

  it('fails a command that runs past timeout_seconds, even if the runner does not stop it', async () => {
    const result = await firstResult(
      { type: 'COMMAND', command: { value: 'exec sleep 5' }, timeout_seconds: 0.2 },
      // A runner that ignores the timeout: the checker's own timeout must still end the check.
      { runCommand: (command) => runWithSh(command, 0) },
    );
    expect(result.kills).toEqual([
      'COMMAND health check failed 1 times consecutively: COMMAND health check timed out after 0.2s',
    ]);
  });
});
