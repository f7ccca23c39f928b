/**
 * The installed plugin packages of a highly available master, kept in the replicated
 * store so that whichever master leads next installs exactly what the last one had.
 *
 * Layout, in the store it is given:
 *   packages/<name>             the pointer: which chunks hold the package, its SHA-256
 *   chunks/<key>/<NNNNNN>       the package in base64 chunks, <key> fresh for each upload
 *
 * A package is written under a key no pointer names yet, then the pointer is switched in
 * one small batch, and only then are the chunks it named before deleted. A crash at any
 * point leaves the pointer naming either the old chunks or the new ones, both whole;
 * chunks no pointer names are what such a crash left, and {@link PackageReplica.sweep}
 * deletes them.
 */
import { randomUUID } from 'node:crypto';
import { type Static, Type } from 'typebox';
import { validator } from '../protocol/validate.js';
import type { BatchOperation, Store } from '../store/store.js';
import {
  batchesOf,
  type ChunkLimits,
  DEFAULT_CHUNK_LIMITS,
  digestOf,
  joinChunks,
  splitPackage,
} from './package-chunks.js';

export const ReplicatedPackage = Type.Object({
  name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }),
  /** The package.json version, for logs and `plugin list`; the hash is what identifies it. */
  version: Type.String(),
  /** The upload's chunk key: chunks/<key>/... */
  key: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  bytes: Type.Integer({ minimum: 1 }),
  chunks: Type.Integer({ minimum: 1 }),
});
export type ReplicatedPackage = Static<typeof ReplicatedPackage>;

const recordValidator = validator(ReplicatedPackage, 'the replicated plugin package record');

/** A pointer that cannot be read as a record: reported, never guessed at. */
export interface DamagedRecord {
  readonly name: string;
  readonly problem: string;
}

/** What {@link PackageReplica.write} switched, so the caller can finish or undo it. */
export interface PackageSwitch {
  readonly record: ReplicatedPackage;
  /** The package the pointer named before, whose chunks still exist until commit. */
  readonly previous: ReplicatedPackage | undefined;
}

const PACKAGES = 'packages/';
const CHUNKS = 'chunks/';

function chunkKey(key: string, index: number): string {
  // Padded, so that the store's key order is the chunks' order.
  return `${CHUNKS}${key}/${String(index).padStart(6, '0')}`;
}

export class PackageReplica {
  constructor(
    private readonly store: Store,
    private readonly limits: ChunkLimits = DEFAULT_CHUNK_LIMITS,
  ) {}

  /** Every replicated package, and the pointers that could not be read. */
  async list(): Promise<{ records: ReplicatedPackage[]; damaged: DamagedRecord[] }> {
    const records: ReplicatedPackage[] = [];
    const damaged: DamagedRecord[] = [];
    for await (const [key, value] of this.store.entries(PACKAGES)) {
      const name = key.slice(PACKAGES.length);
      try {
        const record = recordValidator.parse(value);
        if (record.name !== name) throw new Error(`it names the plugin "${record.name}"`);
        records.push(record);
      } catch (err) {
        damaged.push({ name, problem: (err as Error).message });
      }
    }
    return { records, damaged };
  }

  /** The record of plugin `name`; undefined when there is none or it cannot be read ({@link list} says why). */
  async get(name: string): Promise<ReplicatedPackage | undefined> {
    const value = await this.store.get(`${PACKAGES}${name}`);
    return recordValidator.check(value) && value.name === name ? value : undefined;
  }

  /** Whether the record holds anything under `name`, readable or not. */
  async has(name: string): Promise<boolean> {
    return (await this.store.get(`${PACKAGES}${name}`)) !== undefined;
  }

  /** The package a record names, byte for byte, or MESOLITE_ERR_PLUGIN_PACKAGE_INTEGRITY. */
  async read(record: ReplicatedPackage): Promise<Buffer> {
    const chunks = await Promise.all(
      Array.from({ length: record.chunks }, (_, index) =>
        this.store.get(chunkKey(record.key, index)),
      ),
    );
    return joinChunks(record.name, chunks, record);
  }

  /**
   * Writes the package under a fresh key, then points `name` at it. Once this resolves
   * the package is durable; the chunks of the package it replaced stay until
   * {@link commit} (or are pointed at again by {@link revert}).
   */
  async write(name: string, version: string, tgz: Buffer): Promise<PackageSwitch> {
    const previous = await this.get(name);
    const key = randomUUID();
    const chunks = splitPackage(tgz, this.limits.chunkBytes);
    const puts = chunks.map(
      (chunk, index): BatchOperation => ({ type: 'put', key: chunkKey(key, index), value: chunk }),
    );
    const record: ReplicatedPackage = {
      name,
      version,
      key,
      ...digestOf(tgz),
      chunks: chunks.length,
    };
    try {
      for (const batch of batchesOf(puts, this.limits.maxBatchBytes)) await this.store.batch(batch);
      await this.store.put(`${PACKAGES}${name}`, record);
    } catch (err) {
      // No pointer names these chunks: what is left of them now would be swept later anyway.
      await this.deleteChunks(key).catch(() => undefined);
      throw err;
    }
    return { record, previous };
  }

  /** Deletes the chunks the switch replaced: the new package is in use. */
  async commit(change: PackageSwitch): Promise<void> {
    if (change.previous) await this.deleteChunks(change.previous.key);
  }

  /** Points `name` back where it pointed before the switch, and deletes the new chunks. */
  async revert(change: PackageSwitch): Promise<void> {
    const pointer = `${PACKAGES}${change.record.name}`;
    await (change.previous ? this.store.put(pointer, change.previous) : this.store.del(pointer));
    await this.deleteChunks(change.record.key);
  }

  /** Forgets plugin `name`'s package: the pointer first, so no reader sees a partial one. */
  async remove(name: string): Promise<void> {
    const record = await this.get(name);
    await this.store.del(`${PACKAGES}${name}`);
    if (record) await this.deleteChunks(record.key);
  }

  /** Deletes chunks no pointer names (what a crash mid-upload left); returns how many keys. */
  async sweep(): Promise<number> {
    const named = new Set<string>();
    for await (const [, value] of this.store.entries(PACKAGES)) {
      const key = (value as { key?: unknown } | null)?.key;
      if (typeof key === 'string') named.add(key);
    }
    const orphans: BatchOperation[] = [];
    for await (const key of this.store.keys(CHUNKS)) {
      const upload = key.slice(CHUNKS.length).split('/')[0] ?? '';
      if (!named.has(upload)) orphans.push({ type: 'del', key });
    }
    await this.apply(orphans);
    return orphans.length;
  }

  private async deleteChunks(key: string): Promise<void> {
    const deletions: BatchOperation[] = [];
    for await (const chunk of this.store.keys(`${CHUNKS}${key}/`)) {
      deletions.push({ type: 'del', key: chunk });
    }
    await this.apply(deletions);
  }

  private async apply(operations: readonly BatchOperation[]): Promise<void> {
    for (const batch of batchesOf(operations, this.limits.maxBatchBytes)) {
      await this.store.batch(batch);
    }
  }
}
