export type RawOperation =
  | { readonly type: 'put'; readonly key: string; readonly value: string }
  | { readonly type: 'del'; readonly key: string };

/**
 * The ordered key-value space behind a {@link PrefixedStore}: full keys, values already
 * serialized as JSON text. A backend only has to provide atomic, durable writes and
 * prefix scans in UTF-8 byte order; keys, values, namespaces and closing are handled
 * once, in PrefixedStore, so LevelDB, memory and ZooKeeper behave alike.
 */
export interface StoreBackend {
  get(key: string): Promise<string | undefined>;
  /** All or nothing; resolves only once the operations are durable. */
  write(operations: readonly RawOperation[]): Promise<void>;
  /** A consistent view as of the first `next()`. */
  entries(prefix: string): AsyncIterable<readonly [key: string, value: string]>;
  keys(prefix: string): AsyncIterable<string>;
  close(): Promise<void>;
}
