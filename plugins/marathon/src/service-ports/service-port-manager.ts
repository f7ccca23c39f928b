import type { Backend } from './backend-picker.js';
import { ServicePortConflictError } from './service-port-errors.js';
import { type DrainOutcome, type ServicePortLog, ServicePortProxy } from './service-port-proxy.js';

/** Where one instance of an app can be reached: its host and host ports, by port index. */
export interface InstanceEndpoints {
  readonly id: string;
  readonly host: string;
  readonly ports: readonly number[];
}

export interface ServicePortManagerOptions {
  /** Address every service port listens on. */
  readonly host: string;
  readonly connectTimeoutMs?: number;
  readonly drainTimeoutMs?: number;
  readonly log?: ServicePortLog;
}

interface Served {
  readonly proxy: ServicePortProxy;
  /** The app the port was started for; undefined for ports started directly. */
  readonly owner: string | undefined;
  /** Settles when the proxy listens (or failed to). */
  readonly ready: Promise<void>;
}

/**
 * Owns the proxies of every service port, as marathon-lb owns one HAProxy config for
 * the whole cluster: it starts a proxy when an app gets a service port, keeps each
 * proxy's backends in step with the app's instances, stops proxies no longer needed,
 * and closes everything on {@link stop}.
 *
 * Two levels: per service port ({@link start}, {@link update}, {@link stopPort}) and per
 * app ({@link syncApp}, {@link removeApp}), where the app's n-th service port is served
 * by the n-th host port of each instance, as marathon-lb maps them.
 */
export class ServicePortManager {
  private readonly options: ServicePortManagerOptions;
  private readonly served = new Map<number, Served>();

  constructor(options: ServicePortManagerOptions) {
    this.options = options;
  }

  /** Service ports being served, ascending. */
  get ports(): number[] {
    return [...this.served.keys()].sort((a, b) => a - b);
  }

  proxy(servicePort: number): ServicePortProxy | undefined {
    return this.served.get(servicePort)?.proxy;
  }

  /**
   * Serves a service port, or updates its backends if it is served already.
   *
   * @throws {ServicePortConflictError} when the port is served for another app.
   * @throws {ServicePortInUseError} when another process holds the port.
   */
  async start(
    servicePort: number,
    backends: readonly Backend[] = [],
    owner?: string,
  ): Promise<ServicePortProxy> {
    const existing = this.served.get(servicePort);
    if (existing !== undefined) {
      if (owner !== undefined && existing.owner !== undefined && existing.owner !== owner) {
        throw new ServicePortConflictError(servicePort, existing.owner, owner);
      }
      existing.proxy.setBackends(backends);
      await existing.ready;
      return existing.proxy;
    }
    const proxy = new ServicePortProxy({
      host: this.options.host,
      port: servicePort,
      backends,
      ...(this.options.connectTimeoutMs === undefined
        ? {}
        : { connectTimeoutMs: this.options.connectTimeoutMs }),
      ...(this.options.drainTimeoutMs === undefined
        ? {}
        : { drainTimeoutMs: this.options.drainTimeoutMs }),
      ...(this.options.log === undefined ? {} : { log: this.options.log }),
    });
    // Registered before listening, so an update or stop that arrives meanwhile finds it.
    const entry: Served = { proxy, owner, ready: proxy.start() };
    this.served.set(servicePort, entry);
    try {
      await entry.ready;
    } catch (error) {
      if (this.served.get(servicePort) === entry) this.served.delete(servicePort);
      throw error;
    }
    return proxy;
  }

  /** Replaces the backends of a served port. Returns false when the port is not served. */
  update(servicePort: number, backends: readonly Backend[]): boolean {
    const entry = this.served.get(servicePort);
    entry?.proxy.setBackends(backends);
    return entry !== undefined;
  }

  /** Stops serving a port, closing its connections. Nothing happens if it is not served. */
  async stopPort(servicePort: number): Promise<void> {
    const entry = this.served.get(servicePort);
    if (entry === undefined) return;
    this.served.delete(servicePort);
    await entry.proxy.stop();
  }

  /**
   * Makes the served ports of an app match its definition and instances: its service
   * ports (0, not yet assigned, is skipped) each balance across the instances' host
   * ports at the same index; ports the app no longer has are stopped. Give only the
   * instances that should get traffic (running and, with health checks, healthy), as
   * marathon-lb does.
   *
   * @throws {ServicePortConflictError} before changing anything, when another app holds
   *   one of the ports.
   * @throws {ServicePortInUseError} when a new port cannot be bound; the other ports
   *   are still brought up to date.
   */
  async syncApp(
    appId: string,
    servicePorts: readonly number[],
    instances: readonly InstanceEndpoints[],
  ): Promise<void> {
    const wanted = new Map<number, Backend[]>();
    servicePorts.forEach((servicePort, index) => {
      if (servicePort === 0) return;
      wanted.set(servicePort, backendsAt(index, instances));
    });

    for (const servicePort of wanted.keys()) {
      const owner = this.served.get(servicePort)?.owner;
      if (owner !== undefined && owner !== appId) {
        throw new ServicePortConflictError(servicePort, owner, appId);
      }
    }

    const stale = [...this.served]
      .filter(([servicePort, entry]) => entry.owner === appId && !wanted.has(servicePort))
      .map(([servicePort]) => this.stopPort(servicePort));
    const current = [...wanted].map(([servicePort, backends]) =>
      this.start(servicePort, backends, appId),
    );
    const results = await Promise.allSettled([...stale, ...current]);
    const failure = results.find((result) => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  /** Stops every port served for an app. */
  async removeApp(appId: string): Promise<void> {
    const owned = [...this.served]
      .filter(([, entry]) => entry.owner === appId)
      .map(([servicePort]) => this.stopPort(servicePort));
    await Promise.all(owned);
  }

  /**
   * Drains an instance on every port that balances to it (instance ids are unique
   * across apps): no new connections at once, then wait for the open ones. 'timed-out'
   * if any port still had connections when the time ran out.
   */
  async drain(backendId: string, timeoutMs?: number): Promise<DrainOutcome> {
    const outcomes = await Promise.all(
      [...this.served.values()].map(({ proxy }) => proxy.drain(backendId, timeoutMs)),
    );
    return outcomes.includes('timed-out') ? 'timed-out' : 'drained';
  }

  /** Stops every proxy and closes every socket they hold. */
  async stop(): Promise<void> {
    const proxies = [...this.served.values()].map(({ proxy }) => proxy);
    this.served.clear();
    await Promise.all(proxies.map((proxy) => proxy.stop()));
  }
}

function backendsAt(index: number, instances: readonly InstanceEndpoints[]): Backend[] {
  const backends: Backend[] = [];
  for (const instance of instances) {
    const port = instance.ports[index];
    // An instance without a host port at this index cannot serve this service port.
    if (port !== undefined) backends.push({ id: instance.id, host: instance.host, port });
  }
  return backends;
}
