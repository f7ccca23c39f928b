import { createServer } from 'node:net';
import { ServicePortInUseError } from '@mesolite/plugin-marathon/service-ports/service-port-errors';
import {
  ServicePortProxy,
  type ServicePortProxyOptions,
} from '@mesolite/plugin-marathon/service-ports/service-port-proxy';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backendOf,
  closeAll,
  deadPort,
  EchoServer,
  onCleanup,
  TextClient,
} from './tcp-fixtures.js';

async function startProxy(options: Partial<ServicePortProxyOptions> = {}) {
  const proxy = new ServicePortProxy({ host: '127.0.0.1', port: 0, ...options });
  onCleanup(() => proxy.stop());
  await proxy.start();
  return proxy;
}

afterEach(closeAll);

describe('ServicePortProxy', () => {
  it('spreads connections held open evenly over the backends', async () => {
    const a = await EchoServer.start('a');
    const b = await EchoServer.start('b');
    const proxy = await startProxy({ backends: [a.backend(), b.backend()] });
    const names: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const client = await TextClient.connect(proxy.port);
      names.push(await client.backendName());
    }
    expect(names.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('takes turns among equally loaded backends for short connections', async () => {
    const a = await EchoServer.start('a');
    const b = await EchoServer.start('b');
    const c = await EchoServer.start('c');
    const proxy = await startProxy({ backends: [a.backend(), b.backend(), c.backend()] });
    const names: string[] = [];
    for (let i = 0; i < 6; i += 1) names.push(await backendOf(proxy.port));
    expect(names).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('forwards the client’s bytes and the backend’s answers both ways', async () => {
    const a = await EchoServer.start('a');
    const proxy = await startProxy({ backends: [a.backend()] });
    const client = await TextClient.connect(proxy.port);
    client.write('ping');
    await client.waitFor(() => client.received === 'a\nping');
  });

  it('closes a connection at once when there is no backend', async () => {
    const proxy = await startProxy({ backends: [] });
    const client = await TextClient.connect(proxy.port);
    await client.waitForClose(1_000);
    expect(client.received).toBe('');
  });

  it('sends no new connection to a removed backend but lets its open ones finish', async () => {
    const a = await EchoServer.start('a');
    const b = await EchoServer.start('b');
    const proxy = await startProxy({ backends: [a.backend()] });
    const existing = await TextClient.connect(proxy.port);
    expect(await existing.backendName()).toBe('a');

    proxy.setBackends([b.backend()]);

    expect(await backendOf(proxy.port)).toBe('b');
    expect(await backendOf(proxy.port)).toBe('b');
    existing.write('still here');
    await existing.waitFor(() => existing.received === 'a\nstill here');
    expect(proxy.activeConnections('a')).toBe(1);
  });

  it('resolves a drain when the backend’s last connection closes', async () => {
    const a = await EchoServer.start('a');
    const proxy = await startProxy({ backends: [a.backend()] });
    const client = await TextClient.connect(proxy.port);
    await client.backendName();

    let outcome: string | undefined;
    const drained = proxy.drain('a').then((result) => {
      outcome = result;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outcome).toBeUndefined();

    client.destroy();
    await drained;
    expect(outcome).toBe('drained');
  });

  it('keeps a drained backend out of rotation even if it is listed again', async () => {
    const a = await EchoServer.start('a');
    const b = await EchoServer.start('b');
    const proxy = await startProxy({ backends: [a.backend(), b.backend()] });
    await proxy.drain('a');
    proxy.setBackends([a.backend(), b.backend()]);
    expect([await backendOf(proxy.port), await backendOf(proxy.port)]).toEqual(['b', 'b']);
  });

  it('gives up waiting for a drain after its timeout, leaving the connection open', async () => {
    const a = await EchoServer.start('a');
    const proxy = await startProxy({ backends: [a.backend()] });
    const client = await TextClient.connect(proxy.port);
    await client.backendName();
    expect(await proxy.drain('a', 50)).toBe('timed-out');
    expect(client.closed).toBe(false);
  });

  it('retries a connection on another backend when the chosen one refuses it', async () => {
    const live = await EchoServer.start('live');
    const dead = { id: 'dead', host: '127.0.0.1', port: await deadPort() };
    const proxy = await startProxy({ backends: [dead, live.backend()] });
    const client = await TextClient.connect(proxy.port);
    client.write('early bytes');
    await client.waitFor(() => client.received === 'live\nearly bytes');
    expect(proxy.activeConnections('dead')).toBe(0);
  });

  it('closes the client after one failed retry', async () => {
    const backends = await Promise.all(
      ['x', 'y', 'z'].map(async (id) => ({ id, host: '127.0.0.1', port: await deadPort() })),
    );
    const proxy = await startProxy({ backends });
    const client = await TextClient.connect(proxy.port);
    await client.waitForClose();
    expect(proxy.activeConnections()).toBe(0);
  });

  it('passes a client’s half-close on and still delivers the answer', async () => {
    // A backend that answers only once the request is complete, as HTTP/1.0 or a
    // `nc -N` client expects.
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      let request = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        request += chunk;
      });
      socket.on('end', () => socket.end(`got ${request}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    const proxy = await startProxy({
      backends: [{ id: 'h', host: '127.0.0.1', port: address.port }],
    });

    const client = await TextClient.connect(proxy.port, { allowHalfOpen: true });
    client.write('question');
    client.end();
    await client.waitForClose();
    expect(client.received).toBe('got question');
  });

  it('closes every client and backend socket when stopped', async () => {
    const a = await EchoServer.start('a');
    const proxy = await startProxy({ backends: [a.backend()] });
    const clients = [await TextClient.connect(proxy.port), await TextClient.connect(proxy.port)];
    for (const client of clients) await client.backendName();
    expect(a.sockets.size).toBe(2);

    await proxy.stop();

    for (const client of clients) await client.waitForClose();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(a.sockets.size).toBe(0);
    expect(proxy.listening).toBe(false);
  });

  it('refuses to start on a port another process holds', async () => {
    const holder = await EchoServer.start('holder');
    const proxy = new ServicePortProxy({ host: '127.0.0.1', port: holder.port });
    onCleanup(() => proxy.stop());
    await expect(proxy.start()).rejects.toBeInstanceOf(ServicePortInUseError);
  });
});
