import zookeeper, { type Client, type Stat } from 'node-zookeeper-client';
import type { Logger } from 'pino';
import { TypedEmitter } from '../scheduler/typed-emitter.js';
import { ZooKeeperOperationError, ZooKeeperUnavailableError } from './errors.js';

/**
 * Three seconds: a master killed with -9 keeps its znode until ZooKeeper expires its
 * session, so this bounds failover (about 3.5 s with the server's tick rounding, under
 * the 5 s goal). Pings go out every second and a silent server is noticed after two, so
 * a GC pause or a network blip shorter than that costs nothing. ZooKeeper clamps it to
 * [2, 20] x its tickTime; docs/HA.md says how to configure the servers for it.
 */
export const DEFAULT_SESSION_TIMEOUT_MS = 3000;

export interface ZooKeeperConnectionOptions {
  /** `host:port[,host:port...]` */
  readonly connectionString: string;
  readonly sessionTimeoutMs?: number;
  /** `user:password` for the digest scheme, from a zk://user:password@... URL. */
  readonly digestCredentials?: string;
  readonly logger?: Logger;
  /** Joins an existing session instead of starting a new one (how a session is taken over). */
  readonly session?: SessionCredentials;
}

export interface SessionCredentials {
  readonly id: Buffer;
  readonly password: Buffer;
}

export interface ZooKeeperConnectionEvents {
  /** Connected; `renewed` is false for a new session (every ephemeral znode is gone). */
  connected: [session: { id: string; renewed: boolean }];
  /** Contact lost; the session may still be alive, but nothing can be known until it is back. */
  disconnected: [];
  /** The session is gone, with its ephemeral znodes and watches; a new one is being started. */
  expired: [];
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'closed';

interface Watchable {
  readonly watcher?: (event: zookeeper.Event) => void;
}

/**
 * One ZooKeeper session at a time, with a promise API, and a new session whenever the
 * previous one expires, so its owner never has to rebuild it. It also notices a server
 * that stopped answering without closing the connection (which the client library
 * alone would wait on forever) and gives a session up as expired when it has been out of
 * touch longer than its timeout, as Mesos's group membership does: ZooKeeper has
 * surely expired it by then, and a master must not go on believing it leads.
 *
 * Operations fail at once with MESOLITE_ERR_ZK_UNAVAILABLE while disconnected, so a
 * write is never left hanging during an outage.
 */
export class ZooKeeperConnection extends TypedEmitter<ZooKeeperConnectionEvents> {
  readonly connectionString: string;
  readonly #requestedTimeoutMs: number;
  readonly #options: ZooKeeperConnectionOptions;
  #client: Client | undefined;
  #state: ConnectionState = 'connecting';
  #sessionId: string | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #expiry: NodeJS.Timeout | undefined;
  #heartbeatInFlight = false;
  #connectWatch: NodeJS.Timeout | undefined;
  #lastHeard = 0;

  constructor(options: ZooKeeperConnectionOptions) {
    super();
    this.#options = options;
    this.connectionString = options.connectionString;
    this.#requestedTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.#open(options.session);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get connected(): boolean {
    return this.#state === 'connected';
  }

  /** The session's id in hex, as ZooKeeper's logs print it. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The timeout ZooKeeper granted, which may differ from the one asked for. */
  get sessionTimeoutMs(): number {
    return this.#client?.getSessionTimeout() || this.#requestedTimeoutMs;
  }

  /** The current session's id and password (a test closes a session from outside with them). */
  sessionCredentials(): SessionCredentials | undefined {
    if (!this.#client || this.#sessionId === undefined) return undefined;
    return { id: this.#client.getSessionId(), password: this.#client.getSessionPassword() };
  }

  /** Resolves once connected; rejects with MESOLITE_ERR_ZK_UNAVAILABLE after `timeoutMs`. */
  waitUntilConnected(timeoutMs = 30_000): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        remove();
        reject(
          new ZooKeeperUnavailableError(this.connectionString, `no session after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const remove = this.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Ends the session (its ephemeral znodes go at once) and stops reconnecting. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const client = this.#client;
    const wasConnected = this.connected;
    this.#state = 'closed';
    this.#stopTimers();
    this.#client = undefined;
    // Whoever relied on the session (a leading master) must stop before it ends.
    if (wasConnected) void this.emit('disconnected');
    if (!client) return;
    if (wasConnected) {
      // The close-session request is the last packet; the socket closes once it is answered.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.sessionTimeoutMs);
        client.once('disconnected', () => {
          clearTimeout(timer);
          resolve();
        });
        client.close();
      });
    } else {
      abandon(client);
    }
  }

  /** Creates `path`, readable and writable by anyone unless `acls` says otherwise. */
  create(path: string, data: Buffer, mode: number, acls?: zookeeper.ACL[]): Promise<string> {
    return this.#call('create', path, (client, done) =>
      acls === undefined
        ? client.create(path, data, mode, done)
        : client.create(path, data, acls, mode, done),
    );
  }

  /** Replaces the znode's data if its version is still `version` (-1: any version). */
  setData(path: string, data: Buffer, version: number): Promise<Stat> {
    return this.#call<Stat>('setData', path, (client, done) =>
      client.setData(path, data, version, done),
    );
  }

  /** Creates `path` and its missing parents as persistent znodes. */
  async mkdirp(path: string): Promise<void> {
    await this.#call<string>('mkdirp', path, (client, done) => client.mkdirp(path, done));
  }

  /** The znode's data and stat, or undefined when it does not exist. */
  getData(
    path: string,
    options: Watchable = {},
  ): Promise<{ data: Buffer; stat: Stat } | undefined> {
    return this.#absentAsUndefined(
      this.#call<{ data: Buffer; stat: Stat }>('getData', path, (client, done) => {
        const callback = (error: unknown, data: Buffer | undefined, stat: Stat) =>
          done(error, { data: data ?? Buffer.alloc(0), stat });
        if (options.watcher) client.getData(path, options.watcher, callback);
        else client.getData(path, callback);
      }),
    );
  }

  exists(path: string, options: Watchable = {}): Promise<Stat | undefined> {
    return this.#call<Stat | undefined>('exists', path, (client, done) => {
      const callback = (error: unknown, stat: Stat | undefined) => done(error, stat ?? undefined);
      if (options.watcher) client.exists(path, options.watcher, callback);
      else client.exists(path, callback);
    });
  }

  /** The znode's children's names, or undefined when it does not exist. */
  getChildren(path: string, options: Watchable = {}): Promise<string[] | undefined> {
    return this.#absentAsUndefined(
      this.#call<string[]>('getChildren', path, (client, done) => {
        if (options.watcher) client.getChildren(path, options.watcher, done);
        else client.getChildren(path, done);
      }),
    );
  }

  /** Removes the znode; false when it did not exist. */
  async remove(path: string, version = -1): Promise<boolean> {
    const removed = await this.#absentAsUndefined(
      this.#call<true>('remove', path, (client, done) =>
        client.remove(path, version, (error: unknown) => done(error, true)),
      ),
    );
    return removed === true;
  }

  /** Applies every operation `build` adds, or none (ZooKeeper's multi). */
  async transaction(
    path: string,
    build: (transaction: zookeeper.Transaction) => void,
  ): Promise<void> {
    await this.#call<unknown>('multi', path, (client, done) => {
      const transaction = client.transaction();
      build(transaction);
      transaction.commit(done);
    });
  }

  #call<T>(
    operation: string,
    path: string,
    run: (client: Client, done: (error: unknown, result: T) => void) => void,
  ): Promise<T> {
    const client = this.#client;
    if (!client || !this.connected) {
      return Promise.reject(
        new ZooKeeperUnavailableError(this.connectionString, `not connected (${this.#state})`),
      );
    }
    return new Promise((resolve, reject) => {
      run(client, (error, result) => {
        if (error) reject(this.#translate(operation, path, error));
        else resolve(result);
      });
    });
  }

  async #absentAsUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
    try {
      return await promise;
    } catch (error) {
      if (zooKeeperCode(error) === zookeeper.Exception.NO_NODE) return undefined;
      throw error;
    }
  }

  #translate(operation: string, path: string, error: unknown): Error {
    const code = codeOf(error);
    const name = error instanceof Error ? error.message : String(error);
    const wrapped =
      code === zookeeper.Exception.CONNECTION_LOSS ||
      code === zookeeper.Exception.SESSION_EXPIRED ||
      code === zookeeper.Exception.OPERATION_TIMEOUT
        ? new ZooKeeperUnavailableError(this.connectionString, `${operation} ${path}: ${name}`)
        : new ZooKeeperOperationError(operation, path, name);
    return Object.assign(wrapped, { cause: error, zooKeeperCode: code });
  }

  #open(session?: SessionCredentials): void {
    const client = zookeeper.createClient(this.connectionString, {
      sessionTimeout: this.#requestedTimeoutMs,
      // Between attempts on the next server; the default second would eat a third of the session.
      spinDelay: 100,
      ...(session ? { sessionId: session.id, sessionPassword: session.password } : {}),
    } as Partial<zookeeper.Option>);
    if (this.#options.digestCredentials !== undefined) {
      client.addAuthInfo('digest', Buffer.from(this.#options.digestCredentials));
    }
    this.#client = client;
    this.#state = 'connecting';
    const current = () => this.#client === client && this.#state !== 'closed';
    client.on('connected', () => {
      if (current()) this.#onConnected(client);
    });
    client.on('disconnected', () => {
      if (current()) this.#onDisconnected();
    });
    client.on('expired', () => {
      if (current()) this.#onExpired('ZooKeeper reported the session expired');
    });
    client.connect();
    this.#watchConnecting(client);
  }

  // A server that accepts the connection but never answers the handshake (one that is
  // still starting up) would hold the library on that socket for ever: while not
  // connected, the socket is dropped every session timeout and the next attempt made.
  #watchConnecting(client: Client): void {
    clearInterval(this.#connectWatch);
    this.#connectWatch = setInterval(() => {
      if (this.#client !== client || this.connected || this.#state === 'closed') return;
      socketOf(client)?.destroy();
    }, this.#requestedTimeoutMs);
    this.#connectWatch.unref();
  }

  #onConnected(client: Client): void {
    const id = client.getSessionId().toString('hex');
    const renewed = id === this.#sessionId;
    this.#sessionId = id;
    this.#state = 'connected';
    this.#lastHeard = performance.now();
    clearInterval(this.#connectWatch);
    clearTimeout(this.#expiry);
    this.#expiry = undefined;
    this.#startHeartbeat();
    const granted = client.getSessionTimeout();
    if (granted > this.#requestedTimeoutMs) {
      this.#options.logger?.warn(
        { requestedMs: this.#requestedTimeoutMs, grantedMs: granted },
        'ZooKeeper granted a longer session timeout than asked: failover will be slower (lower its tickTime)',
      );
    }
    this.#options.logger?.info({ sessionId: id, renewed }, 'ZooKeeper session connected');
    void this.emit('connected', { id, renewed });
  }

  #onDisconnected(): void {
    if (this.#state !== 'connected') return;
    this.#state = 'disconnected';
    this.#stopHeartbeat();
    if (this.#client) this.#watchConnecting(this.#client);
    this.#options.logger?.warn({ sessionId: this.#sessionId }, 'ZooKeeper disconnected');
    // From the server's side the session dies this long after it last heard from us,
    // which was no later than now: past that, holding on would be believing in a ghost.
    this.#expiry = setTimeout(
      () => this.#onExpired('out of touch for longer than the session timeout'),
      this.sessionTimeoutMs,
    );
    void this.emit('disconnected');
  }

  #onExpired(reason: string): void {
    if (this.#state === 'closed') return;
    if (this.#state === 'connected') this.#onDisconnected();
    this.#stopTimers();
    this.#options.logger?.warn({ sessionId: this.#sessionId, reason }, 'ZooKeeper session expired');
    const old = this.#client;
    this.#client = undefined;
    this.#sessionId = undefined;
    if (old) abandon(old);
    this.#open();
    void this.emit('expired');
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    const interval = Math.max(100, Math.floor(this.sessionTimeoutMs / 3));
    this.#heartbeat = setInterval(() => this.#beat(), interval);
    this.#heartbeat.unref();
  }

  // The library pings only when idle and never times a ping out, so a server that went
  // silent would go unnoticed. The server expires a session one timeout after it last
  // heard from the client; the client gives up two thirds of a timeout after it last
  // heard from the server (a monotonic clock), so a leader has stepped down well before
  // ZooKeeper can let another master take over.
  #beat(): void {
    const client = this.#client;
    if (!client || !this.connected || this.#heartbeatInFlight) return;
    this.#heartbeatInFlight = true;
    const deadline = this.#lastHeard + Math.floor((this.sessionTimeoutMs * 2) / 3);
    const timer = setTimeout(
      () => {
        if (this.#client !== client || !this.connected) return;
        this.#options.logger?.warn('ZooKeeper stopped answering; reconnecting');
        this.#onDisconnected();
        // Makes the library drop the silent connection and try the next server.
        socketOf(client)?.destroy();
      },
      Math.max(0, deadline - performance.now()),
    );
    client.exists('/', (error) => {
      clearTimeout(timer);
      this.#heartbeatInFlight = false;
      if (!error && this.#client === client) this.#lastHeard = performance.now();
    });
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#heartbeatInFlight = false;
  }

  #stopTimers(): void {
    this.#stopHeartbeat();
    clearInterval(this.#connectWatch);
    clearTimeout(this.#expiry);
    this.#expiry = undefined;
  }
}

// The library keeps its socket internal; dropping it is the only way to make it move on.
function socketOf(client: Client): { destroy(): void } | undefined {
  return (client as unknown as { connectionManager?: { socket?: { destroy(): void } } })
    .connectionManager?.socket;
}

// A client that is not connected may still be between attempts; closing it alone would
// let a later attempt open a session (and a socket that keeps the process alive).
function abandon(client: Client): void {
  client.once('connected', () => client.close());
  client.close();
  socketOf(client)?.destroy();
}

/** ZooKeeper's numeric error code behind an error from {@link ZooKeeperConnection}, if any. */
export function zooKeeperCode(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'zooKeeperCode' in error) {
    return typeof error.zooKeeperCode === 'number' ? error.zooKeeperCode : undefined;
  }
  return codeOf(error);
}

function codeOf(error: unknown): number | undefined {
  if (
    typeof error === 'object' &&
    error !== null &&
    'getCode' in error &&
    typeof error.getCode === 'function'
  ) {
    const code: unknown = error.getCode();
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

export const { CreateMode, Exception: ZooKeeperException } = zookeeper;
