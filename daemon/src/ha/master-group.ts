import type { Logger } from 'pino';
import type { MasterInfo } from '../protocol/mesos.js';
import { TypedEmitter } from '../scheduler/typed-emitter.js';
import { watchContenders } from './election-watch.js';
import { contenderPath, decodeMasterInfo } from './leader-znode.js';
import { RerunLoop } from './rerun-loop.js';
import type { ZooKeeperConnection } from './zookeeper-connection.js';

export interface MasterGroupMember {
  /** The contender's znode under the --zk path, `json.info_NNNNNNNNNN`. */
  readonly znode: string;
  readonly info: MasterInfo;
}

export interface MasterGroupEvents {
  /** The masters present in the election changed; in election order, the leader first. */
  members: [members: readonly MasterGroupMember[]];
}

export interface MasterGroupOptions {
  readonly connection: ZooKeeperConnection;
  readonly path: string;
  readonly logger?: Logger;
}

/**
 * Every master present in the election under a --zk path, not only the leader: what
 * --quorum counts and what the UI tries when the master it was on is gone. Each
 * member's MasterInfo is read once (a znode's content never changes); a member that
 * leaves is forgotten. The list is the last one seen while ZooKeeper is out of reach.
 */
export class MasterGroup extends TypedEmitter<MasterGroupEvents> {
  readonly #connection: ZooKeeperConnection;
  readonly #path: string;
  readonly #logger: Logger | undefined;
  #members: readonly MasterGroupMember[] = [];
  #stopped = true;
  readonly #unsubscribe: Array<() => void> = [];
  readonly #listing = new RerunLoop(
    () =>
      this.#list().catch((error: unknown) => {
        // A connection that drops lists again once it is back.
        this.#logger?.debug({ err: error }, 'listing the masters interrupted');
      }),
    () => !this.#stopped,
  );
  // One function per group, so ZooKeeper's client registers the watch once per path.
  readonly #watcher = () => this.#listing.kick();

  constructor(options: MasterGroupOptions) {
    super();
    this.#connection = options.connection;
    this.#path = options.path;
    this.#logger = options.logger;
  }

  /** The masters present, in election order (the lowest sequence, which leads, first). */
  get members(): readonly MasterGroupMember[] {
    return this.#members;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unsubscribe.push(this.#connection.on('connected', () => this.#listing.kick()));
    if (this.#connection.connected) this.#listing.kick();
  }

  stop(): void {
    this.#stopped = true;
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  async #list(): Promise<void> {
    const contenders = await watchContenders(this.#connection, this.#path, this.#watcher);
    if (contenders === undefined) {
      // Kicked from within the pass: the path was just created, so list it once more.
      this.#listing.kick();
      return;
    }
    const known = new Map(this.#members.map((member) => [member.znode, member]));
    const members: MasterGroupMember[] = [];
    for (const contender of contenders) {
      const member = known.get(contender.name) ?? (await this.#read(contender.name));
      if (member) members.push(member);
    }
    this.#set(members);
  }

  async #read(znode: string): Promise<MasterGroupMember | undefined> {
    const node = await this.#connection.getData(contenderPath(this.#path, znode));
    // Gone meanwhile: the children's watch fires as well.
    if (!node) return undefined;
    const info = decodeMasterInfo(node.data);
    if (!info) {
      this.#logger?.warn({ znode }, 'a contender znode holds no MasterInfo JSON');
      return undefined;
    }
    return { znode, info };
  }

  #set(members: readonly MasterGroupMember[]): void {
    if (this.#stopped) return;
    const names = (list: readonly MasterGroupMember[]) => list.map((m) => m.znode).join(',');
    if (names(members) === names(this.#members)) return;
    this.#members = members;
    void this.emit('members', members);
  }
}
