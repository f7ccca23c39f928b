import { createLogger, type Logger } from '../logger.js';
import type {
  AgentID,
  ExecutorID,
  Filters,
  FrameworkID,
  FrameworkInfo,
  Offer,
  OfferID,
  OfferOperation,
  TaskID,
  TaskStatus,
} from '../protocol/mesos.js';
import type { SchedulerCall, SchedulerEvent } from '../protocol/scheduler.js';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import {
  AlreadySubscribedError,
  FrameworkErrorEventError,
  HeartbeatTimeoutError,
  NotSubscribedError,
  SchedulerCallError,
  SchedulerClosedError,
  SchedulerStreamError,
  SubscribeTimeoutError,
} from './errors.js';
import type { SchedulerStream, SchedulerTransport } from './transport.js';
import { TypedEmitter } from './typed-emitter.js';

export type SubscribedInfo = NonNullable<SchedulerEvent['subscribed']>;
export type ExecutorMessage = NonNullable<SchedulerEvent['message']>;
export type FailureInfo = NonNullable<SchedulerEvent['failure']>;
export type KillPolicy = NonNullable<NonNullable<SchedulerCall['kill']>['kill_policy']>;
export type ReconcileTask = NonNullable<NonNullable<SchedulerCall['reconcile']>['tasks']>[number];

export interface DisconnectedInfo {
  readonly reason: Error;
  /** False when the client has stopped for good; 'closed' follows. */
  readonly reconnecting: boolean;
}

/**
 * What a SchedulerClient emits. The master's events keep their Mesos payloads; the
 * rest describe the connection.
 */
export type SchedulerClientEvents = {
  /** The master accepted SUBSCRIBE and the event stream is open; SUBSCRIBED follows. */
  connected: [];
  /**
   * The framework is subscribed, the first time or again after a reconnection (a
   * failover that kept its tasks): the moment to reconcile.
   */
  subscribed: [subscribed: SubscribedInfo];
  /** The stream was lost. Every outstanding offer is void from here on. */
  disconnected: [info: DisconnectedInfo];
  /** The client stopped for good: close(), teardown(), an ERROR event, or a refused SUBSCRIBE. */
  closed: [reason: Error | undefined];
  offers: [offers: Offer[]];
  rescind: [offerId: OfferID];
  /**
   * A task's status changed. Unless the client acknowledges automatically, acknowledge
   * it (when it has a uuid) once its effect is persisted; the master re-sends it until then.
   */
  update: [status: TaskStatus];
  message: [message: ExecutorMessage];
  failure: [failure: FailureInfo];
  /** The master's ERROR event; the client stops right after it, as Mesos advises. */
  error: [message: string];
  heartbeat: [];
};

/**
 * idle: subscribe() not called yet; connecting: SUBSCRIBE sent, SUBSCRIBED not received;
 * subscribed: calls can be sent; waiting: backing off before the next SUBSCRIBE;
 * closed: stopped for good.
 */
export type SchedulerClientState = 'idle' | 'connecting' | 'subscribed' | 'waiting' | 'closed';

export interface SchedulerClientOptions {
  readonly transport: SchedulerTransport;
  /**
   * Acknowledge every update with a uuid once all 'update' listeners returned (and the
   * promises they returned resolved). Off by default, as in Mesos: a framework should
   * acknowledge only what it has persisted.
   */
  readonly autoAcknowledge?: boolean;
  /** Waits between re-subscription attempts; see {@link DEFAULT_BACKOFF}. */
  readonly backoff?: Partial<BackoffOptions>;
  /**
   * The stream is presumed dead after this many heartbeat intervals without any event;
   * 5 by default, the figure Mesos's scheduler HTTP API docs suggest.
   */
  readonly heartbeatTimeoutFactor?: number;
  /** How long SUBSCRIBE may take until SUBSCRIBED arrives before it is retried; 30 s by default. */
  readonly subscribeTimeoutMs?: number;
  /** Randomness for the backoff jitter; Math.random by default. */
  readonly random?: () => number;
  readonly logger?: Logger;
}

export interface SubscribeOptions {
  /** Roles that receive no offers from the start (SUBSCRIBE's suppressed_roles). */
  readonly suppressedRoles?: readonly string[];
}

/** What Mesos masters send when SUBSCRIBED omits it (the master's default). */
const DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 15;

/**
 * The framework side of the v1 scheduler API, used by every plugin, over either
 * transport.
 *
 * It keeps the framework subscribed: when the stream breaks, or stays silent for
 * several heartbeat intervals, it subscribes again with the framework id the master
 * gave it, after an exponential backoff with jitter. To Mesos that is a failover of the
 * same framework, which keeps its tasks as long as it comes back within the
 * FrameworkInfo's failover_timeout (set one: without it the master removes the
 * framework, and kills its tasks, as soon as the connection drops).
 *
 * @example
 * const client = new SchedulerClient({ transport: new HttpSchedulerTransport({ master }) });
 * client.on('offers', (offers) => client.decline(offers.map((offer) => offer.id)));
 * client.on('update', async (status) => {
 *   await store.put(status);
 *   if (status.uuid && status.agent_id)
 *     await client.acknowledge(status.agent_id, status.task_id, status.uuid);
 * });
 * const frameworkId = await client.subscribe({ user: 'root', name: 'demo', failover_timeout: 604800 });
 */
export class SchedulerClient extends TypedEmitter<SchedulerClientEvents> {
  readonly #transport: SchedulerTransport;
  readonly #autoAcknowledge: boolean;
  readonly #backoff: BackoffOptions;
  readonly #heartbeatTimeoutFactor: number;
  readonly #subscribeTimeoutMs: number;
  readonly #random: () => number;
  #logger: Logger | undefined;

  #state: SchedulerClientState = 'idle';
  #frameworkInfo: FrameworkInfo | undefined;
  #frameworkId: FrameworkID | undefined;
  /** Sent again on every re-subscription, so a reconnection does not revive a suppressed role. */
  #suppressedRoles = new Set<string>();
  #stream: SchedulerStream | undefined;
  #abort: AbortController | undefined;
  /** 'connected' was emitted and 'disconnected' not since. */
  #connected = false;
  /** Bumped whenever a connection is abandoned; whatever an older one reports is ignored. */
  #generation = 0;
  /** Failed attempts since the last SUBSCRIBED, for the backoff. */
  #failures = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #heartbeatIntervalSeconds = DEFAULT_HEARTBEAT_INTERVAL_SECONDS;
  #firstSubscription: { resolve(id: FrameworkID): void; reject(reason: Error): void } | undefined;
  #tearingDown = false;

  constructor(options: SchedulerClientOptions) {
    super();
    this.#transport = options.transport;
    this.#autoAcknowledge = options.autoAcknowledge ?? false;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#heartbeatTimeoutFactor = options.heartbeatTimeoutFactor ?? 5;
    this.#subscribeTimeoutMs = options.subscribeTimeoutMs ?? 30_000;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger;
  }

  get state(): SchedulerClientState {
    return this.#state;
  }

  /** The id the master gave the framework (or the one it subscribed with), once known. */
  get frameworkId(): FrameworkID | undefined {
    return this.#frameworkId;
  }

  /**
   * Subscribes the framework and keeps it subscribed until close() or teardown().
   * With `frameworkInfo.id` set (an id persisted from an earlier run), this is a
   * failover. Resolves with the framework id at the first SUBSCRIBED; failures the
   * master may recover from (unreachable, 5xx, a broken stream) are retried meanwhile.
   * Rejects when the master refuses the subscription (4xx), sends ERROR, or the client
   * is closed first.
   */
  subscribe(frameworkInfo: FrameworkInfo, options: SubscribeOptions = {}): Promise<FrameworkID> {
    if (this.#state === 'closed') return Promise.reject(new SchedulerClosedError());
    if (this.#state !== 'idle') return Promise.reject(new AlreadySubscribedError());
    this.#frameworkInfo = frameworkInfo;
    this.#frameworkId = frameworkInfo.id;
    this.#suppressedRoles = new Set(options.suppressedRoles);
    const subscribed = new Promise<FrameworkID>((resolve, reject) => {
      this.#firstSubscription = { resolve, reject };
    });
    this.#connect();
    return subscribed;
  }

  /** Ends the framework: the master kills its tasks and forgets it. The client closes. */
  async teardown(): Promise<void> {
    // The master closes the stream as part of a teardown, possibly before its 202
    // arrives; that close must not be taken for a failure to reconnect from.
    this.#tearingDown = true;
    try {
      await this.#send({ type: 'TEARDOWN' });
    } catch (error) {
      this.#tearingDown = false;
      throw error;
    }
    this.#stop(undefined);
  }

  /** Launches (or reserves...) with the offers; resources left unused are declined. */
  accept(
    offerIds: readonly OfferID[],
    operations: readonly OfferOperation[],
    filters?: Filters,
  ): Promise<void> {
    return this.#send({
      type: 'ACCEPT',
      accept: {
        offer_ids: [...offerIds],
        operations: [...operations],
        ...(filters && { filters }),
      },
    });
  }

  decline(offerIds: readonly OfferID[], filters?: Filters): Promise<void> {
    return this.#send({
      type: 'DECLINE',
      decline: { offer_ids: [...offerIds], ...(filters && { filters }) },
    });
  }

  /** Clears filters and ends suppression for `roles`, or for every role of the framework. */
  async revive(roles?: readonly string[]): Promise<void> {
    await this.#send({ type: 'REVIVE', ...(roles && { revive: { roles: [...roles] } }) });
    if (roles) for (const role of roles) this.#suppressedRoles.delete(role);
    else this.#suppressedRoles.clear();
  }

  /** Stops offers for `roles`, or for every role of the framework, until revive(). */
  async suppress(roles?: readonly string[]): Promise<void> {
    await this.#send({ type: 'SUPPRESS', ...(roles && { suppress: { roles: [...roles] } }) });
    for (const role of roles ?? this.#frameworkRoles()) this.#suppressedRoles.add(role);
  }

  kill(taskId: TaskID, agentId?: AgentID, killPolicy?: KillPolicy): Promise<void> {
    return this.#send({
      type: 'KILL',
      kill: {
        task_id: taskId,
        ...(agentId && { agent_id: agentId }),
        ...(killPolicy && { kill_policy: killPolicy }),
      },
    });
  }

  /** Shuts an executor down, and with it every task it runs. */
  shutdown(executorId: ExecutorID, agentId: AgentID): Promise<void> {
    return this.#send({
      type: 'SHUTDOWN',
      shutdown: { executor_id: executorId, agent_id: agentId },
    });
  }

  /** Acknowledges an update (its `uuid`), so that the next update of the task can come. */
  acknowledge(agentId: AgentID, taskId: TaskID, uuid: string): Promise<void> {
    return this.#send({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: agentId, task_id: taskId, uuid },
    });
  }

  /**
   * Asks for the latest state of `tasks`, answered by updates without a uuid; no tasks
   * (implicit reconciliation) asks for every task the master knows of the framework.
   */
  reconcile(tasks: readonly ReconcileTask[] = []): Promise<void> {
    return this.#send({ type: 'RECONCILE', reconcile: { tasks: [...tasks] } });
  }

  /** Sends `data` (base64, as Mesos's JSON carries bytes) to an executor. */
  message(agentId: AgentID, executorId: ExecutorID, data: string): Promise<void> {
    return this.#send({
      type: 'MESSAGE',
      message: { agent_id: agentId, executor_id: executorId, data },
    });
  }

  /**
   * Replaces the FrameworkInfo (its id is filled in) and the set of suppressed roles,
   * as Mesos's UPDATE_FRAMEWORK does: roles not in `suppressedRoles` are unsuppressed.
   * Later re-subscriptions use both.
   */
  async updateFramework(
    frameworkInfo: FrameworkInfo,
    suppressedRoles: readonly string[] = [],
  ): Promise<void> {
    const id = this.#frameworkId;
    const info = id ? { ...frameworkInfo, id } : frameworkInfo;
    await this.#send({
      type: 'UPDATE_FRAMEWORK',
      update_framework: { framework_info: info, suppressed_roles: [...suppressedRoles] },
    });
    this.#frameworkInfo = info;
    this.#suppressedRoles = new Set(suppressedRoles);
  }

  /**
   * Closes the stream and stops reconnecting. The framework stays registered: the
   * master keeps its tasks for failover_timeout, and a new client subscribing with the
   * same id takes over.
   */
  close(): void {
    this.#stop(undefined);
  }

  protected override listenerFailed(event: keyof SchedulerClientEvents, error: unknown): false {
    this.#log.error(
      { err: error, event, frameworkId: this.#frameworkId?.value },
      `a '${event}' listener of the scheduler client failed`,
    );
    return false;
  }

  get #log(): Logger {
    this.#logger ??= createLogger('warn', 'scheduler-client');
    return this.#logger;
  }

  #send(call: SchedulerCall): Promise<void> {
    const stream = this.#stream;
    const frameworkId = this.#frameworkId;
    if (this.#state !== 'subscribed' || !stream || !frameworkId) {
      return Promise.reject(new NotSubscribedError(call.type, this.#state));
    }
    return this.#transport.call({ ...call, framework_id: frameworkId }, stream.streamId);
  }

  #connect(): void {
    const generation = ++this.#generation;
    this.#state = 'connecting';
    const abort = new AbortController();
    this.#abort = abort;
    // Events (SUBSCRIBED first) can arrive before the transport has handed over the
    // stream id; they wait, so that a listener can already send calls.
    const early: Array<() => void> = [];
    let ready = false;
    const run = (handle: () => void) => {
      if (generation !== this.#generation) return;
      if (ready) handle();
      else early.push(handle);
    };
    this.#armWatchdog(
      this.#subscribeTimeoutMs,
      () => new SubscribeTimeoutError(this.#subscribeTimeoutMs / 1000),
    );
    this.#transport
      .subscribe(this.#subscribeCall(), {
        onEvent: (event) => run(() => this.#onEvent(event)),
        onClose: (reason) => run(() => this.#connectionLost(reason)),
        signal: abort.signal,
      })
      .then(
        (stream) => {
          if (generation !== this.#generation) {
            stream.close();
            return;
          }
          this.#stream = stream;
          this.#connected = true;
          ready = true;
          this.emit('connected');
          for (const handle of early.splice(0)) {
            if (generation !== this.#generation) return;
            handle();
          }
        },
        (error: unknown) => {
          if (generation !== this.#generation) return;
          this.#connectionLost(error instanceof Error ? error : new Error(String(error)));
        },
      );
  }

  #subscribeCall(): SchedulerCall {
    const id = this.#frameworkId;
    const info = this.#frameworkInfo ?? { user: '', name: '' };
    return {
      type: 'SUBSCRIBE',
      ...(id && { framework_id: id }),
      subscribe: {
        // Mesos wants the id in both places to treat the SUBSCRIBE as a failover.
        framework_info: id ? { ...info, id } : info,
        ...(this.#suppressedRoles.size > 0 && { suppressed_roles: [...this.#suppressedRoles] }),
      },
    };
  }

  #onEvent(event: SchedulerEvent): void {
    // Any event proves the stream alive, not only HEARTBEAT.
    if (this.#state === 'subscribed') this.#armHeartbeatWatchdog();
    switch (event.type) {
      case 'SUBSCRIBED':
        this.#onSubscribed(event.subscribed);
        return;
      case 'HEARTBEAT':
        void this.emit('heartbeat');
        return;
      case 'OFFERS':
        void this.emit('offers', event.offers?.offers ?? []);
        return;
      case 'RESCIND':
        if (event.rescind) void this.emit('rescind', event.rescind.offer_id);
        return;
      case 'UPDATE':
        if (event.update) this.#onUpdate(event.update.status);
        return;
      case 'MESSAGE':
        if (event.message) void this.emit('message', event.message);
        return;
      case 'FAILURE':
        if (event.failure) void this.emit('failure', event.failure);
        return;
      case 'ERROR':
        this.#onFrameworkError(event.error?.message ?? '');
        return;
      default:
        // Inverse offers and operation status updates concern features no mesolite
        // framework uses; Mesos lets a framework ignore them.
        this.#log.debug({ eventType: event.type }, 'ignoring a scheduler event');
    }
  }

  #onSubscribed(subscribed: SubscribedInfo | undefined): void {
    if (!subscribed) {
      this.#connectionLost(
        new SchedulerStreamError('the master', 'a SUBSCRIBED event carried no framework id'),
      );
      return;
    }
    this.#frameworkId = subscribed.framework_id;
    const interval = subscribed.heartbeat_interval_seconds;
    this.#heartbeatIntervalSeconds =
      interval !== undefined && interval > 0 ? interval : DEFAULT_HEARTBEAT_INTERVAL_SECONDS;
    this.#state = 'subscribed';
    this.#failures = 0;
    this.#armHeartbeatWatchdog();
    this.#log.info({ frameworkId: subscribed.framework_id.value }, 'framework subscribed');
    const first = this.#firstSubscription;
    this.#firstSubscription = undefined;
    first?.resolve(subscribed.framework_id);
    void this.emit('subscribed', subscribed);
  }

  #onUpdate(status: TaskStatus): void {
    const delivered = this.emit('update', status);
    const { uuid, agent_id: agentId } = status;
    // Updates the master makes itself (reconciliation answers, TASK_ERROR) carry no
    // uuid and must not be acknowledged.
    if (!this.#autoAcknowledge || !uuid || !agentId) return;
    const fields = { frameworkId: this.#frameworkId?.value, taskId: status.task_id.value };
    void delivered
      .then((ok) => {
        if (ok) return this.acknowledge(agentId, status.task_id, uuid);
        this.#log.warn(
          fields,
          'update not acknowledged since a listener failed; the master resends it',
        );
      })
      .catch((error: unknown) =>
        this.#log.warn(
          { ...fields, err: error },
          'acknowledgement failed; the master resends the update',
        ),
      );
  }

  #onFrameworkError(message: string): void {
    this.#log.error(
      { frameworkId: this.#frameworkId?.value, message },
      'ERROR event from the master',
    );
    void this.emit('error', message);
    this.#stop(new FrameworkErrorEventError(message));
  }

  #connectionLost(reason: Error): void {
    if (this.#state === 'closed') return;
    this.#dropConnection();
    if (this.#tearingDown) {
      this.#stop(undefined);
      return;
    }
    if (isRefusal(reason)) {
      this.#stop(reason);
      return;
    }
    const delay = backoffDelay(this.#failures++, this.#backoff, this.#random);
    this.#state = 'waiting';
    this.#log.warn(
      { err: reason, frameworkId: this.#frameworkId?.value, retryInMs: delay },
      'lost the scheduler stream; subscribing again',
    );
    // Armed before the listeners run, so that one of them calling close() clears it.
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
    if (this.#connected) {
      this.#connected = false;
      void this.emit('disconnected', { reason, reconnecting: true });
    }
  }

  #stop(reason: Error | undefined): void {
    if (this.#state === 'closed') return;
    this.#dropConnection();
    this.#state = 'closed';
    const first = this.#firstSubscription;
    this.#firstSubscription = undefined;
    first?.reject(reason ?? new SchedulerClosedError());
    if (this.#connected) {
      this.#connected = false;
      void this.emit('disconnected', {
        reason: reason ?? new SchedulerClosedError(),
        reconnecting: false,
      });
    }
    void this.emit('closed', reason);
  }

  #dropConnection(): void {
    this.#generation++;
    this.#abort?.abort();
    this.#abort = undefined;
    const stream = this.#stream;
    this.#stream = undefined;
    try {
      stream?.close();
    } catch (error) {
      // The stream is abandoned either way; a failure to close it must not stop the
      // reconnection or the shutdown that is under way.
      this.#log.warn(
        { err: error, frameworkId: this.#frameworkId?.value },
        'closing the stream failed',
      );
    }
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #armWatchdog(ms: number, makeError: () => Error): void {
    clearTimeout(this.#watchdog);
    const generation = this.#generation;
    this.#watchdog = setTimeout(() => {
      this.#watchdog = undefined;
      if (generation === this.#generation) this.#connectionLost(makeError());
    }, ms);
  }

  #armHeartbeatWatchdog(): void {
    const seconds = this.#heartbeatIntervalSeconds * this.#heartbeatTimeoutFactor;
    this.#armWatchdog(seconds * 1000, () => new HeartbeatTimeoutError(seconds));
  }

  #frameworkRoles(): string[] {
    const info = this.#frameworkInfo;
    if (info?.roles && info.roles.length > 0) return info.roles;
    return [info?.role ?? '*'];
  }
}

/**
 * A refusal the master would repeat: subscribing again with the same malformed,
 * unauthorized or removed framework only hammers it. Timeouts and throttling are
 * worth retrying.
 */
function isRefusal(error: Error): boolean {
  return (
    error instanceof SchedulerCallError &&
    error.statusCode >= 400 &&
    error.statusCode < 500 &&
    error.statusCode !== 408 &&
    error.statusCode !== 429
  );
}
