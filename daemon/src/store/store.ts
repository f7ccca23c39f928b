/**
 * A JSON document as the store keeps it. Values are stored serialized, so what `get`
 * returns is a fresh copy, and whatever JSON cannot express (undefined properties,
 * Dates, Maps) does not survive a round trip. Protocol types declared as `type`
 * aliases fit; an `interface` needs an index signature to be accepted here.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type BatchOperation =
  | { readonly type: 'put'; readonly key: string; readonly value: JsonValue }
  | { readonly type: 'del'; readonly key: string };

export type StoreEntry = readonly [key: string, value: JsonValue];

/**
 * Where every part of mesolite persists its state: the master registry, each plugin's
 * namespace, agent checkpoints. It is deliberately small (JSON values under string
 * keys, atomic batches, ordered prefix scans) so that the ZooKeeper store used for a
 * highly available master can implement exactly the same contract.
 *
 * Keys are non-empty strings of well-formed Unicode, ordered by their UTF-8 bytes
 * (which is code point order, not the UTF-16 order of JavaScript's `<`).
 *
 * @example
 * const apps = store.namespace('plugins').namespace('marathon');
 * await apps.put('apps/zombies', { instances: 3 });
 * for await (const [id, app] of apps.entries('apps/')) console.log(id, app);
 */
export interface Store {
  /** The value under `key`, or undefined when there is none. */
  get(key: string): Promise<JsonValue | undefined>;

  /** Stores `value` under `key`; once the promise resolves the write is durable. */
  put(key: string, value: JsonValue): Promise<void>;

  /** Removes `key`; removing a key that does not exist is not an error. */
  del(key: string): Promise<void>;

  /**
   * Applies every operation or none of them, even if the process dies mid-way, in
   * order, so a later operation on the same key wins. Nothing is written if any key
   * or value is invalid.
   */
  batch(operations: readonly BatchOperation[]): Promise<void>;

  /**
   * Entries whose key starts with `prefix` (all entries when omitted), in key order,
   * as of when iteration starts: writes made while iterating are not seen.
   */
  entries(prefix?: string): AsyncIterable<StoreEntry>;

  /** Keys starting with `prefix`, in the same order and with the same view as {@link entries}. */
  keys(prefix?: string): AsyncIterable<string>;

  /**
   * A store that sees only the keys of a sub-namespace, as its own keys. Names are
   * single segments of letters, digits, `.`, `_` and `-`; no key or prefix passed to
   * the returned store can reach outside it. A namespace's keys are visible to its
   * parent under `<name>/`.
   */
  namespace(name: string): Store;

  /**
   * On the root store, closes the database. On a namespace, only that view (and the
   * namespaces made from it) stops working, so the owner of a plugin's namespace can
   * cut the plugin off without a plugin being able to close the daemon's store.
   */
  close(): Promise<void>;
}
