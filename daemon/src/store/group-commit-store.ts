/**
 * Group commit over a Store: writes made in the same turn of the event loop are
 * written as one atomic batch, with one fsync, and each write's promise resolves
 * only once that batch is durable. The durability contract of the Store is unchanged
 * (an acknowledged write survives kill -9); what changes is the cost under load: a
 * burst of N writes costs one sync instead of N. The agent, which checkpoints every
 * task transition before acting on it, is the main beneficiary.
 */
import { StoreClosedError } from './errors.js';
import type { BatchOperation, JsonValue, Store, StoreEntry } from './store.js';

interface Submission {
  operations: readonly BatchOperation[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Pending {
  submissions: Submission[];
}

class Batcher {
  private pending: Pending | undefined;

  constructor(private readonly root: Store) {}

  submit(operations: readonly BatchOperation[]): Promise<void> {
    if (!this.pending) {
      const batch: Pending = { submissions: [] };
      this.pending = batch;
      setImmediate(() => void this.flush(batch));
    }
    const batch = this.pending;
    return new Promise((resolve, reject) =>
      batch.submissions.push({ operations, resolve, reject }),
    );
  }

  private async flush(batch: Pending): Promise<void> {
    if (this.pending === batch) this.pending = undefined;
    const { submissions } = batch;
    try {
      await this.root.batch(submissions.flatMap((submission) => submission.operations));
      for (const submission of submissions) submission.resolve();
    } catch {
      // One bad write must not fail the others it was grouped with: write each alone.
      for (const submission of submissions) {
        await this.root.batch(submission.operations).then(submission.resolve, submission.reject);
      }
    }
  }
}

export class GroupCommitStore implements Store {
  private readonly batcher: Batcher;

  /**
   * @param inner the store reads go to (the root or one of its namespaces)
   * @param prefix the key prefix of `inner` as seen from `root`
   */
  private closed = false;

  private constructor(
    private readonly inner: Store,
    private readonly prefix: string,
    batcher: Batcher,
    private readonly parent: GroupCommitStore | undefined,
  ) {
    this.batcher = batcher;
  }

  /** Writes bypass the inner namespace, so its closed state is enforced here too. */
  private submit(operations: readonly BatchOperation[]): Promise<void> {
    for (let store: GroupCommitStore | undefined = this; store; store = store.parent) {
      if (store.closed) {
        const where =
          this.prefix === '' ? 'store' : `store namespace ${JSON.stringify(this.prefix)}`;
        return Promise.reject(new StoreClosedError(where));
      }
    }
    return this.batcher.submit(operations);
  }

  /** Wraps a root store; namespaces made from the wrapper share its batches. */
  static wrap(root: Store): GroupCommitStore {
    return new GroupCommitStore(root, '', new Batcher(root), undefined);
  }

  get(key: string): Promise<JsonValue | undefined> {
    return this.inner.get(key);
  }

  put(key: string, value: JsonValue): Promise<void> {
    return this.submit([{ type: 'put', key: `${this.prefix}${key}`, value }]);
  }

  del(key: string): Promise<void> {
    return this.submit([{ type: 'del', key: `${this.prefix}${key}` }]);
  }

  batch(operations: readonly BatchOperation[]): Promise<void> {
    return this.submit(
      operations.map((operation) => ({ ...operation, key: `${this.prefix}${operation.key}` })),
    );
  }

  entries(prefix?: string): AsyncIterable<StoreEntry> {
    return this.inner.entries(prefix);
  }

  keys(prefix?: string): AsyncIterable<string> {
    return this.inner.keys(prefix);
  }

  namespace(name: string): Store {
    // The inner namespace checks the name; its keys sit under `<name>/` in its parent.
    return new GroupCommitStore(
      this.inner.namespace(name),
      `${this.prefix}${name}/`,
      this.batcher,
      this,
    );
  }

  close(): Promise<void> {
    this.closed = true;
    return this.inner.close();
  }
}
