import type { BatchOperation, JsonValue, Store, StoreEntry } from '../store/store.js';
import { NotLeadingError } from './errors.js';

/**
 * The replicated store as one leadership term sees it: reads pass through, and every
 * write is refused the moment this master stops leading, checked when the write is
 * made, so a master that has just lost its ZooKeeper session cannot overwrite what the
 * next leader writes. Closing it ends only this view; the store underneath belongs to
 * the highly available master and outlives the term.
 */
export class LeaderFencedStore implements Store {
  #closed = false;

  constructor(
    private readonly inner: Store,
    private readonly isLeader: () => boolean,
    private readonly parent?: LeaderFencedStore,
  ) {}

  #check(): void {
    for (let store: LeaderFencedStore | undefined = this; store; store = store.parent) {
      if (store.#closed || !store.isLeader()) throw new NotLeadingError();
    }
  }

  get(key: string): Promise<JsonValue | undefined> {
    return this.inner.get(key);
  }

  async put(key: string, value: JsonValue): Promise<void> {
    this.#check();
    await this.inner.put(key, value);
  }

  async del(key: string): Promise<void> {
    this.#check();
    await this.inner.del(key);
  }

  async batch(operations: readonly BatchOperation[]): Promise<void> {
    this.#check();
    await this.inner.batch(operations);
  }

  entries(prefix?: string): AsyncIterable<StoreEntry> {
    return this.inner.entries(prefix);
  }

  keys(prefix?: string): AsyncIterable<string> {
    return this.inner.keys(prefix);
  }

  namespace(name: string): Store {
    return new LeaderFencedStore(this.inner.namespace(name), this.isLeader, this);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
