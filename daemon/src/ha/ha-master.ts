import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { FilesRegistry } from '../agent/files/files-registry.js';
import { filesRoutes } from '../agent/files/files-routes.js';
import type { DaemonOptions } from '../config/daemon-options.js';
import { type DaemonTuning, type RunningDaemon, startDaemon } from '../daemon.js';
import type { Logger } from '../logger.js';
import { buildMasterInfo } from '../master/master-info.js';
import type { MasterInfo } from '../protocol/mesos.js';
import type { ClusterSecurity } from '../server/daemon-security.js';
import { prepareClusterSecurity } from './cluster-security.js';
import { SteppedDownError } from './errors.js';
import { followerRoutes } from './follower-routes.js';
import { freePort } from './free-port.js';
import { LeaderDetector } from './leader-detector.js';
import { LeaderFencedStore } from './leader-fenced-store.js';
import { electionLeadership, type Leadership } from './leadership.js';
import { MasterContender } from './master-contender.js';
import { masterUrl } from './master-follower.js';
import { MasterGroup } from './master-group.js';
import { mastersRoutes } from './masters-routes.js';
import { DEFAULT_QUORUM, quorumStanding } from './quorum.js';
import { formatZooKeeperUrl, parseZooKeeperUrl } from './zk-url.js';
import { ZooKeeperConnection } from './zookeeper-connection.js';
import { ZooKeeperStore } from './zookeeper-store.js';

export interface HaMasterOptions {
  /** `zk://HOST:PORT[,HOST:PORT...]/PATH`, as Mesos's --zk. */
  readonly zk: string;
  /** The daemon's options; `agent` is ignored (a local agent follows the leader on its own). */
  readonly daemon: DaemonOptions;
  readonly logger: Logger;
  readonly tuning?: DaemonTuning;
  readonly sessionTimeoutMs?: number;
  /** --quorum: how many masters must be present before the elected one recovers (default 1). */
  readonly quorum?: number;
  /**
   * The sandboxes of the agent `up --zk` runs beside this master, served at /files/* as
   * `mesolite up` serves its own, whether this master leads or not.
   */
  readonly localFiles?: FilesRegistry;
}

// A term that failed for another reason than stepping down (ZooKeeper went away while
// the registry was being read) is tried again after this long.
const RETRY_MS = 500;

/**
 * One leadership term: from a fresh daemon that serves as a follower until this master
 * is elected, to the moment it stops leading. Ending a term stops the master core and
 * the plugins at once; the daemon then serves as a follower (its routes redirect and
 * proxy) until this master is elected again, when a fresh daemon starts from nothing
 * but what the replicated store holds. So a master that lost ZooKeeper still answers.
 */
class Term {
  #resolveElected!: () => void;
  #rejectElected!: (err: Error) => void;
  #resolveEnded!: () => void;
  readonly elected: Promise<void>;
  readonly ended: Promise<void>;
  #isElected = false;
  #isEnded = false;
  daemon: RunningDaemon | undefined;

  constructor() {
    this.elected = new Promise((resolve, reject) => {
      this.#resolveElected = resolve;
      this.#rejectElected = reject;
    });
    // The daemon may not be waiting for it yet when the term ends.
    this.elected.catch(() => undefined);
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  get isElected(): boolean {
    return this.#isElected;
  }

  get isEnded(): boolean {
    return this.#isEnded;
  }

  elect(): void {
    if (this.#isEnded || this.#isElected) return;
    this.#isElected = true;
    this.#resolveElected();
  }

  end(reason: string): void {
    if (this.#isEnded) return;
    this.#isEnded = true;
    // Master.stop clears its timers, closes framework streams and drops agent links
    // before its first await: no offer or launch leaves this master after this line.
    // Its writes are refused by the fenced store from the same moment.
    if (this.daemon) {
      void this.daemon.master.stop();
      void this.daemon.plugins.stopAll();
    }
    this.#rejectElected(new SteppedDownError(reason));
    this.#resolveEnded();
  }
}

/**
 * A highly available master (`mesolite master --zk`): it contends for leadership
 * through ZooKeeper and serves all along, as a follower (redirects, 503s and the proxy
 * of followerRoutes) until it is elected; then its master core and plugins start from
 * the replicated store under PATH/store. When it loses leadership it stops acting at
 * once and serves as a follower again, in the same process, for as long as it runs.
 */
/** Longer than a healthy ZooKeeper takes to list the election's znodes. */
const FIRST_DETECTION_MS = 5000;

export class HaMaster {
  readonly url: string;
  readonly self: MasterInfo;
  readonly leadership: Leadership;
  /** With auth on: the certificate and join token this master shares with the others. */
  readonly security: ClusterSecurity | undefined;
  readonly #options: HaMasterOptions;
  readonly #connection: ZooKeeperConnection;
  readonly #store: ZooKeeperStore;
  readonly #contender: MasterContender;
  readonly #detector: LeaderDetector;
  readonly #group: MasterGroup;
  #term: Term | undefined;
  #stopping = false;
  #loop: Promise<void> = Promise.resolve();
  #listening: (() => void) | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(
    options: HaMasterOptions,
    connection: ZooKeeperConnection,
    store: ZooKeeperStore,
    self: MasterInfo,
    path: string,
    security: ClusterSecurity | undefined,
  ) {
    this.#options = options;
    this.#connection = connection;
    this.#store = store;
    this.self = self;
    this.security = security;
    this.url = masterUrl(self, security ? 'https' : 'http');
    const logger = options.logger.child({ component: 'election' });
    this.#contender = new MasterContender({ connection, path, masterInfo: self, logger });
    this.#detector = new LeaderDetector({ connection, path, logger });
    this.#group = new MasterGroup({ connection, path, logger });
    this.leadership = electionLeadership(this.#contender, this.#detector, self);
    this.#contender.on('elected', () => this.#term?.elect());
    this.#contender.on('lost', (reason) => {
      // A follower that was never elected keeps serving as it is.
      if (this.#term?.isElected) this.#term.end(reason);
    });
  }

  /** Connects to ZooKeeper, serves as a follower and joins the election. */
  static async start(options: HaMasterOptions): Promise<HaMaster> {
    const zk = parseZooKeeperUrl(options.zk);
    const logger = options.logger;
    const connection = new ZooKeeperConnection({
      connectionString: zk.connectionString,
      logger: logger.child({ component: 'zookeeper' }),
      ...(zk.digestCredentials ? { digestCredentials: zk.digestCredentials } : {}),
      ...(options.sessionTimeoutMs !== undefined
        ? { sessionTimeoutMs: options.sessionTimeoutMs }
        : {}),
    });
    try {
      await connection.waitUntilConnected();
      const { host } = options.daemon;
      const ip = host === 'localhost' ? '127.0.0.1' : host;
      // The port goes into ZooKeeper before the server listens, so it is settled first.
      const port = options.daemon.port === 0 ? await freePort(host) : options.daemon.port;
      // Clients are sent to `hostname`: the address this master listens on is one they reach.
      const self = { ...buildMasterInfo(ip, port), hostname: ip };
      const store = await ZooKeeperStore.open({
        connection,
        root: `${zk.path === '/' ? '' : zk.path}/store`,
      });
      const security = await prepareClusterSecurity({
        connection,
        zk,
        daemon: options.daemon,
        store,
        logger,
      });
      const master = new HaMaster(
        { ...options, daemon: { ...options.daemon, port, agent: false } },
        connection,
        store,
        self,
        zk.path,
        security,
      );
      await master.#begin();
      logger.info({ zk: formatZooKeeperUrl(zk), url: master.url }, 'contending for leadership');
      return master;
    } catch (err) {
      await connection.close();
      throw err;
    }
  }

  /** Whether this master leads and its master core runs. */
  get isLeading(): boolean {
    return this.#contender.isLeader && this.#term?.daemon !== undefined;
  }

  /** The daemon of the current term while this master leads. */
  get daemon(): RunningDaemon | undefined {
    return this.#contender.isLeader ? this.#term?.daemon : undefined;
  }

  /** Resolves once this master leads with its master core and plugins running. */
  async waitUntilLeading(timeoutMs = 30_000): Promise<RunningDaemon> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const daemon = this.daemon;
      if (daemon && !this.#term?.isEnded) return daemon;
      if (Date.now() > deadline) throw new Error(`${this.url} did not lead in ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** Leaves the election (another master may lead at once), stops serving and ends the session. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping = true;
      await this.#contender.withdraw();
      this.#term?.end('shutting down');
      await this.#loop;
      this.#detector.stop();
      this.#group.stop();
      await this.#store.close();
      await this.#connection.close();
    })();
    return this.#stopped;
  }

  async #begin(): Promise<void> {
    const listening = new Promise<void>((resolve) => {
      this.#listening = resolve;
    });
    this.#loop = this.#run();
    // A first term that fails before listening (the port is taken) fails the start.
    await Promise.race([
      listening,
      this.#loop.then(() => {
        throw new Error(`${this.url} stopped before it listened`);
      }),
    ]);
    this.#detector.start();
    this.#group.start();
    this.#contender.start();
    // Ready once it knows who leads: until then a follower could only answer 503.
    await Promise.race([
      this.#detector.detected,
      sleep(FIRST_DETECTION_MS, undefined, { ref: false }),
    ]);
  }

  async #run(): Promise<void> {
    const logger = this.#options.logger;
    let firstFailure: unknown;
    // The daemon of the last term, serving as a follower since it stepped down.
    let previous: RunningDaemon | undefined;
    while (!this.#stopping) {
      const term = new Term();
      this.#term = term;
      if (this.#contender.isLeader) term.elect();
      if (previous) {
        const elected = await term.elected.then(
          () => true,
          () => false,
        );
        if (!elected) continue;
        await this.#stopDaemon(previous);
        previous = undefined;
      }
      try {
        term.daemon = await startDaemon(this.#options.daemon, logger, {
          ...this.#options.tuning,
          ha: {
            // Before the election only the daemon's own setup writes (the shared token
            // secret, once per cluster): the master core and plugins have not started.
            store: new LeaderFencedStore(
              this.#store,
              () => !term.isEnded && (!term.isElected || this.#contender.isLeader),
            ),
            routes: this.#routes(),
            masterInfo: this.self,
            elected: term.elected,
            security: this.security,
            recoverable: () => this.#quorumReached(term),
          },
        });
      } catch (err) {
        if (this.#listening) {
          firstFailure = err;
          break;
        }
        if (!(err instanceof SteppedDownError)) {
          logger.error({ err }, 'could not take over as the leading master; trying again');
          term.end('failed to start leading');
          await sleep(RETRY_MS);
        }
        continue;
      }
      if (term.isEnded) {
        void term.daemon.master.stop();
        void term.daemon.plugins.stopAll();
      } else {
        logger.info({ url: this.url }, 'leading: master core and plugins started');
      }
      await term.ended;
      logger.warn({ url: this.url }, 'stepped down: serving as a follower');
      previous = term.daemon;
    }
    if (previous) await this.#stopDaemon(previous);
    if (firstFailure !== undefined) throw firstFailure;
  }

  /** The masters present in the election, in election order (the leader first). */
  get masters(): readonly MasterInfo[] {
    return this.#group.members.map((member) => member.info);
  }

  /**
   * Resolves once --quorum masters are present in the election, counting this one (it
   * was elected, so it is there even before the group has been listed); rejects when
   * the term ends first. Until then the master has not finished recovery: its APIs
   * answer 503 and agents ask again.
   */
  #quorumReached(term: Term): Promise<void> {
    const required = this.#options.quorum ?? DEFAULT_QUORUM;
    const standing = () =>
      quorumStanding(
        new Set([this.self.id, ...this.masters.map((info) => info.id)]).size,
        required,
      );
    if (standing().met) return Promise.resolve();
    const logger = this.#options.logger;
    return new Promise((resolve, reject) => {
      const check = () => {
        const now = standing();
        if (now.met) {
          removeMembers();
          logger.info(
            { quorum: required, present: now.present },
            'a quorum of masters is present: recovering',
          );
          resolve();
        } else {
          logger.warn(
            { quorum: required, present: now.present },
            `elected, but waiting for ${now.missing} more master(s) to join the election before recovering, as --quorum ${required} asks`,
          );
        }
      };
      const removeMembers = this.#group.on('members', check);
      void term.ended.then(() => {
        removeMembers();
        reject(new SteppedDownError('it stopped leading while waiting for a quorum of masters'));
      });
      check();
    });
  }

  async #stopDaemon(daemon: RunningDaemon): Promise<void> {
    await daemon.stop().catch((err: unknown) => {
      this.#options.logger.error({ err }, "stopping the last term's daemon failed");
    });
  }

  #routes() {
    const follower = followerRoutes({
      leadership: this.leadership,
      self: this.self,
      ...(this.security ? { leaderCa: this.security.tls.ca } : {}),
    });
    const routes = async (app: FastifyInstance) => {
      app.addHook('onListen', async () => {
        const listening = this.#listening;
        this.#listening = undefined;
        listening?.();
      });
      await follower(app);
      const localFiles = this.#options.localFiles;
      if (localFiles) await app.register(filesRoutes(localFiles));
      await app.register(
        mastersRoutes({
          leadership: this.leadership,
          self: this.self,
          members: () => this.masters,
          quorum: this.#options.quorum ?? DEFAULT_QUORUM,
          // The master core's own elected_time, so the endpoint and /master/state agree.
          electedAt: () => this.daemon?.master.electedTime,
        }),
      );
    };
    // Like fastify-plugin: the follower hook must see every route of the server.
    Object.defineProperty(routes, Symbol.for('skip-override'), { value: true });
    return routes;
  }
}
