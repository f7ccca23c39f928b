import { ClassicLevel } from 'classic-level';
import { StoreLockedError, StoreOpenError } from './errors.js';
import { PrefixedStore } from './prefixed-store.js';
import type { RawOperation, StoreBackend } from './store-backend.js';

/**
 * The default {@link Store}: a LevelDB database (classic-level) in the work dir.
 *
 * Durability: every write (put, del, batch) is made with `sync: true`, so LevelDB has
 * fsync'ed its log before the promise resolves. A write that was acknowledged survives
 * `kill -9` of the process, and a crash of the machine too, as far as the disk honours
 * fsync. That is the contract the master relies on when it acknowledges anything to a
 * framework or an agent.
 *
 * LevelDB allows one process per database; opening one that another process holds
 * fails with MESOLITE_ERR_STORE_LOCKED. The lock dies with its process, so a daemon
 * killed with -9 does not keep its successor out.
 */
export class LevelStore extends PrefixedStore {
  readonly location: string;

  private constructor(backend: LevelBackend, location: string) {
    super(backend);
    this.location = location;
  }

  /** Opens the database at `location`, creating it (and missing parent dirs) if needed. */
  static async open(location: string): Promise<LevelStore> {
    // Values are JSON text that PrefixedStore writes and parses itself: classic-level's
    // 'json' encoding refuses a top-level null, which is a legal JSON value. The bytes
    // on disk are the same either way.
    const db = new ClassicLevel<Buffer, string>(location, {
      keyEncoding: 'buffer',
      valueEncoding: 'utf8',
    });
    try {
      await db.open();
    } catch (error) {
      throw openError(location, error);
    }
    return new LevelStore(new LevelBackend(db), location);
  }
}

class LevelBackend implements StoreBackend {
  readonly #db: ClassicLevel<Buffer, string>;

  constructor(db: ClassicLevel<Buffer, string>) {
    this.#db = db;
  }

  get(key: string): Promise<string | undefined> {
    return this.#db.get(Buffer.from(key, 'utf8'));
  }

  async write(operations: readonly RawOperation[]): Promise<void> {
    await this.#db.batch(
      operations.map((operation) =>
        operation.type === 'put'
          ? {
              type: 'put' as const,
              key: Buffer.from(operation.key, 'utf8'),
              value: operation.value,
            }
          : { type: 'del' as const, key: Buffer.from(operation.key, 'utf8') },
      ),
      { sync: true },
    );
  }

  async *entries(prefix: string): AsyncGenerator<readonly [string, string], void, undefined> {
    for await (const [key, value] of this.#db.iterator(prefixRange(prefix))) {
      yield [key.toString('utf8'), value];
    }
  }

  async *keys(prefix: string): AsyncGenerator<string, void, undefined> {
    for await (const key of this.#db.keys(prefixRange(prefix))) yield key.toString('utf8');
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}

function prefixRange(prefix: string): { gte?: Buffer; lt?: Buffer } {
  if (prefix === '') return {};
  const start = Buffer.from(prefix, 'utf8');
  // 0xFF never occurs in UTF-8, so every key that starts with the prefix, however long
  // and whatever it continues with, sorts below the prefix followed by 0xFF.
  return { gte: start, lt: Buffer.concat([start, Buffer.from([0xff])]) };
}

function openError(location: string, error: unknown): Error {
  // classic-level reports LEVEL_DATABASE_NOT_OPEN with the real reason as its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const wrapped =
    codeOf(cause) === 'LEVEL_LOCKED' || codeOf(error) === 'LEVEL_LOCKED'
      ? new StoreLockedError(location)
      : new StoreOpenError(location, cause instanceof Error ? cause.message : String(cause));
  return Object.assign(wrapped, { cause: error });
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
