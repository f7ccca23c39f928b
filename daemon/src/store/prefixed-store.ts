import {
  InvalidStoreKeyError,
  InvalidStoreNamespaceError,
  InvalidStoreValueError,
  StoreClosedError,
} from './errors.js';
import type { BatchOperation, JsonValue, Store, StoreEntry } from './store.js';
import type { RawOperation, StoreBackend } from './store-backend.js';

const SEPARATOR = '/';
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// With the u flag a valid surrogate pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The one implementation of the {@link Store} contract, over any {@link StoreBackend}.
 * A namespace is this class with a longer prefix. Its state lives in `#` fields, not
 * TypeScript `private` ones, because plugins are JavaScript at run time and must not be
 * able to reach the backend, and through it other namespaces, by a property name.
 */
export class PrefixedStore implements Store {
  readonly #backend: StoreBackend;
  readonly #prefix: string;
  readonly #parent: PrefixedStore | undefined;
  #closed = false;

  protected constructor(backend: StoreBackend, prefix = '', parent?: PrefixedStore) {
    this.#backend = backend;
    this.#prefix = prefix;
    this.#parent = parent;
  }

  async get(key: string): Promise<JsonValue | undefined> {
    this.#assertOpen();
    checkKey(key);
    const text = await this.#backend.get(this.#prefix + key);
    return text === undefined ? undefined : parseValue(text);
  }

  put(key: string, value: JsonValue): Promise<void> {
    return this.batch([{ type: 'put', key, value }]);
  }

  del(key: string): Promise<void> {
    return this.batch([{ type: 'del', key }]);
  }

  async batch(operations: readonly BatchOperation[]): Promise<void> {
    this.#assertOpen();
    // Everything is checked and serialized before the backend sees any of it, so a bad
    // operation late in a batch cannot leave the earlier ones applied.
    const raw = operations.map((operation): RawOperation => {
      checkKey(operation.key);
      const key = this.#prefix + operation.key;
      return operation.type === 'put'
        ? { type: 'put', key, value: serializeValue(operation.key, operation.value) }
        : { type: 'del', key };
    });
    if (raw.length > 0) await this.#backend.write(raw);
  }

  async *entries(prefix = ''): AsyncGenerator<StoreEntry, void, undefined> {
    this.#assertOpen();
    checkPrefix(prefix);
    for await (const [key, text] of this.#backend.entries(this.#prefix + prefix)) {
      this.#assertOpen();
      yield [key.slice(this.#prefix.length), parseValue(text)];
    }
  }

  async *keys(prefix = ''): AsyncGenerator<string, void, undefined> {
    this.#assertOpen();
    checkPrefix(prefix);
    for await (const key of this.#backend.keys(this.#prefix + prefix)) {
      this.#assertOpen();
      yield key.slice(this.#prefix.length);
    }
  }

  namespace(name: string): Store {
    this.#assertOpen();
    // One segment, and never empty: that is what keeps sibling namespaces apart ('mar'
    // cannot see 'marathon', whose keys all start with 'marathon/') and keeps every key
    // of a namespace under its prefix whatever the key contains.
    if (typeof name !== 'string' || !NAMESPACE_NAME.test(name)) {
      throw new InvalidStoreNamespaceError(String(name));
    }
    return new PrefixedStore(this.#backend, this.#prefix + name + SEPARATOR, this);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#parent === undefined) await this.#backend.close();
  }

  #assertOpen(): void {
    for (let store: PrefixedStore | undefined = this; store; store = store.#parent) {
      if (store.#closed) {
        throw new StoreClosedError(
          this.#prefix === '' ? 'store' : `store namespace ${JSON.stringify(this.#prefix)}`,
        );
      }
    }
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string') throw new InvalidStoreKeyError(String(key), 'keys are strings');
  if (key === '') throw new InvalidStoreKeyError(key, 'keys cannot be empty');
  checkWellFormed(key);
}

function checkPrefix(prefix: string): void {
  if (typeof prefix !== 'string') {
    throw new InvalidStoreKeyError(String(prefix), 'prefixes are strings');
  }
  checkWellFormed(prefix);
}

// A lone surrogate has no UTF-8 encoding: it would be stored as U+FFFD and two
// different keys would silently become one.
function checkWellFormed(key: string): void {
  if (LONE_SURROGATE.test(key)) {
    throw new InvalidStoreKeyError(key, 'it contains an unpaired UTF-16 surrogate');
  }
}

function serializeValue(key: string, value: JsonValue): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, rejectNonFinite);
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw Object.assign(new InvalidStoreValueError(key, problem), { cause: error });
  }
  if (text === undefined) {
    throw new InvalidStoreValueError(key, 'it is not JSON (undefined, a function or a symbol)');
  }
  return text;
}

// JSON.stringify would quietly turn NaN and Infinity into null; a counter that reads
// back as null is a worse bug than a refused write.
function rejectNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Error(`${value} is not a JSON number`);
  }
  return value;
}

function parseValue(text: string): JsonValue {
  return JSON.parse(text);
}
