import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, resolveDaemonOptions } from '@mesolite/daemon';
import { HaMaster } from '@mesolite/daemon/ha/ha-master';
import { LeaderDetector } from '@mesolite/daemon/ha/leader-detector';
import { MasterContender } from '@mesolite/daemon/ha/master-contender';
import {
  DEFAULT_SESSION_TIMEOUT_MS,
  ZooKeeperConnection,
} from '@mesolite/daemon/ha/zookeeper-connection';
import { buildMasterInfo } from '@mesolite/daemon/master/master-info';
import type { MasterInfo } from '@mesolite/daemon/protocol/mesos';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type ZooKeeperServer, zookeeperServer } from '../../support/real-services.js';

// MESOLITE_HA_DEBUG=1 shows what the sessions and contenders do, on stderr.
const debugLogger = process.env.MESOLITE_HA_DEBUG
  ? pino({ level: 'debug' }, pino.destination(2))
  : undefined;

/** A contending master as the tests drive it: its own session, its own MasterInfo. */
export interface TestMaster {
  readonly id: string;
  readonly info: MasterInfo;
  readonly connection: ZooKeeperConnection;
  readonly contender: MasterContender;
  /** Every `elected` and `lost`, in order, as the master saw them. */
  readonly events: string[];
}

/**
 * Owns every connection, contender and detector a test makes, and closes them all, so
 * a test only says what it does.
 */
export class HaHarness {
  readonly #connectionString: string;
  readonly #closers: Array<() => Promise<void>> = [];
  /** `<id> elected` and `<id> lost` for every master of this harness, in the order they happened. */
  readonly timeline: string[] = [];

  constructor(connectionString: string) {
    this.#connectionString = connectionString;
  }

  connection(sessionTimeoutMs = DEFAULT_SESSION_TIMEOUT_MS): ZooKeeperConnection {
    const connection = new ZooKeeperConnection({
      connectionString: this.#connectionString,
      sessionTimeoutMs,
      ...(debugLogger ? { logger: debugLogger } : {}),
    });
    this.#closers.push(() => connection.close());
    return connection;
  }

  async master(
    path: string,
    port: number,
    sessionTimeoutMs = DEFAULT_SESSION_TIMEOUT_MS,
  ): Promise<TestMaster> {
    const connection = this.connection(sessionTimeoutMs);
    const id = `master-${port}`;
    const info = { ...buildMasterInfo('127.0.0.1', port, id), hostname: '127.0.0.1' };
    const contender = new MasterContender({
      connection,
      path,
      masterInfo: info,
      ...(debugLogger ? { logger: debugLogger.child({ master: id }) } : {}),
    });
    const events: string[] = [];
    contender.on('elected', () => {
      events.push('elected');
      this.timeline.push(`${id} elected`);
    });
    contender.on('lost', (reason) => {
      events.push(`lost: ${reason}`);
      this.timeline.push(`${id} lost`);
    });
    this.#closers.push(() => contender.withdraw());
    await connection.waitUntilConnected();
    contender.start();
    return { id, info, connection, contender, events };
  }

  async detector(path: string): Promise<LeaderDetector> {
    const connection = this.connection();
    const detector = new LeaderDetector({ connection, path });
    this.#closers.push(async () => detector.stop());
    detector.start();
    await connection.waitUntilConnected();
    return detector;
  }

  async close(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close().catch(() => undefined);
  }
}

/** The most masters that led at the same time over a harness's timeline. */
export function mostSimultaneousLeaders(timeline: readonly string[]): number {
  const leading = new Set<string>();
  let most = 0;
  for (const entry of timeline) {
    const [id = '', what] = entry.split(' ');
    if (what === 'elected') leading.add(id);
    else leading.delete(id);
    most = Math.max(most, leading.size);
  }
  return most;
}

/** What {@link useZooKeeper} gives a test file. */
export interface ZooKeeperFixture {
  /** The file's ZooKeeper, to pause, restart or connect to. */
  readonly server: ZooKeeperServer;
  /** `/<name>-<n>`: a path no other test of the file used. */
  nextPath(name: string): string;
  /** `zk://HOST:PORT<path>` on the file's ZooKeeper. */
  url(path: string): string;
  /** `zk://HOST:PORT/<name>-<n>/mesolite`: a --zk no other test of the file used. */
  nextUrl(name: string): string;
  /** A session of its own (with digest credentials when given), connected; closed after the test. */
  connect(digestCredentials?: string): Promise<ZooKeeperConnection>;
  /**
   * A highly available master of this process contending under `zkUrl`, on a throwaway
   * work dir (or `workDir`, the same master restarted); stopped after the test.
   */
  haMaster(zkUrl: string, options?: { quorum?: number; workDir?: string }): Promise<HaMaster>;
  /** The work dir a master of {@link haMaster} runs on. */
  workDirOf(master: HaMaster): string;
  /** Something else to undo after the test, with the rest (the last made, the first undone). */
  defer(cleanup: () => Promise<void>): void;
}

/**
 * One real ZooKeeper (tickTime 500) for the test file or describe block it is called in,
 * started before its first test and stopped after its last, and the sessions and masters
 * each test makes, undone after the test. It registers those hooks where it is called.
 */
export function useZooKeeper(): ZooKeeperFixture {
  let server: ZooKeeperServer | undefined;
  let run = 0;
  const cleanups: Array<() => Promise<void>> = [];
  const workDirs = new WeakMap<HaMaster, string>();

  beforeAll(async () => {
    server = await zookeeperServer({ tickTime: 500 });
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    // Every cleanup runs, even after one fails; the first failure fails the test.
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  });

  const fixture: ZooKeeperFixture = {
    get server() {
      if (!server) throw new Error('the ZooKeeper of useZooKeeper() starts in beforeAll');
      return server;
    },
    nextPath(name) {
      run += 1;
      return `/${name}-${run}`;
    },
    url(path) {
      return `zk://${fixture.server.connectionString}${path}`;
    },
    nextUrl(name) {
      return fixture.url(`${fixture.nextPath(name)}/mesolite`);
    },
    async connect(digestCredentials) {
      const connection = new ZooKeeperConnection({
        connectionString: fixture.server.connectionString,
        ...(digestCredentials === undefined ? {} : { digestCredentials }),
      });
      cleanups.push(() => connection.close());
      await connection.waitUntilConnected();
      return connection;
    },
    async haMaster(zkUrl, options = {}) {
      const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'mesolite-ha-')));
      if (options.workDir === undefined) {
        cleanups.push(() => rm(workDir, { recursive: true, force: true }));
      }
      const master = await HaMaster.start({
        zk: zkUrl,
        daemon: resolveDaemonOptions({
          port: 0,
          workDir,
          logLevel: 'silent',
          agent: false,
          plugins: [],
        }),
        logger: createLogger(process.env.MESOLITE_TEST_LOG ?? 'silent'),
        ...(options.quorum === undefined ? {} : { quorum: options.quorum }),
      });
      cleanups.push(() => master.stop());
      workDirs.set(master, workDir);
      return master;
    },
    workDirOf(master) {
      const workDir = workDirs.get(master);
      if (workDir === undefined) throw new Error(`${master.url} was not started by haMaster()`);
      return workDir;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
  return fixture;
}
