import { randomBytes } from 'node:crypto';
import {
  BatchLimitError,
  batchesOf,
  digestOf,
  joinChunks,
  operationBytes,
  PackageIntegrityError,
  splitPackage,
} from '@mesolite/daemon/plugins/package-chunks';
import { planPackageSync } from '@mesolite/daemon/plugins/package-sync-plan';
import type { BatchOperation } from '@mesolite/daemon/store/store';
import { describe, expect, it } from 'vitest';

const CHUNK = 3000;

describe('cutting a plugin package into chunks', () => {
  it.each([
    ['smaller than one chunk', 1, 1],
    ['exactly one chunk', CHUNK, 1],
    ['an exact multiple of the chunk size', CHUNK * 4, 4],
    ['one byte over a multiple', CHUNK * 4 + 1, 5],
    ['one byte under a multiple', CHUNK * 4 - 1, 4],
  ])(
    '%s (%i bytes) makes %i chunks, none over the size, that join back to it',
    (_, size, count) => {
      const tgz = randomBytes(size);
      const chunks = splitPackage(tgz, CHUNK);
      expect(chunks).toHaveLength(count);
      for (const chunk of chunks)
        expect(Buffer.from(chunk, 'base64').length).toBeLessThanOrEqual(CHUNK);
      expect(joinChunks('ledger', chunks, digestOf(tgz)).equals(tgz)).toBe(true);
    },
  );

  it('refuses chunks whose SHA-256 is not the stored one, even at the same length', () => {
    const tgz = randomBytes(CHUNK * 2);
    const chunks = splitPackage(tgz, CHUNK);
    const other = splitPackage(randomBytes(CHUNK * 2), CHUNK);
    const swapped = [chunks[0], other[1]];
    expect(() => joinChunks('ledger', swapped, digestOf(tgz))).toThrow(PackageIntegrityError);
    expect(() => joinChunks('ledger', swapped, digestOf(tgz))).toThrow(/SHA-256/);
  });

  it('refuses a missing chunk and a package of another length', () => {
    const tgz = randomBytes(CHUNK * 3);
    const chunks = splitPackage(tgz, CHUNK);
    expect(() => joinChunks('ledger', [chunks[0], undefined, chunks[2]], digestOf(tgz))).toThrow(
      /chunk 1 is missing/,
    );
    expect(() => joinChunks('ledger', chunks.slice(0, 2), digestOf(tgz))).toThrow(
      /6000 bytes where 9000 were stored/,
    );
  });
});

describe('grouping chunk writes into batches', () => {
  const puts = (count: number, size: number): BatchOperation[] =>
    Array.from({ length: count }, (_, index) => ({
      type: 'put',
      key: `chunks/k/${String(index).padStart(6, '0')}`,
      value: 'x'.repeat(size),
    }));

  it('keeps every batch under the limit and every operation in order', () => {
    const operations = puts(7, 4000);
    const one = operationBytes(operations[0] as BatchOperation);
    const limit = one * 3;
    const batches = batchesOf(operations, limit);
    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 1]);
    for (const batch of batches) {
      expect(batch.reduce((sum, op) => sum + operationBytes(op), 0)).toBeLessThanOrEqual(limit);
    }
    expect(batches.flat()).toEqual(operations);
  });

  it('fills a batch exactly to the limit and starts the next one after it', () => {
    const operations = puts(4, 4000);
    const limit = operationBytes(operations[0] as BatchOperation) * 2;
    expect(batchesOf(operations, limit).map((batch) => batch.length)).toEqual([2, 2]);
    expect(batchesOf(operations, limit - 1).map((batch) => batch.length)).toEqual([1, 1, 1, 1]);
  });

  it('refuses an operation that no batch could carry', () => {
    const operations = puts(1, 4000);
    const limit = operationBytes(operations[0] as BatchOperation) - 1;
    expect(() => batchesOf(operations, limit)).toThrow(BatchLimitError);
  });
});

describe('planning a new leader’s installed plugins from the replicated record', () => {
  it('installs what is missing, replaces what differs, removes what the record dropped, and leaves foreign folders', () => {
    const plan = planPackageSync(
      [
        { name: 'kept', sha256: 'a' },
        { name: 'upgraded', sha256: 'new' },
        { name: 'missing', sha256: 'b' },
        { name: 'hand-placed', sha256: 'c' },
      ],
      [
        { name: 'kept', sha256: 'a' },
        { name: 'upgraded', sha256: 'old' },
        { name: 'hand-placed', sha256: undefined },
        { name: 'removed', sha256: 'd' },
        { name: 'operators-own', sha256: undefined },
      ],
    );
    expect(plan).toEqual({
      install: ['missing'],
      replace: ['upgraded', 'hand-placed'],
      remove: ['removed'],
      keep: ['kept'],
      unreplicated: ['operators-own'],
    });
  });
});
