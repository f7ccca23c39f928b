import { encodeZnodeKey } from '@mesolite/daemon/ha/znode-key';
import type { ZooKeeperConnection } from '@mesolite/daemon/ha/zookeeper-connection';
import { ZooKeeperStore } from '@mesolite/daemon/ha/zookeeper-store';
import type { Store } from '@mesolite/daemon/store/store';
import { beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait.js';
import { useZooKeeper } from './ha-fixture.js';

// The store contract itself (ordering, namespaces, batches, closing) runs against the
// ZooKeeperStore in test/daemon/store/store-contract.test.ts; these are what only a
// replicated store has to show.

const zk = useZooKeeper();
let root: string;

beforeEach(() => {
  root = `${zk.nextPath('mesolite')}/store`;
});

async function openStore(connection?: ZooKeeperConnection): Promise<Store> {
  return ZooKeeperStore.open({ connection: connection ?? (await zk.connect()), root });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function coded(code: string, statusCode?: number): unknown {
  return expect.objectContaining(statusCode === undefined ? { code } : { code, statusCode });
}

describe('ZooKeeperStore', () => {
  it('gives a master on another session exactly what the previous one acknowledged', async () => {
    const first = await openStore();
    const marathon = first.namespace('plugins').namespace('marathon');
    await marathon.batch([
      { type: 'put', key: 'apps/zombies', value: { instances: 3 } },
      { type: 'put', key: 'apps/web', value: { instances: 1 } },
    ]);
    await first.put('registry/agents/a1', { hostname: 'laptop' });

    const next = await openStore();
    expect(await collect(next.entries())).toEqual([
      ['plugins/marathon/apps/web', { instances: 1 }],
      ['plugins/marathon/apps/zombies', { instances: 3 }],
      ['registry/agents/a1', { hostname: 'laptop' }],
    ]);
  });

  it('keeps one znode per key under the root, with the JSON as its data', async () => {
    const connection = await zk.connect();
    const store = await openStore(connection);
    await store.put('tasks/t-1', { state: 'TASK_RUNNING' });
    expect(await connection.getChildren(root)).toEqual([encodeZnodeKey('tasks/t-1')]);
    const node = await connection.getData(`${root}/${encodeZnodeKey('tasks/t-1')}`);
    expect(node?.data.toString('utf8')).toBe('{"state":"TASK_RUNNING"}');
  });

  it('writes only the keys whose value changes', async () => {
    const connection = await zk.connect();
    const store = await openStore(connection);
    await store.batch([
      { type: 'put', key: 'same', value: { n: 1 } },
      { type: 'put', key: 'changed', value: { n: 1 } },
    ]);
    const version = async (key: string) =>
      (await connection.getData(`${root}/${encodeZnodeKey(key)}`))?.stat.version;
    const before = { same: await version('same'), changed: await version('changed') };

    await store.batch([
      { type: 'put', key: 'same', value: { n: 1 } },
      { type: 'put', key: 'changed', value: { n: 2 } },
      { type: 'del', key: 'never-written' },
    ]);

    expect(await version('same')).toBe(before.same);
    expect(await version('changed')).toBe((before.changed ?? 0) + 1);
  });

  it('applies racing batches from two writers whole, never a mix of two', async () => {
    const [one, two] = [await openStore(), await openStore()];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? one : two).batch([
          { type: 'put', key: 'framework', value: i },
          { type: 'put', key: 'tasks', value: i },
        ]),
      ),
    );
    const entries = Object.fromEntries(await collect(one.entries()));
    expect(entries.framework).toBe(entries.tasks);
  });

  it('stores a value just under 1 MB', async () => {
    const store = await openStore();
    const large = 'x'.repeat(990_000);
    await store.put('large', large);
    expect(await store.get('large')).toBe(large);
  });

  it('refuses a value over 1 MB with a clear error, and writes nothing of its batch', async () => {
    const store = await openStore();
    await expect(
      store.batch([
        { type: 'put', key: 'small', value: 1 },
        { type: 'put', key: 'huge', value: 'x'.repeat(1_100_000) },
      ]),
    ).rejects.toThrow(coded('MESOLITE_ERR_ZK_VALUE_TOO_LARGE', 413));
    expect(await collect(store.keys())).toEqual([]);
  });

  it('refuses a batch larger than one ZooKeeper transaction, and writes none of it', async () => {
    const store = await openStore();
    const third = 'x'.repeat(400_000);
    await expect(
      store.batch([
        { type: 'put', key: 'a', value: third },
        { type: 'put', key: 'b', value: third },
        { type: 'put', key: 'c', value: third },
      ]),
    ).rejects.toThrow(coded('MESOLITE_ERR_ZK_BATCH_TOO_LARGE', 413));
    expect(await collect(store.keys())).toEqual([]);
  });

  it('fails at once with a 503 error while ZooKeeper is down, and resumes with its data when it is back', async () => {
    const connection = await zk.connect();
    const store = await openStore(connection);
    await store.put('acknowledged', 'kept');

    await zk.server.kill();
    try {
      await waitFor('the connection to drop', async () =>
        connection.connected ? undefined : true,
      );
      await expect(store.put('during-outage', 1)).rejects.toThrow(
        coded('MESOLITE_ERR_ZK_UNAVAILABLE', 503),
      );
      await expect(store.get('acknowledged')).rejects.toThrow(
        coded('MESOLITE_ERR_ZK_UNAVAILABLE', 503),
      );
    } finally {
      await zk.server.start();
    }

    await connection.waitUntilConnected();
    await store.put('after-outage', 2);
    expect(await collect(store.entries())).toEqual([
      ['acknowledged', 'kept'],
      ['after-outage', 2],
    ]);
  });
});
