import type { Logger } from 'pino';
import type { MasterInfo } from '../protocol/mesos.js';
import { TypedEmitter } from '../scheduler/typed-emitter.js';
import { watchContenders } from './election-watch.js';
import { contenderPath, decodeMasterInfo } from './leader-znode.js';
import { RerunLoop } from './rerun-loop.js';
import type { ZooKeeperConnection } from './zookeeper-connection.js';

export interface LeaderDetectorEvents {
  /** The leading master changed; undefined while none is elected. */
  leader: [info: MasterInfo | undefined];
}

export interface LeaderDetectorOptions {
  readonly connection: ZooKeeperConnection;
  readonly path: string;
  readonly logger?: Logger;
}

/**
 * Finds the leading master under a --zk path and follows it, as Mesos's
 * ZooKeeperMasterDetector does for agents and schedulers: the contender with the lowest
 * `json.info_` sequence leads, and its MasterInfo is read from its znode. A lost
 * connection keeps the last known leader (it most likely still leads); an expired
 * session forgets it until the new session has looked again.
 */
export class LeaderDetector extends TypedEmitter<LeaderDetectorEvents> {
  readonly #connection: ZooKeeperConnection;
  readonly #path: string;
  readonly #logger: Logger | undefined;
  #leader: { znode: string; info: MasterInfo } | undefined;
  #stopped = true;
  readonly #unsubscribe: Array<() => void> = [];
  readonly #detection = new RerunLoop(
    () =>
      this.#detect().then(
        () => this.#detected(),
        (error: unknown) => {
          // A connection that drops re-triggers detection once it is back.
          this.#logger?.debug({ err: error }, 'leader detection interrupted');
        },
      ),
    () => !this.#stopped,
  );
  // One function per detector, so ZooKeeper's client registers the watch once per path.
  readonly #watcher = () => this.#detection.kick();
  #detected!: () => void;
  /** Settles once the first look at the election has finished, whether a master leads or not. */
  readonly detected = new Promise<void>((resolve) => {
    this.#detected = resolve;
  });

  constructor(options: LeaderDetectorOptions) {
    super();
    this.#connection = options.connection;
    this.#path = options.path;
    this.#logger = options.logger;
  }

  get leader(): MasterInfo | undefined {
    return this.#leader?.info;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe.push(
      this.#connection.on('connected', () => this.#detection.kick()),
      this.#connection.on('expired', () => this.#set(undefined)),
    );
    if (this.#connection.connected) this.#detection.kick();
  }

  stop(): void {
    this.#stopped = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  /** The leader once one is known; rejects after `timeoutMs`. */
  waitForLeader(timeoutMs = 30_000): Promise<MasterInfo> {
    const known = this.leader;
    if (known) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        remove();
        reject(new Error(`no leading master under ${this.#path} after ${timeoutMs} ms`));
      }, timeoutMs);
      const remove = this.on('leader', (info) => {
        if (!info) return;
        clearTimeout(timer);
        remove();
        resolve(info);
      });
    });
  }

  async #detect(): Promise<void> {
    const contenders = await watchContenders(this.#connection, this.#path, this.#watcher);
    if (contenders === undefined) {
      // Kicked from within the pass: the path was just created, so look once more.
      this.#detection.kick();
      return;
    }
    for (const contender of contenders) {
      if (this.#leader?.znode === contender.name) return;
      const node = await this.#connection.getData(contenderPath(this.#path, contender.name));
      // Gone meanwhile: the next contender is the leader now (the watch fires as well).
      if (!node) continue;
      const info = decodeMasterInfo(node.data);
      if (!info) {
        this.#logger?.warn({ znode: contender.name }, 'the leading znode holds no MasterInfo JSON');
        this.#set(undefined);
        return;
      }
      this.#set({ znode: contender.name, info });
      return;
    }
    this.#set(undefined);
  }

  #set(leader: { znode: string; info: MasterInfo } | undefined): void {
    if (this.#stopped || this.#leader?.znode === leader?.znode) return;
    this.#leader = leader;
    this.#logger?.info(
      { leader: leader?.info.pid, znode: leader?.znode },
      'leading master changed',
    );
    void this.emit('leader', leader?.info);
  }
}
