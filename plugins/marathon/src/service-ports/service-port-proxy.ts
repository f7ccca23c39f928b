import { connect, createServer, type Server, type Socket } from 'node:net';
import { type Backend, pickBackend } from './backend-picker.js';
import { ServicePortInUseError } from './service-port-errors.js';

/** The part of a pino logger the proxies use; a plugin's logger fits. */
export interface ServicePortLog {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

const silent: ServicePortLog = { debug: () => {}, warn: () => {} };

/** marathon-lb's HAProxy defaults: `timeout connect 3s`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

/**
 * How long {@link ServicePortProxy.drain} waits by default. marathon-lb's HAProxy closes
 * a connection idle for 30 s (`timeout client`/`timeout server`), so past that a
 * connection still open is one that is in use, and waiting longer is the caller's call.
 */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

export interface ServicePortProxyOptions {
  /** Address to listen on. */
  readonly host: string;
  /** The service port; 0 lets the system choose (tests). */
  readonly port: number;
  readonly backends?: readonly Backend[];
  readonly connectTimeoutMs?: number;
  readonly drainTimeoutMs?: number;
  readonly log?: ServicePortLog;
}

/** How a drain ended: every connection closed, or the wait ran out first. */
export type DrainOutcome = 'drained' | 'timed-out';

interface DrainWaiter {
  readonly resolve: (outcome: DrainOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A TCP load balancer for one service port, doing what marathon-lb's HAProxy does for
 * it: accept on the service port, forward each connection to one of the app's
 * instances, and follow the set of instances as it changes.
 *
 * - New connections go to the backend with the fewest open connections, taking turns
 *   among equals (see {@link pickBackend}).
 * - A backend dropped by {@link setBackends} or {@link drain} gets no new connection
 *   from that moment; its open connections carry on until they end, as they do when
 *   marathon-lb reloads HAProxy. {@link drain} reports when the last one is gone.
 * - A connection arriving while there is no backend is closed at once (see
 *   {@link handleConnection}).
 * - A backend that refuses or does not answer within the connect timeout costs the
 *   client nothing: the connection is tried once more on another backend, as HAProxy's
 *   `option redispatch` does. Until a backend answers, the client's bytes wait unread,
 *   so the retry loses none of them.
 * - Half-closes pass through: a client that shuts down its sending side still gets the
 *   rest of the answer.
 */
export class ServicePortProxy {
  readonly host: string;
  private readonly requestedPort: number;
  private readonly connectTimeoutMs: number;
  private readonly drainTimeoutMs: number;
  private readonly log: ServicePortLog;
  private readonly server: Server;

  private rotation: Backend[] = [];
  /** Backends taken out by drain(); kept out even if setBackends lists them again. */
  private readonly draining = new Set<string>();
  private cursor = 0;
  /** Every open client and backend socket, so stop() can close them all. */
  private readonly sockets = new Set<Socket>();
  private readonly connectionsByBackend = new Map<string, number>();
  private readonly drainWaiters = new Map<string, Set<DrainWaiter>>();
  private state: 'new' | 'starting' | 'listening' | 'stopping' | 'stopped' = 'new';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: ServicePortProxyOptions) {
    this.host = options.host;
    this.requestedPort = options.port;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    this.log = options.log ?? silent;
    this.setBackends(options.backends ?? []);
    // allowHalfOpen: a client's FIN is passed on rather than answered by closing, so
    // request/response protocols that half-close still get their answer. pauseOnConnect:
    // nothing is read from the client until a backend has answered, so a retry on
    // another backend starts from the client's first byte.
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) =>
      this.handleConnection(client),
    );
    // Errors while starting reject start(); this reports those of a running listener
    // (accept failing for lack of file descriptors, say), which have no caller to go to.
    this.server.on('error', (error) => {
      if (this.state !== 'listening') return;
      this.log.warn({ err: error, servicePort: this.port }, 'service port listener failed');
    });
  }

  /** The port being served: the bound one once listening, the requested one before. */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.requestedPort;
  }

  get listening(): boolean {
    return this.state === 'listening';
  }

  /** The backends new connections can go to, in rotation order. */
  get backends(): readonly Backend[] {
    return this.rotation;
  }

  /**
   * Starts accepting connections.
   *
   * @throws {ServicePortInUseError} when another process holds the address.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') {
      throw new Error(`service port ${this.port}: a proxy can be started only once`);
    }
    this.state = 'starting';
    this.starting = this.listen();
    try {
      await this.starting;
    } catch (error) {
      this.state = 'stopped';
      throw error;
    }
    // stop() may have been called while the listener was being set up.
    if (this.state === 'starting') this.state = 'listening';
  }

  private listen(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(
          error.code === 'EADDRINUSE'
            ? new ServicePortInUseError(this.host, this.requestedPort, { cause: error })
            : error,
        );
      };
      this.server.once('error', onError);
      this.server.listen({ host: this.host, port: this.requestedPort }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
  }

  /**
   * Replaces the set of backends. One no longer listed gets no new connections from now
   * on; its open connections are left to finish. A backend being drained stays out
   * until a list without it has been given.
   */
  setBackends(backends: readonly Backend[]): void {
    const listed = new Set(backends.map((backend) => backend.id));
    for (const id of this.draining) {
      if (!listed.has(id)) this.draining.delete(id);
    }
    const seen = new Set<string>();
    // The first entry wins when an id repeats; two rotation slots for one backend would
    // give it twice its share.
    this.rotation = backends.filter((backend) => {
      if (seen.has(backend.id) || this.draining.has(backend.id)) return false;
      seen.add(backend.id);
      return true;
    });
  }

  /** Open connections to one backend, or to all of them. */
  activeConnections(backendId?: string): number {
    if (backendId !== undefined) return this.connectionsByBackend.get(backendId) ?? 0;
    let total = 0;
    for (const count of this.connectionsByBackend.values()) total += count;
    return total;
  }

  /**
   * Takes a backend out of rotation at once and waits for its open connections to end:
   * what to do before killing an instance, so no client is cut off mid-request that
   * could have finished. Resolves 'drained' when the last connection closes (at once if
   * there are none) or 'timed-out' after `timeoutMs`; the connections still open then
   * are left alone, for the kill to end.
   */
  drain(backendId: string, timeoutMs = this.drainTimeoutMs): Promise<DrainOutcome> {
    this.draining.add(backendId);
    this.rotation = this.rotation.filter((backend) => backend.id !== backendId);
    if (this.activeConnections(backendId) === 0) return Promise.resolve('drained');
    return new Promise((resolve) => {
      const waiters = this.drainWaiters.get(backendId) ?? new Set<DrainWaiter>();
      this.drainWaiters.set(backendId, waiters);
      const waiter: DrainWaiter = {
        resolve,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          this.log.warn(
            {
              servicePort: this.port,
              backend: backendId,
              openConnections: this.activeConnections(backendId),
            },
            'drain timed out with connections still open',
          );
          resolve('timed-out');
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }

  /**
   * Stops listening and closes every client and backend socket at once. Pending drains
   * resolve 'drained', since no connection is left.
   */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async close(): Promise<void> {
    this.state = 'stopping';
    // A listener still being set up is let finish, so that it can be closed.
    await this.starting?.catch(() => {});
    const closed = this.server.listening
      ? new Promise<void>((resolve) => this.server.close(() => resolve()))
      : Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.state = 'stopped';
    for (const id of [...this.drainWaiters.keys()]) this.settleDrains(id);
  }

  /**
   * Closing at once when there is no backend, rather than holding the connection in
   * the hope one appears: a client gets an immediate, clear failure it can retry,
   * instead of a connection that looks open and answers nothing, and the daemon does
   * not collect sockets for an app that is scaled to zero or failing. HAProxy, behind
   * marathon-lb, also drops TCP connections it has no server for.
   */
  private handleConnection(client: Socket): void {
    if (this.state !== 'listening') {
      client.destroy();
      return;
    }
    this.track(client);
    client.on('error', (error) => {
      this.log.debug({ err: error, servicePort: this.port }, 'client connection failed');
    });
    this.connectUpstream(client, new Set());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private connectUpstream(client: Socket, tried: Set<string>): void {
    const pick = pickBackend(this.rotation, (id) => this.activeConnections(id), this.cursor, tried);
    if (pick === undefined) {
      this.log.debug(
        { servicePort: this.port, triedBackends: [...tried] },
        tried.size === 0 ? 'no backend; closing connection' : 'no other backend to retry on',
      );
      client.destroy();
      return;
    }
    this.cursor = pick.nextCursor;
    const backend = pick.backend;
    tried.add(backend.id);
    this.countConnection(backend.id, 1);

    const upstream = connect({ host: backend.host, port: backend.port, allowHalfOpen: true });
    this.track(upstream);
    let connected = false;

    upstream.setTimeout(this.connectTimeoutMs, () => {
      if (!connected) {
        upstream.destroy(new Error(`connect timed out after ${this.connectTimeoutMs} ms`));
      }
    });
    upstream.on('error', (error) => {
      this.log.debug(
        { err: error, servicePort: this.port, backend: backend.id },
        'backend connection failed',
      );
    });
    // A client that goes away while the backend is still being dialled takes the
    // attempt with it.
    const abandon = (): void => {
      if (!connected) upstream.destroy();
    };
    client.once('close', abandon);

    upstream.once('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      client.off('close', abandon);
      this.join(client, upstream);
    });

    upstream.once('close', () => {
      this.countConnection(backend.id, -1);
      if (connected || client.destroyed) return;
      client.off('close', abandon);
      this.log.warn(
        { servicePort: this.port, backend: backend.id, host: backend.host, port: backend.port },
        'backend did not accept the connection',
      );
      // One retry on another backend, then give up: a client should hear quickly that
      // the service is down rather than wait through every backend's timeout.
      if (tried.size < 2 && this.state === 'listening') {
        this.connectUpstream(client, tried);
      } else {
        client.destroy();
      }
    });
  }

  private join(client: Socket, upstream: Socket): void {
    upstream.pipe(client);
    client.pipe(upstream);
    // pipe() passes on a clean end (FIN) in each direction by itself. A side that dies
    // with an error (a reset) takes the other down, as a proxy cannot deliver the rest.
    client.once('close', (hadError) => {
      if (hadError) upstream.destroy();
      else upstream.end();
    });
    upstream.once('close', (hadError) => {
      if (hadError) client.destroy();
      else client.end();
    });
  }

  private countConnection(backendId: string, delta: 1 | -1): void {
    const count = (this.connectionsByBackend.get(backendId) ?? 0) + delta;
    if (count > 0) {
      this.connectionsByBackend.set(backendId, count);
      return;
    }
    this.connectionsByBackend.delete(backendId);
    this.settleDrains(backendId);
  }

  private settleDrains(backendId: string): void {
    const waiters = this.drainWaiters.get(backendId);
    if (waiters === undefined) return;
    this.drainWaiters.delete(backendId);
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve('drained');
    }
  }
}
