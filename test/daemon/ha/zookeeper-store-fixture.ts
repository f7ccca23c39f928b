import { ZooKeeperConnection } from '@mesolite/daemon/ha/zookeeper-connection';
import { ZooKeeperStore } from '@mesolite/daemon/ha/zookeeper-store';
import type { Store } from '@mesolite/daemon/store/store';
import { type ZooKeeperServer, zookeeperServer } from '../../support/real-services.js';

/**
 * The ZooKeeperStore as an entry of the store contract's implementations: one real
 * ZooKeeper for the whole file, started on first use, and a fresh root per store so
 * tests never see each other's keys. The file calls `stopServer` in its afterAll.
 */
export function zooKeeperStoreImplementation(): {
  readonly name: string;
  open(): Promise<{ store: Store; dispose(): Promise<void> }>;
  stopServer(): Promise<void>;
} {
  let server: Promise<ZooKeeperServer> | undefined;
  let opened = 0;
  return {
    name: 'ZooKeeperStore',
    async open() {
      server ??= zookeeperServer({ tickTime: 500 });
      const { connectionString } = await server;
      const connection = new ZooKeeperConnection({ connectionString });
      await connection.waitUntilConnected();
      opened += 1;
      const store = await ZooKeeperStore.open({ connection, root: `/contract/store-${opened}` });
      return {
        store,
        async dispose() {
          await store.close();
          await connection.close();
        },
      };
    },
    async stopServer() {
      if (server) await (await server).stop();
    },
  };
}
