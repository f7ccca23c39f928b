import { setTimeout as sleep } from 'node:timers/promises';
import type { Stat } from 'node-zookeeper-client';
import { PrefixedStore } from '../store/prefixed-store.js';
import type { JsonValue } from '../store/store.js';
import type { RawOperation, StoreBackend } from '../store/store-backend.js';
import { claimZnode } from './cluster-znodes.js';
import {
  ZooKeeperBatchTooLargeError,
  ZooKeeperContentionError,
  ZooKeeperValueTooLargeError,
} from './errors.js';
import { decodeZnodeKey, encodeZnodeKey } from './znode-key.js';
import {
  CreateMode,
  type ZooKeeperConnection,
  ZooKeeperException,
  zooKeeperCode,
} from './zookeeper-connection.js';

/**
 * ZooKeeper refuses any request larger than its jute.maxbuffer (1 MiB less one byte by
 * default), a transaction included; these leave room for paths and framing.
 */
export const DEFAULT_MAX_VALUE_BYTES = 1_000_000;
export const DEFAULT_MAX_BATCH_BYTES = 1_000_000;

export interface ZooKeeperStoreOptions {
  readonly connection: ZooKeeperConnection;
  /** The znode that holds the store's keys, e.g. `/mesolite/store`; created if missing. */
  readonly root: string;
  readonly maxValueBytes?: number;
  readonly maxBatchBytes?: number;
}

/**
 * The {@link Store} of a highly available master: the registry and every plugin's
 * namespace in ZooKeeper, so that whichever master leads next starts from exactly what
 * was acknowledged. Each key is one persistent znode under the root, named by
 * {@link encodeZnodeKey}; a batch is one ZooKeeper transaction (multi), so it is applied
 * whole or not at all, and it carries only the keys whose value actually changes.
 *
 * Values above 1 MB are refused (MESOLITE_ERR_ZK_VALUE_TOO_LARGE), as are batches whose
 * changes add up to more (MESOLITE_ERR_ZK_BATCH_TOO_LARGE): ZooKeeper would drop the
 * connection over them. While ZooKeeper cannot be reached, every call fails at once with
 * MESOLITE_ERR_ZK_UNAVAILABLE (503). The connection belongs to the caller: closing the
 * store does not close it.
 */
export class ZooKeeperStore extends PrefixedStore {
  readonly root: string;
  readonly #connection: ZooKeeperConnection;

  private constructor(backend: ZooKeeperBackend, options: ZooKeeperStoreOptions) {
    super(backend);
    this.root = options.root;
    this.#connection = options.connection;
  }

  static async open(options: ZooKeeperStoreOptions): Promise<ZooKeeperStore> {
    await options.connection.mkdirp(options.root);
    return new ZooKeeperStore(new ZooKeeperBackend(options), options);
  }

  /**
   * Create-if-absent for one key (a full key, namespaces included): stores `value`
   * unless the key has one, and returns what the key holds then. Masters starting at
   * the same moment thus agree on a value each would otherwise have made up alone.
   */
  async claim(key: string, value: JsonValue): Promise<JsonValue> {
    const data = await claimZnode(
      this.#connection,
      `${this.root}/${encodeZnodeKey(key)}`,
      async () => Buffer.from(JSON.stringify(value), 'utf8'),
    );
    return JSON.parse(data.toString('utf8')) as JsonValue;
  }
}

interface Current {
  readonly data: Buffer;
  readonly stat: Stat;
}

type Change =
  | {
      readonly type: 'create' | 'set';
      readonly path: string;
      readonly data: Buffer;
      readonly version: number;
    }
  | { readonly type: 'remove'; readonly path: string; readonly version: number };

// A writer that keeps losing the race to another one is a misconfiguration (two
// leaders writing), not something to retry for ever.
const ATTEMPTS = 5;

class ZooKeeperBackend implements StoreBackend {
  readonly #connection: ZooKeeperConnection;
  readonly #root: string;
  readonly #maxValueBytes: number;
  readonly #maxBatchBytes: number;

  constructor(options: ZooKeeperStoreOptions) {
    this.#connection = options.connection;
    this.#root = options.root;
    this.#maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    this.#maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#connection.getData(this.#path(key)))?.data.toString('utf8');
  }

  // One transaction in flight at a time: each is planned from the versions it reads, and
  // two of this process's own batches must not invalidate each other's plans.
  #queue: Promise<unknown> = Promise.resolve();

  write(operations: readonly RawOperation[]): Promise<void> {
    const result = this.#queue.then(() => this.#write(operations));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #write(operations: readonly RawOperation[]): Promise<void> {
    // The last operation on a key is the one that counts.
    const final = new Map<string, Buffer | undefined>();
    for (const operation of operations) {
      if (operation.type === 'del') {
        final.set(operation.key, undefined);
        continue;
      }
      const data = Buffer.from(operation.value, 'utf8');
      if (data.length > this.#maxValueBytes) {
        throw new ZooKeeperValueTooLargeError(operation.key, data.length, this.#maxValueBytes);
      }
      final.set(operation.key, data);
    }
    for (let attempt = 1; ; attempt += 1) {
      const changes = await this.#changes(final);
      if (changes.length === 0) return;
      const bytes = changes.reduce(
        (sum, change) => sum + change.path.length + ('data' in change ? change.data.length : 0),
        0,
      );
      if (bytes > this.#maxBatchBytes)
        throw new ZooKeeperBatchTooLargeError(bytes, this.#maxBatchBytes);
      try {
        await this.#connection.transaction(this.#root, (transaction) => {
          for (const change of changes) {
            if (change.type === 'create')
              transaction.create(change.path, change.data, CreateMode.PERSISTENT);
            else if (change.type === 'set')
              transaction.setData(change.path, change.data, change.version);
            else transaction.remove(change.path, change.version);
          }
        });
        return;
      } catch (error) {
        // Each change was conditioned on the version just read: a conflict means some
        // other writer got in between, and the batch is planned again from what is there now.
        if (!isConflict(error)) throw error;
        if (attempt < ATTEMPTS) {
          await sleep(Math.random() * 20 * attempt);
          continue;
        }
        throw Object.assign(new ZooKeeperContentionError(this.#root), { cause: error });
      }
    }
  }

  async *entries(prefix: string): AsyncGenerator<readonly [string, string], void, undefined> {
    const keys = await this.#keys(prefix);
    // Everything is read before the first entry is handed out, so writes made while the
    // caller iterates are not seen.
    const values = await Promise.all(keys.map((key) => this.#connection.getData(this.#path(key))));
    for (const [index, key] of keys.entries()) {
      const value = values[index];
      if (value) yield [key, value.data.toString('utf8')];
    }
  }

  async *keys(prefix: string): AsyncGenerator<string, void, undefined> {
    yield* await this.#keys(prefix);
  }

  async close(): Promise<void> {}

  async #keys(prefix: string): Promise<string[]> {
    const names = (await this.#connection.getChildren(this.#root)) ?? [];
    const selected: Array<{ key: string; bytes: Buffer }> = [];
    for (const name of names) {
      const key = decodeZnodeKey(name);
      if (key?.startsWith(prefix)) selected.push({ key, bytes: Buffer.from(key, 'utf8') });
    }
    selected.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    return selected.map(({ key }) => key);
  }

  async #changes(final: ReadonlyMap<string, Buffer | undefined>): Promise<Change[]> {
    const entries = [...final];
    const current = await Promise.all(
      entries.map(
        ([key]): Promise<Current | undefined> => this.#connection.getData(this.#path(key)),
      ),
    );
    const changes: Change[] = [];
    for (const [index, [key, data]] of entries.entries()) {
      const now = current[index];
      const path = this.#path(key);
      if (data === undefined) {
        if (now) changes.push({ type: 'remove', path, version: now.stat.version });
      } else if (!now) {
        changes.push({ type: 'create', path, data, version: -1 });
      } else if (!now.data.equals(data)) {
        changes.push({ type: 'set', path, data, version: now.stat.version });
      }
    }
    return changes;
  }

  #path(key: string): string {
    return `${this.#root}/${encodeZnodeKey(key)}`;
  }
}

function isConflict(error: unknown): boolean {
  const code = zooKeeperCode(error);
  return (
    code === ZooKeeperException.BAD_VERSION ||
    code === ZooKeeperException.NODE_EXISTS ||
    code === ZooKeeperException.NO_NODE
  );
}
