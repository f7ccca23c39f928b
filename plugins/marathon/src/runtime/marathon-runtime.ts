/**
 * Marathon's framework: keeps every app's instances alive through the v1 scheduler
 * API. Decisions are pure (deployment/reconcile, scheduling/placement); this class
 * carries them out: it launches from offers, kills what must go, follows status
 * updates, persists what it knows before it acknowledges anything, and reconciles
 * with the master after every (re)subscription so it neither loses nor duplicates
 * instances across restarts.
 */
import type { Offer, TaskInfo, TaskStatus } from '@mesolite/daemon/protocol/mesos';
import { isTerminal } from '@mesolite/daemon/protocol/mesos';
import type { SchedulerClient } from '@mesolite/daemon/scheduler/client';
import type { Logger } from 'pino';
import type { ActionDecision } from '../deployment/action-decision.js';
import type { DeployableApp, InstanceState, InstanceView } from '../deployment/model.js';
import { reconcileApp } from '../deployment/reconcile.js';
import {
  applyBackoffEvent,
  type BackoffState,
  type BackoffStrategy,
  backoffEventType,
  configRef,
  delayedUntil,
  NO_DELAYS,
  type QueueDelay,
  queueDelay,
} from '../scheduling/backoff.js';
import {
  EMPTY_OFFER_STATISTICS,
  type OfferStatistics,
  recordUnusedOffer,
  recordUsedOffer,
} from '../scheduling/offers-summary.js';
import { type Placement, placeInstances } from '../scheduling/placement.js';
import type { PlacedInstance, PlacementRequest } from '../scheduling/placement-request.js';
import { type Instance, isActive } from '../state/instance.js';
import type { MarathonStore } from '../state/marathon-store.js';

/** How the runtime reads an app definition; the app module provides it. */
export interface AppAdapter<A> {
  id(app: A): string;
  deployable(app: A): DeployableApp;
  placement(app: A): PlacementRequest;
  taskInfo(app: A, input: { taskId: string; offer: Offer; placement: Placement }): TaskInfo;
  newTaskId(app: A): string;
  backoff(app: A): BackoffStrategy;
}

/** What the runtime asks of the deployments in flight (a DeploymentRunner). */
export interface DeploymentSteps {
  decisionFor(
    appId: string,
    instances: readonly InstanceView[],
    now: number,
  ): ActionDecision | undefined;
  advance(instancesByApp: ReadonlyMap<string, readonly InstanceView[]>, now: number): Promise<void>;
}

export interface RuntimeEvents {
  statusUpdate(instance: Instance, status: TaskStatus): void;
  healthChanged(instance: Instance, healthy: boolean): void;
  instanceGone(instance: Instance): void;
  /** Called before a kill is sent, so load balancers stop sending the instance new connections. */
  beforeKill?(instance: Instance): void;
}

/** An app waiting for offers, as /v2/queue reports it. */
export interface QueueEntry {
  appId: string;
  /** Instances still to launch. */
  count: number;
  /** When the app joined the queue (epoch ms), /v2/queue's `since`. */
  since: number;
  statistics: OfferStatistics;
}

const RECONCILE_INTERVAL_MS = 60_000;
const TICK_MS = 1000;
const DECLINE_SECONDS_WITH_DEMAND = 5;
const DECLINE_SECONDS_IDLE = 120;

function instanceState(state: Instance['state']): InstanceState {
  return state.replace(/^TASK_/, '').toLowerCase() as InstanceState;
}

export class MarathonRuntime<A> {
  readonly apps = new Map<string, A>();
  readonly instances = new Map<string, Instance>();
  readonly queue = new Map<string, QueueEntry>();
  /** Set by the plugin: the deployments whose steps drive launches and kills. */
  deployments: DeploymentSteps | undefined;
  private backoff: BackoffState = NO_DELAYS;
  private suppressed = false;
  /** Whether the last tick had launches waiting for offers. */
  private hadDemand = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private subscribed = false;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly client: SchedulerClient,
    private readonly store: MarathonStore,
    private readonly adapter: AppAdapter<A>,
    private readonly events: RuntimeEvents,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads persisted apps and instances, subscribes (failing over to the stored framework id). */
  async start(frameworkName: string, apps: readonly A[]): Promise<void> {
    for (const app of apps) this.apps.set(this.adapter.id(app), app);
    for (const instance of await this.store.instances())
      this.instances.set(instance.taskId, instance);

    this.listeners.push(
      this.client.on('subscribed', (info) => {
        this.subscribed = true;
        // As Marathon revives on every (re)registration: filters from offers declined
        // before, perhaps with another master, must not hold back what waits to launch.
        this.suppressed = false;
        this.client
          .revive()
          .catch((err: unknown) => this.logger.warn({ err }, 'revive after subscribing failed'));
        void this.store.setFrameworkId(info.framework_id.value);
        void this.reconcile();
      }),
      this.client.on('disconnected', () => {
        this.subscribed = false;
      }),
      this.client.on('offers', (offers) => void this.handleOffers(offers)),
      this.client.on('update', (status) => this.handleUpdate(status)),
    );
    await this.client.subscribe(
      await this.store.frameworkInfo(frameworkName, [
        { type: 'PARTITION_AWARE' },
        { type: 'TASK_KILLING_STATE' },
        { type: 'MULTI_ROLE' },
      ]),
    );
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.tickTimer.unref();
    this.reconcileTimer = setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
    this.tick();
  }

  stop(): void {
    clearInterval(this.tickTimer);
    clearInterval(this.reconcileTimer);
    for (const off of this.listeners.splice(0)) off();
  }

  instancesOf(appId: string): Instance[] {
    return [...this.instances.values()].filter((instance) => instance.appId === appId);
  }

  /** Sets (or replaces) an app's definition; the keep-alive loop does the rest. */
  setApp(app: A): void {
    const id = this.adapter.id(app);
    // Backoff is per configuration (configRef), so a changed app starts without a delay.
    this.apps.set(id, app);
    this.tick();
  }

  /** Forgets an app and kills all its instances. */
  removeApp(id: string): void {
    const app = this.apps.get(id);
    this.apps.delete(id);
    this.queue.delete(id);
    if (app) this.resetBackoff(app);
    for (const instance of this.instancesOf(id)) void this.kill(instance);
    this.tick();
  }

  /** Kills an instance (the app's target is not changed here). */
  async kill(instance: Instance): Promise<void> {
    if (isTerminal(instance.state)) return;
    instance.killing = true;
    await this.store.putInstance(instance);
    this.events.beforeKill?.(instance);
    await this.client
      .kill({ value: instance.taskId }, { value: instance.agentId })
      .catch((err: unknown) =>
        this.logger.warn({ err, taskId: instance.taskId }, 'kill failed; retried next tick'),
      );
  }

  /** Asks the master for the state of every instance we know, and of every task it has for us. */
  async reconcile(): Promise<void> {
    if (!this.subscribed) return;
    const known = [...this.instances.values()].map((instance) => ({
      task_id: { value: instance.taskId },
      agent_id: { value: instance.agentId },
    }));
    try {
      if (known.length > 0) await this.client.reconcile(known);
      await this.client.reconcile([]);
    } catch (err) {
      this.logger.warn({ err }, 'reconciliation failed; retried later');
    }
  }

  /** The keep-alive loop: compare each app with its instances and queue launches and kills. */
  tick(): void {
    const now = this.now();
    let demand = 0;
    // One pass over the instances per tick, not one per app.
    const viewsByApp = this.viewsByApp();
    for (const [id, app] of this.apps) {
      const deployable = this.adapter.deployable(app);
      const views = viewsByApp.get(id) ?? [];
      // While a deployment step acts on the app, its decision replaces keep-alive's.
      const step = this.deployments?.decisionFor(id, views, now);
      const decision = step
        ? { launch: step.launch, kill: step.kill, expunge: [] }
        : reconcileApp(deployable, views, now);
      for (const view of decision.kill) {
        const instance = this.instances.get(view.instanceId);
        if (instance && !instance.killing) void this.kill(instance);
      }
      for (const view of decision.expunge) {
        const instance = this.instances.get(view.instanceId);
        if (instance) void this.forget(instance);
      }
      if (decision.launch === 0) {
        // Marathon starts an app's offer statistics afresh each time it queues launches.
        this.queue.delete(id);
        continue;
      }
      const entry = this.queueEntry(id, now);
      entry.count = decision.launch;
      const ref = configRef(id, deployable.lastConfigChangeAt);
      if ((delayedUntil(this.backoff, ref, now) ?? 0) <= now) demand += decision.launch;
    }
    // Instances of apps that no longer exist are killed, then forgotten once terminal.
    for (const instance of this.instances.values()) {
      if (!this.apps.has(instance.appId) && !instance.killing) void this.kill(instance);
    }
    void this.adjustOffers(demand > 0);
    // Fresh views: the kills just sent have marked their instances.
    void this.deployments?.advance(this.viewsByApp(), now).catch((err: unknown) => {
      this.logger.error({ err }, 'could not advance deployments');
    });
  }

  /** Every instance as deployments see it, grouped by app (apps being stopped included). */
  viewsByApp(): Map<string, InstanceView[]> {
    const byApp = new Map<string, InstanceView[]>();
    for (const instance of this.instances.values()) {
      const view = this.view(instance);
      const list = byApp.get(instance.appId) ?? [];
      list.push(view);
      byApp.set(instance.appId, list);
    }
    return byApp;
  }

  private async adjustOffers(wantOffers: boolean): Promise<void> {
    // New launches revive even when offers were not suppressed, as Marathon's
    // --revive_offers_for_new_apps: an offer declined while idle (in the moment before
    // the next tick suppresses, or right after a subscription) carries a 120 s filter
    // that would hold them back. Followed while disconnected too, so that demand from
    // before a failover does not hide demand that comes after it.
    const newDemand = wantOffers && !this.hadDemand;
    this.hadDemand = wantOffers;
    if (!this.subscribed) return;
    try {
      if (wantOffers && (this.suppressed || newDemand)) {
        this.suppressed = false;
        await this.client.revive();
      } else if (!wantOffers && !this.suppressed) {
        this.suppressed = true;
        await this.client.suppress();
      }
    } catch (err) {
      this.logger.warn({ err }, 'revive/suppress failed');
    }
  }

  private queueEntry(appId: string, now: number): QueueEntry {
    let entry = this.queue.get(appId);
    if (!entry) {
      entry = { appId, count: 0, since: now, statistics: EMPTY_OFFER_STATISTICS };
      this.queue.set(appId, entry);
    }
    return entry;
  }

  private view(instance: Instance): InstanceView {
    const configVersion = instance.configVersion ?? instance.version;
    return {
      instanceId: instance.taskId,
      appId: instance.appId,
      version: instance.version,
      configVersion,
      state: instance.killing && isActive(instance) ? 'killing' : instanceState(instance.state),
      ...(instance.healthy !== undefined ? { healthy: instance.healthy } : {}),
      stagedAt: Date.parse(instance.stagedAt),
      ...(instance.startedAt ? { startedAt: Date.parse(instance.startedAt) } : {}),
      agentId: instance.agentId,
    };
  }

  private placedInstances(appId: string, configVersion: string): PlacedInstance[] {
    return this.instancesOf(appId)
      .filter(
        (instance) =>
          isActive(instance) && (instance.configVersion ?? instance.version) === configVersion,
      )
      .map((instance) => ({
        agentId: instance.agentId,
        hostname: instance.host,
        attributes: instance.attributes ?? [],
      }));
  }

  private async handleOffers(offers: readonly Offer[]): Promise<void> {
    const now = this.now();
    for (const offer of offers) {
      const taskInfos: TaskInfo[] = [];
      let remaining: Offer = offer;
      for (const [id, entry] of [...this.queue].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const app = this.apps.get(id);
        if (!app || entry.count <= 0) continue;
        const deployable = this.adapter.deployable(app);
        const ref = configRef(id, deployable.lastConfigChangeAt);
        if ((delayedUntil(this.backoff, ref, now) ?? 0) > now) continue;
        const batch = placeInstances(
          this.adapter.placement(app),
          remaining,
          this.placedInstances(id, deployable.lastConfigChangeAt),
          entry.count,
        );
        for (let used = 0; used < batch.placements.length; used++) {
          entry.statistics = recordUsedOffer(entry.statistics, now);
        }
        if (batch.reasons) {
          entry.statistics = recordUnusedOffer(entry.statistics, remaining, batch.reasons, now);
        }
        if (batch.placements.length === 0) continue;
        for (const placement of batch.placements) {
          const taskId = this.adapter.newTaskId(app);
          const task = this.adapter.taskInfo(app, { taskId, offer, placement });
          const instance: Instance = {
            taskId,
            appId: id,
            version: deployable.version,
            configVersion: deployable.lastConfigChangeAt,
            agentId: offer.agent_id.value,
            host: offer.hostname,
            ...(offer.url?.address.ip ? { ipAddress: offer.url.address.ip } : {}),
            attributes: offer.attributes ?? [],
            ports: placement.hostPorts,
            state: 'TASK_STAGING',
            stagedAt: new Date(now).toISOString(),
          };
          this.instances.set(taskId, instance);
          await this.store.putInstance(instance);
          taskInfos.push(task);
          entry.count--;
        }
        remaining = { ...remaining, resources: [...batch.remaining.resources] };
      }
      try {
        if (taskInfos.length > 0) {
          await this.client.accept(
            [offer.id],
            [{ type: 'LAUNCH', launch: { task_infos: taskInfos } }],
            {
              refuse_seconds: 1,
            },
          );
        } else {
          const busy = [...this.queue.values()].some((entry) => entry.count > 0);
          await this.client.decline([offer.id], {
            refuse_seconds: busy ? DECLINE_SECONDS_WITH_DEMAND : DECLINE_SECONDS_IDLE,
          });
        }
      } catch (err) {
        this.logger.warn({ err, offerId: offer.id.value }, 'answering an offer failed');
      }
    }
  }

  /**
   * An update is recorded before the client acknowledges it (the client is created with
   * autoAcknowledge, which acknowledges once this promise resolves): a crash in between
   * makes the master send it again, and a failure leaves it unacknowledged.
   */
  private async handleUpdate(status: TaskStatus): Promise<void> {
    await this.applyUpdate(status);
  }

  /** Records an update; persisted before it is acknowledged. */
  private async applyUpdate(status: TaskStatus): Promise<void> {
    const instance = this.instances.get(status.task_id.value);
    if (!instance) {
      // A task we do not know (its app was deleted while we were down): make sure it goes.
      if (!isTerminal(status.state) && status.agent_id) {
        await this.client.kill(status.task_id, status.agent_id).catch(() => undefined);
      }
      return;
    }
    const now = new Date(this.now()).toISOString();
    const previousHealth = instance.healthy;
    instance.state = status.state;
    if (status.message) instance.message = status.message;
    if (status.state === 'TASK_RUNNING' && !instance.startedAt) instance.startedAt = now;
    if (status.healthy !== undefined && status.healthy !== previousHealth) {
      instance.healthy = status.healthy;
      instance.lastHealthChangeAt = now;
      if (status.healthy && !instance.firstHealthyAt) instance.firstHealthyAt = now;
      if (!status.healthy) instance.lastFailureCause = status.message;
    }
    this.events.statusUpdate(instance, status);
    if (status.healthy !== undefined && status.healthy !== previousHealth) {
      this.events.healthChanged(instance, status.healthy);
    }
    this.noteBackoff(instance, status);
    if (isTerminal(status.state)) {
      await this.forget(instance);
      this.tick();
      return;
    }
    await this.store.putInstance(instance);
  }

  /** Launch backoff as Marathon's RateLimiter: failures delay the next launch of that config. */
  private noteBackoff(instance: Instance, status: TaskStatus): void {
    const app = this.apps.get(instance.appId);
    if (!app || instance.killing) return;
    const type = backoffEventType(status.state, status.reason);
    if (!type) return;
    const ref = configRef(instance.appId, this.adapter.deployable(app).lastConfigChangeAt);
    this.backoff = applyBackoffEvent(
      this.backoff,
      type === 'failed' ? { type, ref, strategy: this.adapter.backoff(app) } : { type, ref },
      this.now(),
    );
  }

  /** Forgets an app's launch delay (restart, delete, DELETE /v2/queue/{id}/delay). */
  resetBackoff(app: A): void {
    const ref = configRef(this.adapter.id(app), this.adapter.deployable(app).lastConfigChangeAt);
    this.backoff = applyBackoffEvent(this.backoff, { type: 'reset', ref }, this.now());
    this.tick();
  }

  delayOf(app: A): QueueDelay {
    const ref = configRef(this.adapter.id(app), this.adapter.deployable(app).lastConfigChangeAt);
    return queueDelay(this.backoff, ref, this.now());
  }

  private async forget(instance: Instance): Promise<void> {
    this.instances.delete(instance.taskId);
    await this.store.removeInstance(instance.taskId);
    this.events.instanceGone(instance);
  }
}
