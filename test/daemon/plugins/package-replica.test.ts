import { randomBytes } from 'node:crypto';
import { ZooKeeperConnection } from '@mesolite/daemon/ha/zookeeper-connection';
import { ZooKeeperStore } from '@mesolite/daemon/ha/zookeeper-store';
import { PackageIntegrityError } from '@mesolite/daemon/plugins/package-chunks';
import { PackageReplica } from '@mesolite/daemon/plugins/package-replica';
import type { Store } from '@mesolite/daemon/store/store';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ZooKeeperServer, zookeeperServer } from '../../support/real-services.js';

// A ZooKeeperStore that refuses, as ZooKeeper itself would at 1 MB, any value over 4 KB
// and any transaction over 10 KB: a package of 50 KB only fits chunked and batched.
const MAX_VALUE_BYTES = 4096;
const MAX_BATCH_BYTES = 10_000;
const LIMITS = { chunkBytes: 3000, maxBatchBytes: 9500 };

let zk: ZooKeeperServer;
let connection: ZooKeeperConnection;
let run = 0;
let store: ZooKeeperStore | undefined;

beforeAll(async () => {
  zk = await zookeeperServer({ tickTime: 500 });
  connection = new ZooKeeperConnection({ connectionString: zk.connectionString });
  await connection.waitUntilConnected();
});
afterAll(async () => {
  await connection?.close();
  await zk?.stop();
});
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function replica(): Promise<{ replica: PackageReplica; store: Store }> {
  run += 1;
  store = await ZooKeeperStore.open({
    connection,
    root: `/package-replica-${run}/store`,
    maxValueBytes: MAX_VALUE_BYTES,
    maxBatchBytes: MAX_BATCH_BYTES,
  });
  const packages = store.namespace('plugin-packages');
  return { replica: new PackageReplica(packages, LIMITS), store: packages };
}

async function keys(store: Store, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const key of store.keys(prefix)) found.push(key);
  return found;
}

describe('installed plugin packages in the replicated store', () => {
  it('stores a package far over one znode in chunks and batches, and reads it back byte for byte', async () => {
    const { replica: packages, store: raw } = await replica();
    const tgz = randomBytes(50_000);
    const { record, previous } = await packages.write('ledger', '1.0.0', tgz);
    expect(previous).toBeUndefined();
    expect(record).toMatchObject({ name: 'ledger', version: '1.0.0', bytes: 50_000, chunks: 17 });
    expect(await keys(raw, `chunks/${record.key}/`)).toHaveLength(17);
    expect((await packages.read(record)).equals(tgz)).toBe(true);
    expect(await packages.list()).toEqual({ records: [record], damaged: [] });
  });

  it('replaces a package under a new key, and deletes the old chunks only once committed', async () => {
    const { replica: packages, store: raw } = await replica();
    const first = await packages.write('ledger', '1.0.0', randomBytes(7000));
    const second = randomBytes(9000);
    const change = await packages.write('ledger', '2.0.0', second);
    expect(change.previous).toEqual(first.record);
    expect(change.record.key).not.toBe(first.record.key);
    // Between the switch and the commit both packages are whole.
    expect(await packages.get('ledger')).toEqual(change.record);
    expect(await keys(raw, `chunks/${first.record.key}/`)).toHaveLength(3);

    await packages.commit(change);
    expect(await keys(raw, `chunks/${first.record.key}/`)).toEqual([]);
    expect((await packages.read(change.record)).equals(second)).toBe(true);
  });

  it('reverts a switch: the pointer names the previous package again and the new chunks are gone', async () => {
    const { replica: packages, store: raw } = await replica();
    const first = randomBytes(7000);
    const { record } = await packages.write('ledger', '1.0.0', first);
    const change = await packages.write('ledger', '2.0.0', randomBytes(4000));

    await packages.revert(change);
    expect(await packages.get('ledger')).toEqual(record);
    expect((await packages.read(record)).equals(first)).toBe(true);
    expect(await keys(raw, `chunks/${change.record.key}/`)).toEqual([]);
  });

  it('removes the pointer and every chunk', async () => {
    const { replica: packages, store: raw } = await replica();
    await packages.write('ledger', '1.0.0', randomBytes(12_000));
    await packages.remove('ledger');
    expect(await packages.get('ledger')).toBeUndefined();
    expect(await keys(raw, '')).toEqual([]);
  });

  it('sweeps the chunks of an upload that a crash left without a pointer, and nothing else', async () => {
    const { replica: packages, store: raw } = await replica();
    const kept = await packages.write('ledger', '1.0.0', randomBytes(5000));
    // What a master killed after writing chunks, before switching the pointer, leaves.
    await raw.batch([
      { type: 'put', key: 'chunks/00000000-0000-4000-8000-000000000000/000000', value: 'AAAA' },
      { type: 'put', key: 'chunks/00000000-0000-4000-8000-000000000000/000001', value: 'AAAA' },
    ]);
    expect(await packages.sweep()).toBe(2);
    expect(await keys(raw, 'chunks/')).toEqual(await keys(raw, `chunks/${kept.record.key}/`));
    expect(await keys(raw, 'chunks/')).toHaveLength(2);
  });

  it('refuses to read a package whose stored chunks were changed, and reports an unreadable pointer', async () => {
    const { replica: packages, store: raw } = await replica();
    const { record } = await packages.write('ledger', '1.0.0', randomBytes(5000));
    await raw.put(`chunks/${record.key}/000001`, randomBytes(2000).toString('base64'));
    await expect(packages.read(record)).rejects.toThrow(PackageIntegrityError);

    await raw.put('packages/broken', { name: 'broken', version: 1 });
    const { damaged } = await packages.list();
    expect(damaged.map(({ name }) => name)).toEqual(['broken']);
    expect(await packages.get('broken')).toBeUndefined();
    expect(await packages.has('broken')).toBe(true);
  });
});
