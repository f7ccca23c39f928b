/**
 * The part of a framework plugin's store every framework needs: its framework id, kept
 * so that after a restart it subscribes again as itself and finds its tasks, as Mesos
 * frameworks keep theirs in ZooKeeper.
 */
import type { Store } from '../store/store.js';

const FRAMEWORK_ID = 'framework-id';

export class FrameworkStore {
  constructor(protected readonly store: Store) {}

  async frameworkId(): Promise<string | undefined> {
    const value = await this.store.get(FRAMEWORK_ID);
    return typeof value === 'string' ? value : undefined;
  }

  setFrameworkId(id: string): Promise<void> {
    return this.store.put(FRAMEWORK_ID, id);
  }
}
