import { LeaderDetector } from '@mesolite/daemon/ha/leader-detector';
import { MasterContender } from '@mesolite/daemon/ha/master-contender';
import {
  DEFAULT_SESSION_TIMEOUT_MS,
  ZooKeeperConnection,
} from '@mesolite/daemon/ha/zookeeper-connection';
import { buildMasterInfo } from '@mesolite/daemon/master/master-info';
import type { MasterInfo } from '@mesolite/daemon/protocol/mesos';
import { pino } from 'pino';

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
