import { ServicePortConflictError } from '@mesolite/plugin-marathon/service-ports/service-port-errors';
import { ServicePortManager } from '@mesolite/plugin-marathon/service-ports/service-port-manager';
import { afterEach, describe, expect, it } from 'vitest';
import {
  backendOf,
  closeAll,
  deadPort,
  EchoServer,
  onCleanup,
  TextClient,
} from './tcp-fixtures.js';

function startManager(): ServicePortManager {
  const manager = new ServicePortManager({ host: '127.0.0.1' });
  onCleanup(() => manager.stop());
  return manager;
}

/** An instance with one echo server per host port, named `<id>:<index>`. */
async function instance(id: string, portCount: number) {
  const servers = await Promise.all(
    Array.from({ length: portCount }, (_, index) => EchoServer.start(`${id}:${index}`)),
  );
  return { id, host: '127.0.0.1', ports: servers.map((server) => server.port) };
}

afterEach(closeAll);

describe('ServicePortManager', () => {
  it('serves each service port of an app from the instances’ host ports at that index', async () => {
    const manager = startManager();
    const [first, second] = [await deadPort(), await deadPort()];
    await manager.syncApp('/web', [first, second], [await instance('i1', 2)]);

    expect(manager.ports).toEqual([first, second].sort((a, b) => a - b));
    expect(await backendOf(first)).toBe('i1:0');
    expect(await backendOf(second)).toBe('i1:1');
  });

  it('follows an app’s instances as they change', async () => {
    const manager = startManager();
    const servicePort = await deadPort();
    await manager.syncApp('/web', [servicePort], [await instance('old', 1)]);
    await manager.syncApp('/web', [servicePort], [await instance('new', 1)]);
    expect(await backendOf(servicePort)).toBe('new:0');
  });

  it('stops the ports an app no longer has', async () => {
    const manager = startManager();
    const [kept, dropped] = [await deadPort(), await deadPort()];
    const instances = [await instance('i1', 2)];
    await manager.syncApp('/web', [kept, dropped], instances);
    await manager.syncApp('/web', [kept], instances);

    expect(manager.ports).toEqual([kept]);
    await expect(TextClient.connect(dropped)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('skips service ports not yet assigned (0)', async () => {
    const manager = startManager();
    await manager.syncApp('/web', [0], [await instance('i1', 1)]);
    expect(manager.ports).toEqual([]);
  });

  it('refuses a service port that another app already has', async () => {
    const manager = startManager();
    const servicePort = await deadPort();
    await manager.syncApp('/a', [servicePort], []);
    await expect(manager.syncApp('/b', [servicePort], [])).rejects.toBeInstanceOf(
      ServicePortConflictError,
    );
  });

  it('stops every port of a removed app', async () => {
    const manager = startManager();
    const ports = [await deadPort(), await deadPort()];
    await manager.syncApp('/web', ports, []);
    await manager.syncApp('/other', [await deadPort()], []);
    await manager.removeApp('/web');
    expect(manager.ports).toHaveLength(1);
  });

  it('drains an instance on every port that balances to it', async () => {
    const manager = startManager();
    const servicePort = await deadPort();
    await manager.syncApp('/web', [servicePort], [await instance('i1', 1)]);
    const client = await TextClient.connect(servicePort);
    await client.backendName();

    const drained = manager.drain('i1', 5_000);
    client.destroy();
    expect(await drained).toBe('drained');
  });

  it('closes every connection on every port when stopped', async () => {
    const manager = startManager();
    const ports = [await deadPort(), await deadPort()];
    await manager.syncApp('/web', ports, [await instance('i1', 2)]);
    const clients = await Promise.all(ports.map((port) => TextClient.connect(port)));
    for (const client of clients) await client.backendName();

    await manager.stop();

    for (const client of clients) await client.waitForClose();
    expect(manager.ports).toEqual([]);
  });
});
