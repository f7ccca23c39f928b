import type { Logger } from 'pino';
import type { MasterInfo } from '../protocol/mesos.js';
import { TypedEmitter } from '../scheduler/typed-emitter.js';
import { contenderPath, encodeMasterInfo, MASTER_INFO_PREFIX, standingOf } from './leader-znode.js';
import { RerunLoop } from './rerun-loop.js';
import { CreateMode, type ZooKeeperConnection } from './zookeeper-connection.js';

export interface MasterContenderEvents {
  /** This master leads from now on, until `lost`. */
  elected: [];
  /** This master no longer leads: stop acting as leader now. */
  lost: [reason: string];
}

export interface MasterContenderOptions {
  readonly connection: ZooKeeperConnection;
  /** The --zk path, e.g. `/mesolite`. */
  readonly path: string;
  readonly masterInfo: MasterInfo;
  readonly logger?: Logger;
  /** Milliseconds since the epoch; injected so tests can fix `electedAt`. */
  readonly now?: () => number;
}

const RETRY_MS = 500;

/**
 * A master's place in the leader election, as Mesos's ZooKeeperMasterContender holds
 * it. Leadership ends the moment the ZooKeeper connection drops: `lost` is emitted
 * synchronously from the connection's own event, before any other callback can run
 * and act as leader, since from then on another master may be elected. On a
 * reconnection within the same session its znode is still there and it may lead again
 * at once; after an expiry it joins again with a new znode. The process never exits.
 */
export class MasterContender extends TypedEmitter<MasterContenderEvents> {
  readonly #connection: ZooKeeperConnection;
  readonly #path: string;
  readonly #data: Buffer;
  readonly #logger: Logger | undefined;
  readonly #now: () => number;
  #znode: string | undefined;
  #leading = false;
  #electedAt: number | undefined;
  // Bumped whenever what is known about the session changes; a step that awaited
  // ZooKeeper and finds it bumped drops its result instead of acting on a stale view.
  #generation = 0;
  #stopped = true;
  #retry: NodeJS.Timeout | undefined;
  // One election step at a time: two overlapping steps could each create a znode.
  readonly #steps = new RerunLoop(() => this.#contend(this.#generation));
  readonly #unsubscribe: Array<() => void> = [];

  constructor(options: MasterContenderOptions) {
    super();
    this.#connection = options.connection;
    this.#path = options.path;
    this.#data = encodeMasterInfo(options.masterInfo);
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** When this master was last elected, while it leads. */
  get electedAt(): number | undefined {
    return this.#leading ? this.#electedAt : undefined;
  }

  /** The full path of this master's znode, once it has one. */
  get znode(): string | undefined {
    return this.#znode === undefined ? undefined : contenderPath(this.#path, this.#znode);
  }

  /** Joins the election; it follows the connection's sessions from now on. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe.push(
      this.#connection.on('connected', ({ renewed }) => {
        this.#generation += 1;
        if (!renewed) this.#znode = undefined;
        this.#steps.kick();
      }),
      this.#connection.on('disconnected', () => {
        this.#generation += 1;
        this.#stepDown('lost contact with ZooKeeper');
      }),
      this.#connection.on('expired', () => {
        this.#generation += 1;
        this.#znode = undefined;
        this.#stepDown('the ZooKeeper session expired');
      }),
    );
    if (this.#connection.connected) this.#steps.kick();
  }

  /** Leaves the election: steps down and removes this master's znode. */
  async withdraw(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#generation += 1;
    clearTimeout(this.#retry);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#stepDown('withdrew from the election');
    const own = this.znode;
    this.#znode = undefined;
    if (own !== undefined && this.#connection.connected) {
      await this.#connection.remove(own).catch((error: unknown) => {
        this.#logger?.warn({ err: error, znode: own }, 'could not remove the contender znode');
      });
    }
  }

  async #contend(generation: number): Promise<void> {
    if (!this.#current(generation)) return;
    try {
      if (this.#znode === undefined) this.#znode = await this.#findOwn(generation);
      if (!this.#current(generation)) return;
      if (this.#znode === undefined) {
        await this.#connection.mkdirp(this.#path);
        const created = await this.#connection.create(
          contenderPath(this.#path, MASTER_INFO_PREFIX),
          this.#data,
          CreateMode.EPHEMERAL_SEQUENTIAL,
        );
        // Kept even if the view changed meanwhile: it is this session's znode.
        this.#znode = created.slice(created.lastIndexOf('/') + 1);
        this.#logger?.info({ znode: created }, 'joined the leader election');
      }
      await this.#evaluate(generation);
    } catch (error) {
      if (!this.#current(generation)) return;
      this.#logger?.warn({ err: error }, 'leader election step failed; retrying');
      clearTimeout(this.#retry);
      this.#retry = setTimeout(() => {
        if (this.#current(generation)) this.#steps.kick();
      }, RETRY_MS);
    }
  }

  // A create whose answer was lost may still have made the znode; the session that
  // owns it is how it is found again, so the master never competes against itself.
  async #findOwn(generation: number): Promise<string | undefined> {
    const session = this.#connection.sessionId;
    const children = (await this.#connection.getChildren(this.#path)) ?? [];
    for (const name of children) {
      if (!name.startsWith(MASTER_INFO_PREFIX) || !this.#current(generation)) continue;
      const stat = await this.#connection.exists(contenderPath(this.#path, name));
      if (stat && stat.ephemeralOwner.toString('hex') === session) return name;
    }
    return undefined;
  }

  async #evaluate(generation: number): Promise<void> {
    const own = this.#znode;
    if (own === undefined || !this.#current(generation)) return;
    const children = (await this.#connection.getChildren(this.#path)) ?? [];
    if (!this.#current(generation)) return;
    const standing = standingOf(children, own);
    if (standing.kind === 'absent') {
      // Removed from outside (an operator, or a session that expired meanwhile).
      this.#stepDown('its znode was removed');
      this.#znode = undefined;
      return this.#contend(generation);
    }
    if (standing.kind === 'leading') {
      const stat = await this.#connection.exists(contenderPath(this.#path, own), {
        watcher: () => this.#onWatch(generation),
      });
      if (!this.#current(generation)) return;
      if (!stat) return this.#evaluate(generation);
      this.#becomeLeader();
      return;
    }
    this.#stepDown('another master leads');
    const stat = await this.#connection.exists(contenderPath(this.#path, standing.predecessor), {
      watcher: () => this.#onWatch(generation),
    });
    if (!stat && this.#current(generation)) return this.#evaluate(generation);
  }

  #onWatch(generation: number): void {
    if (this.#current(generation)) this.#steps.kick();
  }

  #becomeLeader(): void {
    if (this.#leading) return;
    this.#leading = true;
    this.#electedAt = this.#now();
    this.#logger?.info({ znode: this.znode }, 'elected leading master');
    void this.emit('elected');
  }

  #stepDown(reason: string): void {
    if (!this.#leading) return;
    this.#leading = false;
    this.#electedAt = undefined;
    this.#logger?.warn({ reason }, 'no longer the leading master');
    void this.emit('lost', reason);
  }

  #current(generation: number): boolean {
    return !this.#stopped && generation === this.#generation && this.#connection.connected;
  }
}
