import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommitStore } from '@mesolite/daemon/store/group-commit-store';
import { LevelStore } from '@mesolite/daemon/store/level-store';
import { MemoryStore } from '@mesolite/daemon/store/memory-store';
import type { JsonValue, Store, StoreEntry } from '@mesolite/daemon/store/store';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zooKeeperStoreImplementation } from '../ha/zookeeper-store-fixture.js';

interface Implementation {
  readonly name: string;
  open(): Promise<{ store: Store; dispose(): Promise<void> }>;
}

const zooKeeper = zooKeeperStoreImplementation();

const implementations: Implementation[] = [
  {
    name: 'MemoryStore',
    async open() {
      const store = new MemoryStore();
      return { store, dispose: () => store.close() };
    },
  },
  {
    name: 'LevelStore',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'mesolite-store-'));
      const store = await LevelStore.open(join(dir, 'db'));
      return {
        store,
        async dispose() {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'GroupCommitStore over LevelStore',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'mesolite-store-'));
      const store = GroupCommitStore.wrap(await LevelStore.open(join(dir, 'db')));
      return {
        store,
        async dispose() {
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  zooKeeper,
];
afterAll(() => zooKeeper.stopServer());

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function coded(code: string): unknown {
  return expect.objectContaining({ code });
}

describe.each(implementations)('$name', (implementation) => {
  let store: Store;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ store, dispose } = await implementation.open());
  });
  afterEach(async () => {
    await dispose();
  });

  describe('get, put and del', () => {
    it('returns undefined for a key that was never written', async () => {
      expect(await store.get('missing')).toBeUndefined();
    });

    it.each<[string, JsonValue]>([
      ['null', null],
      ['false', false],
      ['zero', 0],
      ['a negative fraction', -12.5],
      ['an empty string', ''],
      ['text with every kind of character', 'tâche 任务 😀 "quoted"\n\u0000'],
      ['an empty array', []],
      ['an empty object', {}],
      ['a nested document', { framework: { id: 'f-1', roles: ['*'] }, tasks: [{ cpus: 0.5 }] }],
    ])('round-trips %s', async (_label, value) => {
      await store.put('key', value);
      expect(await store.get('key')).toEqual(value);
    });

    it('keeps a copy, not the caller’s object', async () => {
      const app = { id: '/zombies', instances: 1 };
      await store.put('app', app);
      app.instances = 5;
      const read = await store.get('app');
      expect(read).toEqual({ id: '/zombies', instances: 1 });
      expect(read).not.toBe(await store.get('app'));
    });

    it('drops undefined properties, as JSON does', async () => {
      const value = { a: 1, b: undefined };
      await store.put('key', value as unknown as JsonValue);
      expect(await store.get('key')).toStrictEqual({ a: 1 });
    });

    it('overwrites, and deletes', async () => {
      await store.put('key', 1);
      await store.put('key', 2);
      expect(await store.get('key')).toBe(2);
      await store.del('key');
      expect(await store.get('key')).toBeUndefined();
    });

    it('treats deleting a missing key as done', async () => {
      await expect(store.del('missing')).resolves.toBeUndefined();
    });

    it.each([
      ['the empty key', ''],
      ['a key with a lone surrogate', 'a\uD800b'],
    ])('refuses %s', async (_label, key) => {
      await expect(store.put(key, 1)).rejects.toThrow(coded('MESOLITE_ERR_STORE_KEY'));
      await expect(store.get(key)).rejects.toThrow(coded('MESOLITE_ERR_STORE_KEY'));
      await expect(store.del(key)).rejects.toThrow(coded('MESOLITE_ERR_STORE_KEY'));
    });

    it.each<[string, unknown]>([
      ['undefined', undefined],
      ['NaN', Number.NaN],
      ['a nested Infinity', { cpus: Number.POSITIVE_INFINITY }],
      ['a bigint', 1n],
      ['a function', () => 1],
    ])('refuses to store %s rather than store something else', async (_label, value) => {
      await store.put('key', 'before');
      await expect(store.put('key', value as JsonValue)).rejects.toThrow(
        coded('MESOLITE_ERR_STORE_VALUE'),
      );
      expect(await store.get('key')).toBe('before');
    });
  });

  describe('batch', () => {
    it('applies puts and dels in order, so the last operation on a key wins', async () => {
      await store.put('stale', true);
      await store.batch([
        { type: 'put', key: 'a', value: 1 },
        { type: 'del', key: 'stale' },
        { type: 'put', key: 'b', value: 2 },
        { type: 'del', key: 'a' },
        { type: 'put', key: 'b', value: 3 },
      ]);
      expect(await collect(store.entries())).toEqual([['b', 3]]);
    });

    it('does nothing for an empty batch', async () => {
      await store.batch([]);
      expect(await collect(store.keys())).toEqual([]);
    });

    it('writes nothing when an operation late in the batch is invalid', async () => {
      await store.put('kept', 'original');
      await expect(
        store.batch([
          { type: 'put', key: 'kept', value: 'changed' },
          { type: 'put', key: 'new', value: 1 },
          { type: 'del', key: '' },
        ]),
      ).rejects.toThrow(coded('MESOLITE_ERR_STORE_KEY'));
      await expect(
        store.batch([
          { type: 'del', key: 'kept' },
          { type: 'put', key: 'bad', value: Number.NaN },
        ]),
      ).rejects.toThrow(coded('MESOLITE_ERR_STORE_VALUE'));
      expect(await collect(store.entries())).toEqual([['kept', 'original']]);
    });
  });

  describe('entries and keys', () => {
    // JavaScript's < compares UTF-16 code units and would put 😀 (a surrogate pair)
    // before U+E000; LevelDB compares UTF-8 bytes, which is code point order.
    const inByteOrder = ['A', 'a', 'a/b', 'a0', 'b', 'é', '\uE000', '😀'];

    beforeEach(async () => {
      const shuffled = [...inByteOrder].reverse();
      for (const key of shuffled) await store.put(key, key);
    });

    it('lists every key in UTF-8 byte order', async () => {
      expect(await collect(store.keys())).toEqual(inByteOrder);
      expect(await collect(store.entries())).toEqual(inByteOrder.map((key) => [key, key]));
    });

    it('lists only the keys that start with the prefix', async () => {
      expect(await collect(store.keys('a'))).toEqual(['a', 'a/b', 'a0']);
      expect(await collect(store.keys('a/'))).toEqual(['a/b']);
      expect(await collect(store.keys('c'))).toEqual([]);
      expect(await collect(store.entries('é'))).toEqual([['é', 'é']]);
    });

    it('includes keys continuing with the highest code points', async () => {
      await store.put('p\u{10FFFF}\u{10FFFF}', 1);
      await store.put('p\uFFFF', 2);
      await store.put('q', 3);
      expect(await collect(store.keys('p'))).toEqual(['p\uFFFF', 'p\u{10FFFF}\u{10FFFF}']);
    });

    it('does not see writes made while iterating', async () => {
      const seen: StoreEntry[] = [];
      for await (const entry of store.entries()) {
        if (seen.length === 0) {
          await store.put('zzz', 'written during iteration');
          await store.del('😀');
        }
        seen.push(entry);
      }
      expect(seen.map(([key]) => key)).toEqual(inByteOrder);
      expect(await store.get('zzz')).toBe('written during iteration');
    });

    it('can be left early and the store goes on working', async () => {
      for await (const key of store.keys()) {
        expect(key).toBe('A');
        break;
      }
      await store.put('after', 1);
      expect(await store.get('after')).toBe(1);
    });
  });

  describe('namespaces', () => {
    it('keeps a namespace’s keys to itself, visible to the parent under name/', async () => {
      const marathon = store.namespace('marathon');
      await marathon.put('apps/zombies', { instances: 3 });
      await store.put('apps/zombies', 'root copy');

      expect(await marathon.get('apps/zombies')).toEqual({ instances: 3 });
      expect(await collect(marathon.keys())).toEqual(['apps/zombies']);
      expect(await collect(store.keys())).toEqual(['apps/zombies', 'marathon/apps/zombies']);
    });

    it('keeps siblings apart, even when one name is a prefix of the other', async () => {
      const mar = store.namespace('mar');
      const marathon = store.namespace('marathon');
      await marathon.put('x', 'marathon');
      await mar.put('athon/x', 'mar');

      expect(await collect(mar.entries())).toEqual([['athon/x', 'mar']]);
      expect(await collect(marathon.entries())).toEqual([['x', 'marathon']]);
      expect(await mar.get('athon/x')).toBe('mar');
      expect(await collect(mar.keys('athon'))).toEqual(['athon/x']);
    });

    it.each(['../x', '../marathon/x', '/x', '..', '../../etc/passwd', '\u0000x'])(
      'keeps the key %j inside the namespace',
      async (key) => {
        await store.put('secret', 'root');
        await store.namespace('chronos').put('x', 'chronos');
        const marathon = store.namespace('marathon');

        await marathon.put(key, 'marathon');
        expect(await marathon.get(key)).toBe('marathon');
        expect(await store.get('secret')).toBe('root');
        expect(await store.namespace('chronos').get('x')).toBe('chronos');
        expect(await collect(store.keys())).toEqual(
          ['chronos/x', `marathon/${key}`, 'secret'].sort(),
        );
      },
    );

    it('cannot list outside itself whatever the prefix', async () => {
      await store.put('secret', 'root');
      await store.namespace('chronos').put('x', 1);
      const marathon = store.namespace('marathon');
      await marathon.put('own', 1);

      for (const prefix of ['', '..', '../', '/', '\u0000', 'c']) {
        expect(await collect(marathon.keys(prefix))).toEqual(prefix === '' ? ['own'] : []);
      }
    });

    it.each(['', '.', '..', 'a/b', '../x', '/', 'mar athon', '-x', 'é', 'a\u0000'])(
      'refuses the namespace name %j',
      (name) => {
        expect(() => store.namespace(name)).toThrow(coded('MESOLITE_ERR_STORE_NAMESPACE'));
      },
    );

    it('nests', async () => {
      const plugins = store.namespace('plugins');
      const aurora = plugins.namespace('aurora');
      await aurora.put('jobs/web', { instances: 2 });
      await aurora.batch([
        { type: 'put', key: 'jobs/db', value: 1 },
        { type: 'del', key: 'jobs/web' },
      ]);

      expect(await collect(aurora.entries('jobs/'))).toEqual([['jobs/db', 1]]);
      expect(await collect(plugins.keys())).toEqual(['aurora/jobs/db']);
      expect(await store.get('plugins/aurora/jobs/db')).toBe(1);
    });

    it('once closed, refuses everything, as do namespaces made from it', async () => {
      const plugins = store.namespace('plugins');
      const chronos = plugins.namespace('chronos');
      await plugins.close();

      const closed = coded('MESOLITE_ERR_STORE_CLOSED');
      await expect(plugins.get('x')).rejects.toThrow(closed);
      await expect(chronos.put('x', 1)).rejects.toThrow(closed);
      await expect(collect(chronos.keys())).rejects.toThrow(closed);
      expect(() => plugins.namespace('marathon')).toThrow(closed);
      await plugins.close();
    });

    it('closing a namespace leaves the root store open', async () => {
      await store.namespace('marathon').close();
      await store.put('still', 'works');
      expect(await store.get('still')).toBe('works');
    });
  });

  describe('close', () => {
    it('refuses every operation afterwards, and closing twice is harmless', async () => {
      const marathon = store.namespace('marathon');
      await store.close();
      await store.close();

      const closed = coded('MESOLITE_ERR_STORE_CLOSED');
      await expect(store.get('x')).rejects.toThrow(closed);
      await expect(store.put('x', 1)).rejects.toThrow(closed);
      await expect(store.batch([])).rejects.toThrow(closed);
      await expect(collect(store.entries())).rejects.toThrow(closed);
      await expect(marathon.del('x')).rejects.toThrow(closed);
    });
  });
});
