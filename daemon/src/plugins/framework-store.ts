/**
 * The part of a framework plugin's store every framework needs: its framework id, kept
 * so that after a restart it subscribes again as itself and finds its tasks, as Mesos
 * frameworks keep theirs in ZooKeeper.
 */
import type { FrameworkInfo } from '../protocol/mesos.js';
import type { Store } from '../store/store.js';

const FRAMEWORK_ID = 'framework-id';

/** A week: a plugin restarted or upgraded within it finds its tasks still running. */
const FAILOVER_TIMEOUT_SECONDS = 604800;

export class FrameworkStore {
  constructor(protected readonly store: Store) {}

  async frameworkId(): Promise<string | undefined> {
    const value = await this.store.get(FRAMEWORK_ID);
    return typeof value === 'string' ? value : undefined;
  }

  setFrameworkId(id: string): Promise<void> {
    return this.store.put(FRAMEWORK_ID, id);
  }

  /**
   * The FrameworkInfo a plugin subscribes with: checkpointed, with a week's failover
   * timeout, and as itself again (its stored id) after a restart.
   */
  async frameworkInfo(
    name: string,
    capabilities: NonNullable<FrameworkInfo['capabilities']>,
  ): Promise<FrameworkInfo> {
    const id = await this.frameworkId();
    return {
      user: 'root',
      name,
      failover_timeout: FAILOVER_TIMEOUT_SECONDS,
      checkpoint: true,
      roles: ['*'],
      capabilities,
      ...(id ? { id: { value: id } } : {}),
    };
  }
}
