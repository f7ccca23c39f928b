/**
 * How a plugin package is cut to fit a replicated store whose records and transactions
 * are bounded (ZooKeeper: about 1 MB each): the tarball as base64 chunks, each well
 * under one record, grouped into batches under one transaction, and joined again only
 * if every byte is back (length and SHA-256 both match). No I/O here.
 */
import { createHash } from 'node:crypto';
import { defineError } from '../errors.js';
import type { BatchOperation } from '../store/store.js';

export interface ChunkLimits {
  /** Raw package bytes per chunk; its base64 is a third larger. */
  readonly chunkBytes: number;
  /** What one batch may weigh, as {@link operationBytes} counts it. */
  readonly maxBatchBytes: number;
}

/**
 * Under ZooKeeperStore's defaults (1,000,000 bytes per value and per transaction): a
 * chunk is 400,000 base64 characters, and two chunks with their paths fit one batch.
 */
export const DEFAULT_CHUNK_LIMITS: ChunkLimits = {
  chunkBytes: 300_000,
  maxBatchBytes: 900_000,
};

/**
 * Room for what the store adds to a key (its root znode path, the escaping of `/` as
 * %2F) and for the framing of one operation in a transaction.
 */
const OPERATION_OVERHEAD_BYTES = 512;

export const PackageIntegrityError = defineError(
  'MESOLITE_ERR_PLUGIN_PACKAGE_INTEGRITY',
  500,
  (name: string, problem: string) =>
    `The replicated package of plugin "${name}" is damaged (${problem}), so it was not ` +
    `installed on this master; install it again with \`mesolite plugin install FILE.tgz\``,
);

export const BatchLimitError = defineError(
  'MESOLITE_ERR_PLUGIN_PACKAGE_BATCH',
  500,
  (key: string, bytes: number, limit: number) =>
    `The replicated-store operation on ${key} weighs ${bytes} bytes, over the ${limit} ` +
    'bytes one batch may carry; the package chunk size is set larger than the batch limit allows.',
);

/** What the hash and the length of a package say it is. */
export interface PackageDigest {
  readonly sha256: string;
  readonly bytes: number;
}

export function digestOf(tgz: Buffer): PackageDigest {
  return { sha256: createHash('sha256').update(tgz).digest('hex'), bytes: tgz.length };
}

/** The package cut into base64 chunks of at most `chunkBytes` raw bytes each, in order. */
export function splitPackage(tgz: Buffer, chunkBytes: number): string[] {
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0) {
    throw new RangeError(`chunkBytes must be a positive integer, not ${chunkBytes}`);
  }
  const chunks: string[] = [];
  for (let start = 0; start < tgz.length; start += chunkBytes) {
    chunks.push(tgz.subarray(start, start + chunkBytes).toString('base64'));
  }
  return chunks;
}

/**
 * The package from its chunks, refused unless it is exactly the one described by
 * `digest`: a chunk lost, cut short or swapped would otherwise unpack to something else.
 */
export function joinChunks(
  name: string,
  chunks: readonly unknown[],
  digest: PackageDigest,
): Buffer {
  const parts: Buffer[] = [];
  for (const [index, chunk] of chunks.entries()) {
    if (typeof chunk !== 'string')
      throw new PackageIntegrityError(name, `chunk ${index} is missing`);
    parts.push(Buffer.from(chunk, 'base64'));
  }
  const tgz = Buffer.concat(parts);
  if (tgz.length !== digest.bytes) {
    throw new PackageIntegrityError(name, `${tgz.length} bytes where ${digest.bytes} were stored`);
  }
  const actual = digestOf(tgz).sha256;
  if (actual !== digest.sha256) {
    throw new PackageIntegrityError(name, `SHA-256 ${actual} where ${digest.sha256} was stored`);
  }
  return tgz;
}

/** What an operation adds to a batch: its key, its value as JSON text, and framing. */
export function operationBytes(operation: BatchOperation): number {
  const value = operation.type === 'put' ? JSON.stringify(operation.value) : '';
  return (
    Buffer.byteLength(operation.key, 'utf8') +
    Buffer.byteLength(value, 'utf8') +
    OPERATION_OVERHEAD_BYTES
  );
}

/** The operations, in order, in as few consecutive batches as fit under `maxBatchBytes`. */
export function batchesOf(
  operations: readonly BatchOperation[],
  maxBatchBytes: number,
): BatchOperation[][] {
  const batches: BatchOperation[][] = [];
  let current: BatchOperation[] = [];
  let weight = 0;
  for (const operation of operations) {
    const bytes = operationBytes(operation);
    if (bytes > maxBatchBytes) throw new BatchLimitError(operation.key, bytes, maxBatchBytes);
    if (weight + bytes > maxBatchBytes) {
      batches.push(current);
      current = [];
      weight = 0;
    }
    current.push(operation);
    weight += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
