import { PrefixedStore } from './prefixed-store.js';
import type { RawOperation, StoreBackend } from './store-backend.js';

/**
 * A {@link Store} held in memory, for tests and throwaway runs. It keeps values as JSON
 * text and orders keys by their UTF-8 bytes, exactly as {@link LevelStore} does, so a
 * test that passes against it means the same against LevelDB.
 */
export class MemoryStore extends PrefixedStore {
  constructor() {
    super(new MemoryBackend());
  }
}

class MemoryBackend implements StoreBackend {
  readonly #data = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.#data.get(key);
  }

  async write(operations: readonly RawOperation[]): Promise<void> {
    for (const operation of operations) {
      if (operation.type === 'put') this.#data.set(operation.key, operation.value);
      else this.#data.delete(operation.key);
    }
  }

  async *entries(prefix: string): AsyncGenerator<readonly [string, string], void, undefined> {
    yield* this.#snapshot(prefix);
  }

  async *keys(prefix: string): AsyncGenerator<string, void, undefined> {
    for (const [key] of this.#snapshot(prefix)) yield key;
  }

  async close(): Promise<void> {}

  // Copied up front, as a LevelDB iterator reads from a snapshot.
  #snapshot(prefix: string): Array<readonly [string, string]> {
    const selected: Array<{ bytes: Buffer; entry: readonly [string, string] }> = [];
    for (const [key, value] of this.#data) {
      if (key.startsWith(prefix))
        selected.push({ bytes: Buffer.from(key, 'utf8'), entry: [key, value] });
    }
    selected.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    return selected.map(({ entry }) => entry);
  }
}
