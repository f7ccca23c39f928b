/**
 * The master: frameworks, agents, offers and tasks, and the rules that tie them
 * together as Mesos defines them. Transports (the v1 scheduler and operator HTTP
 * endpoints, the in-process scheduler transport, the socket.io agent channel) are
 * thin layers over the methods here. Allocation decisions come from the Allocator,
 * a pure component; this class carries them out.
 */
import type { Logger } from 'pino';
import type {
  AgentFilesLink,
  AgentStatusUpdate,
  ImageListReply,
  ImportImageReply,
  ImportImageRequest,
  KillTaskMessage,
  RegisterAgentRequest,
  RunTaskGroupMessage,
  RunTaskMessage,
  StatusUpdateAcknowledgement,
} from '../protocol/agent-channel.js';
import type {
  AgentInfo,
  FrameworkInfo,
  MasterInfo,
  Offer,
  OfferOperation,
  Resource,
  Task,
  TaskInfo,
  TaskReason,
  TaskState,
  TaskStatus,
} from '../protocol/mesos.js';
import { isTerminal, TASK_STATES } from '../protocol/mesos.js';
import type { OperatorEvent } from '../protocol/operator.js';
import { SchedulerCall, type SchedulerEvent } from '../protocol/scheduler.js';
import { validator } from '../protocol/validate.js';
import type { Store } from '../store/store.js';
import { Allocator } from './allocator/allocator.js';
import {
  AgentRefusedError,
  BadCallError,
  FrameworkNotSubscribedError,
  MasterRecoveringError,
  UnsupportedCallError,
} from './errors.js';
import { IdGenerator } from './ids.js';
import type { AgentRecord, ClusterView, FrameworkRecord, MasterCounters } from './model.js';
import { Registry } from './registry.js';
import {
  getState,
  agentEntry as renderAgentEntry,
  frameworkEntry as renderFrameworkEntry,
} from './render/operator-responses.js';
import { ResourceBag } from './resources/resource-bag.js';
import { type QueuedUpdate, StatusUpdateQueue } from './status-update-queue.js';
import { validateLaunch } from './task-validation.js';

export const MESOLITE_VERSION = '0.1.0';

export interface MasterOptions {
  store: Store;
  logger: Logger;
  masterInfo: MasterInfo;
  flags?: Map<string, string>;
  now?: () => number;
  heartbeatIntervalSeconds?: number;
  allocationIntervalMs?: number;
  /** Offers not answered in this time are rescinded; undefined keeps them, as Mesos does by default. */
  offerTimeoutMs?: number;
  /** How long a disconnected agent has to come back before its tasks are reported unreachable. */
  agentUnreachableTimeoutMs?: number;
  /** How long agents known from the registry have to re-register after a master restart. */
  agentReregisterTimeoutMs?: number;
  maxCompletedTasks?: number;
  maxCompletedFrameworks?: number;
  /** Shared secret agents must present; undefined accepts any agent (loopback only). */
  agentToken?: string;
}

/** An open event stream to a subscribed framework. */
export interface FrameworkConnection {
  readonly streamId: string;
  send(event: SchedulerEvent): void;
  close(): void;
}

/** How the master reaches a registered agent. */
export interface AgentLink {
  /**
   * The agent's IP as this master sees the connection, as libprocess knows an agent by
   * its pid's address; offers carry it in `url`, where frameworks read a task's IP.
   */
  readonly address?: string | undefined;
  runTask(message: RunTaskMessage): void;
  runTaskGroup(message: RunTaskGroupMessage): void;
  killTask(message: KillTaskMessage): void;
  shutdownFramework(frameworkId: string): void;
  acknowledge(ack: StatusUpdateAcknowledgement): void;
  frameworkMessage(message: {
    framework_id: { value: string };
    executor_id: { value: string };
    data: string;
  }): void;
  disconnect(): void;
  /** The agent's files API (sandboxes and logs), for the master's /agent/<id>/files/*. */
  readonly files: AgentFilesLink;
  /** Asks for the repo tags on the agent's Docker engine; an unanswered request fails after `timeoutMs`. */
  listImages(timeoutMs: number): Promise<ImageListReply>;
  /** Asks the agent to download a tarball from the master and `docker load` it. */
  importImage(request: ImportImageRequest, timeoutMs: number): Promise<ImportImageReply>;
}

/** A registered agent the master can reach now. */
export interface ConnectedAgent {
  readonly id: string;
  readonly hostname: string;
  readonly link: AgentLink;
}

interface FrameworkState extends FrameworkRecord {
  connection?: FrameworkConnection | undefined;
  heartbeat?: NodeJS.Timeout | undefined;
  failoverTimer?: NodeJS.Timeout | undefined;
  partitionAware: boolean;
}

interface AgentState extends AgentRecord {
  link?: AgentLink | undefined;
  unreachableTimer?: NodeJS.Timeout | undefined;
  /** Task kills asked for while the agent was disconnected, sent when it returns. */
  pendingKills: Map<string, KillTaskMessage>;
}

interface OfferState {
  offer: Offer;
  resources: ResourceBag;
  timer?: NodeJS.Timeout;
}

type OperatorSink = (event: OperatorEvent) => void;

const DEFAULT_REFUSE_SECONDS = 5;

// Every transport (HTTP, in-process) gets the same validation, here.
const schedulerCall = validator(SchedulerCall, 'scheduler::Call');

function emptyTaskCounts(): Record<TaskState, number> {
  return Object.fromEntries(TASK_STATES.map((state) => [state, 0])) as Record<TaskState, number>;
}

function role(info: FrameworkInfo): string {
  return info.roles?.[0] ?? info.role ?? '*';
}

function key(frameworkId: string, taskId: string): string {
  return `${frameworkId}\u0000${taskId}`;
}

export class Master implements ClusterView {
  private info: MasterInfo;
  readonly startTime: number;
  electedTime: number;
  readonly flags: Map<string, string>;
  readonly agents = new Map<string, AgentState>();
  readonly frameworks = new Map<string, FrameworkState>();
  readonly completedFrameworks: FrameworkState[] = [];
  readonly tasks = new Map<string, Map<string, Task>>();
  readonly unreachableTasks = new Map<string, Map<string, Task>>();
  readonly completedTasks: Task[] = [];
  readonly offers = new Map<string, Offer>();
  readonly counters: MasterCounters = {
    validStatusUpdates: 0,
    invalidStatusUpdates: 0,
    tasksByState: emptyTaskCounts(),
    offersSent: 0,
    offersDeclined: 0,
    offersRescinded: 0,
    offersAccepted: 0,
    schedulerCalls: 0,
    operatorCalls: 0,
  };

  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly ids: IdGenerator;
  private readonly registry: Registry;
  private readonly allocator: Allocator;
  private readonly updates: StatusUpdateQueue;
  private readonly offerStates = new Map<string, OfferState>();
  private readonly goneAgents = new Set<string>();
  readonly weights = new Map<string, number>();
  private readonly operatorSinks = new Set<OperatorSink>();
  private readonly options: Required<
    Pick<
      MasterOptions,
      | 'heartbeatIntervalSeconds'
      | 'allocationIntervalMs'
      | 'agentUnreachableTimeoutMs'
      | 'agentReregisterTimeoutMs'
      | 'maxCompletedTasks'
      | 'maxCompletedFrameworks'
    >
  > & { offerTimeoutMs: number | undefined; agentToken: string | undefined };
  private recovered = false;
  private allocationTimer: NodeJS.Timeout | undefined;
  private reregisterTimer: NodeJS.Timeout | undefined;
  private operatorHeartbeat: NodeJS.Timeout | undefined;
  private allocationScheduled = false;
  private pendingAllocation: Set<string> | 'all' | undefined;
  private stopped = false;

  constructor(options: MasterOptions) {
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.info = options.masterInfo;
    this.ids = new IdGenerator(options.masterInfo.id);
    this.flags = options.flags ?? new Map();
    this.startTime = this.now();
    this.electedTime = this.startTime;
    this.options = {
      heartbeatIntervalSeconds: options.heartbeatIntervalSeconds ?? 15,
      allocationIntervalMs: options.allocationIntervalMs ?? 1000,
      agentUnreachableTimeoutMs: options.agentUnreachableTimeoutMs ?? 20_000,
      agentReregisterTimeoutMs: options.agentReregisterTimeoutMs ?? 60_000,
      maxCompletedTasks: options.maxCompletedTasks ?? 1000,
      maxCompletedFrameworks: options.maxCompletedFrameworks ?? 50,
      offerTimeoutMs: options.offerTimeoutMs,
      agentToken: options.agentToken,
    };
    this.registry = new Registry(options.store, (err) =>
      this.logger.error({ err }, 'registry write failed'),
    );
    this.allocator = new Allocator({ now: this.now });
    this.updates = new StatusUpdateQueue({
      forward: (update) => this.forwardUpdate(update),
      acknowledged: (update) => this.agentAcknowledged(update),
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Loads the registry; until it returns the APIs answer 503. */
  async recover(): Promise<void> {
    const registry = await this.registry.recover();
    for (const stored of registry.agents) {
      const id = stored.info.id.value;
      if (stored.gone) {
        this.goneAgents.add(id);
        continue;
      }
      this.agents.set(id, {
        id,
        info: stored.info,
        connected: false,
        recovered: stored.unreachableTime === undefined,
        unreachable: stored.unreachableTime !== undefined,
        ...(stored.unreachableTime !== undefined
          ? { unreachableTime: stored.unreachableTime }
          : {}),
        registeredTime: stored.registeredTime,
        version: MESOLITE_VERSION,
        total: stored.info.resources ?? [],
        pendingKills: new Map(),
      });
    }
    for (const stored of registry.frameworks) {
      this.frameworks.set(
        stored.info.id.value,
        this.newFrameworkState(stored.info, stored.registeredTime, true),
      );
    }
    for (const task of registry.tasks) {
      const agent = this.agents.get(task.agent_id.value);
      if (!agent || !this.frameworks.has(task.framework_id.value)) {
        this.registry.removeTask(task.framework_id.value, task.task_id.value);
        continue;
      }
      const map = agent.unreachable ? this.unreachableTasks : this.tasks;
      this.taskMap(map, task.framework_id.value).set(task.task_id.value, task);
    }
    for (const [roleName, weight] of registry.weights) this.applyWeight(roleName, weight);
    this.recovered = true;
    this.logger.info(
      { agents: this.agents.size, frameworks: this.frameworks.size, tasks: registry.tasks.length },
      'master recovered its registry',
    );
  }

  start(): void {
    this.allocationTimer = setInterval(() => this.allocate(), this.options.allocationIntervalMs);
    this.allocationTimer.unref();
    this.operatorHeartbeat = setInterval(
      () => this.emitOperator({ type: 'HEARTBEAT' }),
      this.options.heartbeatIntervalSeconds * 1000,
    );
    this.operatorHeartbeat.unref();
    if ([...this.agents.values()].some((agent) => agent.recovered)) {
      this.reregisterTimer = setTimeout(
        () => this.expireRecoveredAgents(),
        this.options.agentReregisterTimeoutMs,
      );
      this.reregisterTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.allocationTimer);
    clearInterval(this.operatorHeartbeat);
    clearTimeout(this.reregisterTimer);
    this.updates.close();
    for (const state of this.offerStates.values()) clearTimeout(state.timer);
    for (const framework of this.frameworks.values()) {
      clearInterval(framework.heartbeat);
      clearTimeout(framework.failoverTimer);
      framework.connection?.close();
    }
    for (const agent of this.agents.values()) {
      clearTimeout(agent.unreachableTimer);
      agent.link?.disconnect();
    }
    await this.registry.flush();
  }

  /** A highly available master serves before it leads: its elected time is when it won. */
  markElected(): void {
    this.electedTime = this.now();
  }

  get isRecovered(): boolean {
    return this.recovered;
  }

  // ------------------------------------------------------------ ClusterView

  get masterInfo(): MasterInfo {
    return this.info;
  }

  /** Sets the address the master advertises, once the server knows its bound port. */
  advertise(info: MasterInfo): void {
    this.info = { ...info, id: this.info.id };
  }

  usedResources(agentId: string): Resource[] {
    let used = ResourceBag.EMPTY;
    for (const task of this.tasksOn(agentId, [this.tasks])) {
      if (!isTerminal(task.state)) used = used.add(ResourceBag.fromMesos(task.resources));
    }
    return used.toMesos();
  }

  /** The tasks placed on an agent, as a list: callers move tasks between the maps. */
  private tasksOn(
    agentId: string,
    maps: ReadonlyArray<Map<string, Map<string, Task>>> = [this.tasks, this.unreachableTasks],
  ): Task[] {
    const found: Task[] = [];
    for (const map of maps) {
      for (const byTask of map.values()) {
        for (const task of byTask.values()) if (task.agent_id.value === agentId) found.push(task);
      }
    }
    return found;
  }

  offeredResources(agentId: string): Resource[] {
    let offered = ResourceBag.EMPTY;
    for (const state of this.offerStates.values()) {
      if (state.offer.agent_id.value === agentId) offered = offered.add(state.resources);
    }
    return offered.toMesos();
  }

  frameworkUsedResources(frameworkId: string): Resource[] {
    let used = ResourceBag.EMPTY;
    for (const task of this.tasks.get(frameworkId)?.values() ?? []) {
      if (!isTerminal(task.state)) used = used.add(ResourceBag.fromMesos(task.resources));
    }
    return used.toMesos();
  }

  frameworkOfferedResources(frameworkId: string): Resource[] {
    let offered = ResourceBag.EMPTY;
    for (const state of this.offerStates.values()) {
      if (state.offer.framework_id.value === frameworkId) offered = offered.add(state.resources);
    }
    return offered.toMesos();
  }

  // ------------------------------------------------------- scheduler API

  /**
   * SUBSCRIBE: registers a new framework or fails over an existing one to a new
   * stream. Resolves with the stream id once SUBSCRIBED has been sent.
   */
  async subscribe(
    call: SchedulerCall,
    connection: Omit<FrameworkConnection, 'streamId'>,
  ): Promise<FrameworkConnection & { frameworkId: string }> {
    this.assertRecovered();
    this.counters.schedulerCalls++;
    schedulerCall.parse(call);
    const subscribe = call.subscribe;
    if (call.type !== 'SUBSCRIBE' || !subscribe) {
      throw new BadCallError("Expecting 'subscribe' to be present");
    }
    const info = subscribe.framework_info;
    const callId = call.framework_id?.value;
    const infoId = info.id?.value;
    if (callId !== infoId) {
      throw new BadCallError("'framework_id' differs from 'subscribe.framework_info.id'");
    }
    if (infoId && this.completedFrameworks.some((framework) => framework.id === infoId)) {
      throw new FrameworkNotSubscribedError(infoId);
    }
    const streamId = this.ids.streamId();
    const stream: FrameworkConnection = {
      streamId,
      send: connection.send,
      close: connection.close,
    };
    const now = this.now();

    let framework = infoId ? this.frameworks.get(infoId) : undefined;
    if (framework) {
      const previous = framework.connection;
      framework.connection = stream;
      if (previous) {
        previous.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
        previous.close();
      }
      clearTimeout(framework.failoverTimer);
      framework.failoverTimer = undefined;
      framework.info = { ...info, id: { value: framework.id } };
      framework.partitionAware = hasCapability(info, 'PARTITION_AWARE');
      framework.connected = true;
      framework.active = true;
      framework.recovered = false;
      framework.reregisteredTime = now;
      framework.suppressed = (subscribe.suppressed_roles?.length ?? 0) > 0;
      await this.registry.putFramework({
        info: framework.info,
        registeredTime: framework.registeredTime,
      });
      this.allocator.activateFramework(framework.id);
      if (framework.suppressed) this.allocator.suppress(framework.id);
      else this.allocator.revive(framework.id);
    } else {
      const id = infoId ?? this.ids.framework();
      const fullInfo = { ...info, id: { value: id } };
      framework = this.newFrameworkState(fullInfo, now, false);
      framework.connection = stream;
      framework.connected = true;
      framework.active = true;
      framework.suppressed = (subscribe.suppressed_roles?.length ?? 0) > 0;
      await this.registry.putFramework({ info: fullInfo, registeredTime: now });
      this.frameworks.set(id, framework);
      if (framework.suppressed) this.allocator.suppress(id);
    }

    stream.send({
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: framework.id },
        heartbeat_interval_seconds: this.options.heartbeatIntervalSeconds,
        master_info: this.masterInfo,
      },
    });
    this.startHeartbeat(framework);
    this.updates.resendFor(framework.id);
    this.emitOperator({
      type: infoId ? 'FRAMEWORK_UPDATED' : 'FRAMEWORK_ADDED',
      ...(infoId
        ? { framework_updated: { framework: renderFrameworkEntry(this, framework) } }
        : { framework_added: { framework: renderFrameworkEntry(this, framework) } }),
    });
    this.logger.info({ frameworkId: framework.id, name: info.name }, 'framework subscribed');
    this.scheduleAllocation();
    return { ...stream, frameworkId: framework.id };
  }

  /** The framework's stream closed (HTTP connection dropped, or client closed it). */
  disconnected(frameworkId: string, streamId: string): void {
    const framework = this.frameworks.get(frameworkId);
    if (!framework || framework.connection?.streamId !== streamId) return;
    framework.connection = undefined;
    framework.connected = false;
    framework.active = false;
    framework.unregisteredTime = this.now();
    clearInterval(framework.heartbeat);
    this.allocator.deactivateFramework(frameworkId);
    for (const [offerId, state] of this.offerStates) {
      if (state.offer.framework_id.value === frameworkId) this.removeOffer(offerId, 0);
    }
    const timeoutMs = (framework.info.failover_timeout ?? 0) * 1000;
    this.logger.info({ frameworkId, failoverTimeoutMs: timeoutMs }, 'framework disconnected');
    if (this.stopped) return;
    framework.failoverTimer = setTimeout(() => {
      void this.removeFramework(frameworkId, 'failover timeout elapsed');
    }, timeoutMs);
    framework.failoverTimer.unref();
    this.emitOperator({
      type: 'FRAMEWORK_UPDATED',
      framework_updated: { framework: renderFrameworkEntry(this, framework) },
    });
  }

  /** Every call but SUBSCRIBE. Throws errors carrying the HTTP status Mesos answers with. */
  async call(call: SchedulerCall, streamId: string | undefined): Promise<void> {
    this.assertRecovered();
    this.counters.schedulerCalls++;
    schedulerCall.parse(call);
    if (call.type === 'SUBSCRIBE')
      throw new BadCallError('SUBSCRIBE must be sent on its own stream');
    if (!streamId)
      throw new BadCallError("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    const frameworkId = call.framework_id?.value;
    if (!frameworkId) throw new BadCallError("Expecting 'framework_id' to be present");
    const framework = this.frameworks.get(frameworkId);
    if (!framework) throw new BadCallError(`Framework cannot be found: ${frameworkId}`);
    if (!framework.connection) throw new FrameworkNotSubscribedError(frameworkId);
    if (framework.connection.streamId !== streamId) {
      throw new BadCallError(
        `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${frameworkId}`,
      );
    }

    switch (call.type) {
      case 'TEARDOWN':
        await this.removeFramework(frameworkId, 'framework asked for teardown');
        return;
      case 'ACCEPT':
        return this.accept(framework, required(call.accept, 'accept'));
      case 'DECLINE': {
        const decline = required(call.decline, 'decline');
        const refuse = decline.filters?.refuse_seconds ?? DEFAULT_REFUSE_SECONDS;
        for (const offerId of decline.offer_ids ?? []) {
          const state = this.offerStates.get(offerId.value);
          if (state && state.offer.framework_id.value === frameworkId) {
            this.counters.offersDeclined++;
            this.removeOffer(offerId.value, refuse);
          }
        }
        return;
      }
      case 'REVIVE':
        framework.suppressed = false;
        this.allocator.revive(frameworkId);
        this.scheduleAllocation();
        return;
      case 'SUPPRESS':
        framework.suppressed = true;
        this.allocator.suppress(frameworkId);
        return;
      case 'KILL':
        this.kill(framework, required(call.kill, 'kill'));
        return;
      case 'SHUTDOWN': {
        const shutdown = required(call.shutdown, 'shutdown');
        const agent = this.agents.get(shutdown.agent_id.value);
        // A command task's executor id is its task id, so shutting it down kills the task.
        const task = this.tasks.get(frameworkId)?.get(shutdown.executor_id.value);
        if (agent?.link && task) {
          agent.link.killTask({ framework_id: { value: frameworkId }, task_id: task.task_id });
        }
        return;
      }
      case 'ACKNOWLEDGE': {
        const ack = required(call.acknowledge, 'acknowledge');
        const acked = this.updates.acknowledge(frameworkId, ack.task_id.value, ack.uuid);
        if (acked && isTerminal(acked.status.state))
          this.completeTask(frameworkId, ack.task_id.value);
        return;
      }
      case 'RECONCILE':
        this.reconcile(framework, call.reconcile?.tasks ?? []);
        return;
      case 'MESSAGE': {
        const message = required(call.message, 'message');
        const agent = this.agents.get(message.agent_id.value);
        agent?.link?.frameworkMessage({
          framework_id: { value: frameworkId },
          executor_id: message.executor_id,
          data: message.data,
        });
        return;
      }
      case 'REQUEST':
        // Mesos's allocator ignores resource requests too; accepted for compatibility.
        return;
      case 'UPDATE_FRAMEWORK': {
        const update = required(call.update_framework, 'update_framework');
        if (update.framework_info.id?.value !== frameworkId) {
          throw new BadCallError("'framework_info.id' must match 'framework_id'");
        }
        framework.info = { ...update.framework_info, id: { value: frameworkId } };
        framework.partitionAware = hasCapability(update.framework_info, 'PARTITION_AWARE');
        await this.registry.putFramework({
          info: framework.info,
          registeredTime: framework.registeredTime,
        });
        this.emitOperator({
          type: 'FRAMEWORK_UPDATED',
          framework_updated: { framework: renderFrameworkEntry(this, framework) },
        });
        return;
      }
      default:
        throw new UnsupportedCallError(call.type);
    }
  }

  private accept(framework: FrameworkState, accept: NonNullable<SchedulerCall['accept']>): void {
    const refuse = accept.filters?.refuse_seconds ?? DEFAULT_REFUSE_SECONDS;
    const operations = accept.operations ?? [];
    for (const operation of operations) {
      if (operation.type !== 'LAUNCH' && operation.type !== 'LAUNCH_GROUP') {
        throw new UnsupportedCallError(`ACCEPT with a ${operation.type} operation`);
      }
    }

    // Offers must exist, belong to this framework, be on one agent, and be listed once.
    const offerIds = (accept.offer_ids ?? []).map((id) => id.value);
    const states: OfferState[] = [];
    let invalid: string | undefined;
    if (offerIds.length === 0) invalid = 'No offers specified';
    else if (new Set(offerIds).size !== offerIds.length) invalid = 'Duplicate offers specified';
    for (const offerId of offerIds) {
      const state = this.offerStates.get(offerId);
      if (!state) {
        invalid ??= `Offer ${offerId} is no longer valid`;
        continue;
      }
      if (state.offer.framework_id.value !== framework.id) {
        invalid ??= `Offer ${offerId} does not belong to framework ${framework.id}`;
        continue;
      }
      states.push(state);
    }
    const agentIds = new Set(states.map((state) => state.offer.agent_id.value));
    if (agentIds.size > 1) invalid ??= 'Aggregated offers must belong to one single agent';

    // Offers are used up by ACCEPT whatever happens next, as in Mesos.
    let available = ResourceBag.EMPTY;
    for (const state of states) {
      available = available.add(state.resources);
      this.forgetOffer(state.offer.id.value);
    }
    const agentId = [...agentIds][0];
    const agent = agentId ? this.agents.get(agentId) : undefined;

    if (invalid || !agent) {
      const reason = invalid ?? 'Agent is unknown';
      for (const task of tasksOf(operations)) {
        this.masterUpdate(
          framework,
          task,
          framework.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST',
          'REASON_INVALID_OFFERS',
          reason,
        );
      }
      if (agentId && !available.isEmpty())
        this.allocator.recover(framework.id, agentId, available, 0);
      this.scheduleAllocation();
      return;
    }
    this.counters.offersAccepted += states.length;

    for (const operation of operations) {
      available = this.launch(framework, agent, operation, available);
    }
    if (!available.isEmpty()) this.allocator.recover(framework.id, agent.id, available, refuse);
  }

  /** Carries out one LAUNCH or LAUNCH_GROUP; returns what is left of the offered resources. */
  private launch(
    framework: FrameworkState,
    agent: AgentState,
    operation: OfferOperation,
    available: ResourceBag,
  ): ResourceBag {
    const group = operation.type === 'LAUNCH_GROUP' ? operation.launch_group : undefined;
    const taskInfos =
      operation.type === 'LAUNCH'
        ? (operation.launch?.task_infos ?? [])
        : (group?.task_group.tasks ?? []);
    const result = validateLaunch({
      tasks: taskInfos,
      executor: group?.executor,
      isGroup: operation.type === 'LAUNCH_GROUP',
      agentId: agent.id,
      frameworkId: framework.id,
      available,
      taskExists: (taskId) =>
        this.tasks.get(framework.id)?.has(taskId) === true ||
        this.unreachableTasks.get(framework.id)?.has(taskId) === true,
    });
    for (const rejected of result.rejected) {
      this.masterUpdate(framework, rejected.task, 'TASK_ERROR', rejected.reason, rejected.message);
    }
    if (result.accepted.length === 0) return available;

    if (!agent.link || !agent.connected) {
      for (const task of result.accepted) {
        this.masterUpdate(
          framework,
          task,
          framework.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST',
          'REASON_AGENT_DISCONNECTED',
          'Agent is not connected',
        );
      }
      return available;
    }

    const frameworkInfo = framework.info;
    for (const info of result.accepted) {
      const task: Task = {
        name: info.name,
        task_id: info.task_id,
        framework_id: { value: framework.id },
        agent_id: { value: agent.id },
        state: 'TASK_STAGING',
        resources: info.resources ?? [],
        statuses: [],
        ...(group ? { executor_id: group.executor.executor_id } : {}),
        ...(info.labels ? { labels: info.labels } : {}),
        ...(info.discovery ? { discovery: info.discovery } : {}),
        ...(info.container ? { container: info.container } : {}),
        ...(info.health_check ? { health_check: info.health_check } : {}),
        ...(info.kill_policy ? { kill_policy: info.kill_policy } : {}),
        user: info.command?.user ?? frameworkInfo.user,
      };
      this.taskMap(this.tasks, framework.id).set(info.task_id.value, task);
      this.counters.tasksByState.TASK_STAGING++;
      this.registry.putTask(task);
      this.emitOperator({ type: 'TASK_ADDED', task_added: { task } });
    }
    if (group) {
      agent.link.runTaskGroup({
        framework_info: frameworkInfo,
        executor: group.executor,
        task_group: { tasks: result.accepted },
      });
    } else {
      for (const info of result.accepted)
        agent.link.runTask({ framework_info: frameworkInfo, task: info });
    }
    this.logger.debug(
      { frameworkId: framework.id, agentId: agent.id, tasks: result.accepted.length },
      'launched tasks',
    );
    return available.subtract(result.used);
  }

  private kill(framework: FrameworkState, kill: NonNullable<SchedulerCall['kill']>): void {
    const taskId = kill.task_id.value;
    const task =
      this.tasks.get(framework.id)?.get(taskId) ??
      this.unreachableTasks.get(framework.id)?.get(taskId);
    if (!task) {
      // Mesos answers a kill of an unknown task as a reconciliation would.
      this.reconcile(framework, [
        { task_id: kill.task_id, ...(kill.agent_id ? { agent_id: kill.agent_id } : {}) },
      ]);
      return;
    }
    if (isTerminal(task.state)) return;
    const agent = this.agents.get(task.agent_id.value);
    const message: KillTaskMessage = {
      framework_id: { value: framework.id },
      task_id: kill.task_id,
      ...(kill.kill_policy
        ? { kill_policy: kill.kill_policy }
        : task.kill_policy
          ? { kill_policy: task.kill_policy }
          : {}),
    };
    if (agent?.link && agent.connected) agent.link.killTask(message);
    else agent?.pendingKills.set(taskId, message);
  }

  private reconcile(
    framework: FrameworkState,
    requested: ReadonlyArray<{ task_id: { value: string }; agent_id?: { value: string } }>,
  ): void {
    const lost = (state: TaskState): TaskState => (framework.partitionAware ? state : 'TASK_LOST');
    if (requested.length === 0) {
      for (const map of [this.tasks, this.unreachableTasks]) {
        for (const task of map.get(framework.id)?.values() ?? []) {
          this.sendReconciliation(framework, task, task.state, 'Reconciliation: Latest task state');
        }
      }
      return;
    }
    const anyRecovering = [...this.agents.values()].some((agent) => agent.recovered);
    for (const entry of requested) {
      const taskId = entry.task_id.value;
      const task =
        this.tasks.get(framework.id)?.get(taskId) ??
        this.unreachableTasks.get(framework.id)?.get(taskId);
      const agentId = entry.agent_id?.value;
      const agent = agentId ? this.agents.get(agentId) : undefined;
      if (task) {
        this.sendReconciliation(framework, task, task.state, 'Reconciliation: Latest task state');
      } else if (agent?.recovered || (!agentId && anyRecovering)) {
        // The agent has not re-registered yet; the framework retries with backoff.
      } else if (agent && !agent.unreachable) {
        this.sendStatus(
          framework,
          { task_id: entry.task_id, agent_id: { value: agent.id } },
          lost('TASK_GONE'),
          'REASON_RECONCILIATION',
          'Reconciliation: Task is unknown to the agent',
        );
      } else if (agent?.unreachable) {
        this.sendStatus(
          framework,
          { task_id: entry.task_id, agent_id: { value: agent.id } },
          lost('TASK_UNREACHABLE'),
          'REASON_RECONCILIATION',
          'Reconciliation: Task is unreachable',
          agent.unreachableTime,
        );
      } else if (agentId && this.goneAgents.has(agentId)) {
        this.sendStatus(
          framework,
          { task_id: entry.task_id, agent_id: { value: agentId } },
          lost('TASK_GONE_BY_OPERATOR'),
          'REASON_RECONCILIATION',
          'Reconciliation: Task is gone',
        );
      } else {
        this.sendStatus(
          framework,
          { task_id: entry.task_id, ...(agentId ? { agent_id: { value: agentId } } : {}) },
          lost('TASK_UNKNOWN'),
          'REASON_RECONCILIATION',
          'Reconciliation: Task is unknown',
        );
      }
    }
  }

  private sendReconciliation(
    framework: FrameworkState,
    task: Task,
    state: TaskState,
    message: string,
  ): void {
    const latest = task.statuses[task.statuses.length - 1];
    const status: TaskStatus = {
      task_id: task.task_id,
      state,
      source: 'SOURCE_MASTER',
      reason: 'REASON_RECONCILIATION',
      message,
      agent_id: task.agent_id,
      timestamp: this.now() / 1000,
      ...(task.executor_id ? { executor_id: task.executor_id } : {}),
      ...(latest?.healthy !== undefined ? { healthy: latest.healthy } : {}),
      ...(latest?.container_status ? { container_status: latest.container_status } : {}),
    };
    framework.connection?.send({ type: 'UPDATE', update: { status } });
  }

  private sendStatus(
    framework: FrameworkState,
    ids: { task_id: { value: string }; agent_id?: { value: string } },
    state: TaskState,
    reason: TaskReason,
    message: string,
    unreachableTime?: number,
  ): void {
    const status: TaskStatus = {
      task_id: ids.task_id,
      state,
      source: 'SOURCE_MASTER',
      reason,
      message,
      timestamp: this.now() / 1000,
      ...(ids.agent_id ? { agent_id: ids.agent_id } : {}),
      ...(unreachableTime !== undefined
        ? { unreachable_time: { nanoseconds: unreachableTime * 1e6 } }
        : {}),
    };
    framework.connection?.send({ type: 'UPDATE', update: { status } });
  }

  /** A status the master makes itself about a task it never launched: no uuid, no acknowledgement. */
  private masterUpdate(
    framework: FrameworkState,
    task: TaskInfo,
    state: TaskState,
    reason: TaskReason,
    message: string,
  ): void {
    this.counters.tasksByState[state]++;
    this.sendStatus(
      framework,
      { task_id: task.task_id, agent_id: task.agent_id },
      state,
      reason,
      message,
    );
  }

  // ------------------------------------------------------------ agents

  /** An agent registers, or re-registers with the id and tasks it had. */
  async registerAgent(
    request: RegisterAgentRequest,
    link: AgentLink,
  ): Promise<{ agentId: string }> {
    this.assertRecovered();
    if (this.options.agentToken !== undefined && request.token !== this.options.agentToken) {
      throw new AgentRefusedError('The join token is not valid for this master');
    }
    const now = this.now();
    const requestedId = request.agent_id?.value;
    if (requestedId && this.goneAgents.has(requestedId)) {
      throw new AgentRefusedError(
        `Agent ${requestedId} was marked gone and cannot re-register; start it with a fresh work dir`,
      );
    }
    const existing = requestedId ? this.agents.get(requestedId) : undefined;
    const id = requestedId ?? this.ids.agent();
    const info = { ...request.agent_info, id: { value: id } } as AgentInfo & {
      id: { value: string };
    };
    const total = info.resources ?? [];

    if (existing?.link && existing.link !== link) existing.link.disconnect();
    clearTimeout(existing?.unreachableTimer);
    const wasUnreachable = existing?.unreachable === true;
    const agent: AgentState = {
      id,
      info,
      connected: true,
      recovered: false,
      unreachable: false,
      registeredTime: existing?.registeredTime ?? now,
      ...(existing || requestedId ? { reregisteredTime: now } : {}),
      version: request.version,
      total,
      link,
      pendingKills: existing?.pendingKills ?? new Map(),
    };
    await this.registry.putAgent({ info, registeredTime: agent.registeredTime });
    this.agents.set(id, agent);

    // Tasks: the agent's report is the truth about what runs there.
    const reported = new Map<string, Task>();
    for (const task of request.tasks ?? [])
      reported.set(key(task.framework_id.value, task.task_id.value), task);
    const used = new Map<string, ResourceBag>();
    for (const known of this.tasksOn(id)) {
      const frameworkId = known.framework_id.value;
      if (reported.has(key(frameworkId, known.task_id.value)) || isTerminal(known.state)) continue;
      const framework = this.frameworks.get(frameworkId);
      const state: TaskState = framework?.partitionAware ? 'TASK_GONE' : 'TASK_LOST';
      this.applyMasterTransition(
        known,
        state,
        'REASON_AGENT_REREGISTERED',
        'Task was not found on the re-registered agent',
      );
    }
    for (const task of reported.values()) {
      const frameworkId = task.framework_id.value;
      if (!this.frameworks.has(frameworkId)) {
        // Its framework is gone: the agent must not keep running it.
        link.shutdownFramework(frameworkId);
        continue;
      }
      this.unreachableTasks.get(frameworkId)?.delete(task.task_id.value);
      this.taskMap(this.tasks, frameworkId).set(task.task_id.value, task);
      this.registry.putTask(task);
      if (!isTerminal(task.state)) {
        const bag = ResourceBag.fromMesos(task.resources);
        used.set(frameworkId, (used.get(frameworkId) ?? ResourceBag.EMPTY).add(bag));
      }
      if (wasUnreachable && !isTerminal(task.state)) {
        const framework = this.frameworks.get(frameworkId);
        if (framework) this.sendReconciliation(framework, task, task.state, 'Agent re-registered');
      }
    }

    if (this.allocator.hasAgent(id)) this.allocator.removeAgent(id);
    this.allocator.addAgent(id, ResourceBag.fromMesos(total), used);
    for (const kill of agent.pendingKills.values()) link.killTask(kill);
    agent.pendingKills.clear();

    this.emitOperator({
      type: 'AGENT_ADDED',
      agent_added: { agent: renderAgentEntry(this, agent) },
    });
    this.logger.info(
      { agentId: id, hostname: info.hostname, reregistered: Boolean(requestedId) },
      'agent registered',
    );
    this.scheduleAllocation([id]);
    return { agentId: id };
  }

  /** Agents with a live channel, for requests that go to each of them (image lists, imports). */
  connectedAgents(): ConnectedAgent[] {
    return [...this.agents.values()].flatMap((agent) =>
      agent.link ? [{ id: agent.id, hostname: agent.info.hostname, link: agent.link }] : [],
    );
  }

  /** The agent's channel dropped. Its tasks keep running; it has a while to come back. */
  agentDisconnected(agentId: string, link: AgentLink): void {
    const agent = this.agents.get(agentId);
    if (!agent || agent.link !== link) return;
    agent.link = undefined;
    agent.connected = false;
    if (this.allocator.hasAgent(agentId)) this.allocator.deactivateAgent(agentId);
    for (const [offerId, state] of this.offerStates) {
      if (state.offer.agent_id.value === agentId) this.rescind(offerId);
    }
    this.logger.warn(
      { agentId, timeoutMs: this.options.agentUnreachableTimeoutMs },
      'agent disconnected',
    );
    if (this.stopped) return;
    agent.unreachableTimer = setTimeout(
      () => void this.markUnreachable(agentId),
      this.options.agentUnreachableTimeoutMs,
    );
    agent.unreachableTimer.unref();
  }

  private async markUnreachable(agentId: string): Promise<void> {
    const agent = this.agents.get(agentId);
    if (!agent || agent.connected || agent.unreachable) return;
    agent.unreachable = true;
    agent.recovered = false;
    agent.unreachableTime = this.now();
    await this.registry.putAgent({
      info: agent.info,
      registeredTime: agent.registeredTime,
      unreachableTime: agent.unreachableTime,
    });
    for (const task of this.tasksOn(agentId, [this.tasks])) {
      if (isTerminal(task.state)) continue;
      const frameworkId = task.framework_id.value;
      const taskId = task.task_id.value;
      const framework = this.frameworks.get(frameworkId);
      const state: TaskState = framework?.partitionAware ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      this.applyMasterTransition(
        task,
        state,
        'REASON_AGENT_REMOVED',
        'Agent is unreachable',
        agent.unreachableTime,
      );
      if (state === 'TASK_UNREACHABLE') {
        this.tasks.get(frameworkId)?.delete(taskId);
        this.taskMap(this.unreachableTasks, frameworkId).set(taskId, task);
      }
    }
    if (this.allocator.hasAgent(agentId)) this.allocator.removeAgent(agentId);
    // Mesos tells every framework that an agent was lost with a FAILURE event.
    for (const framework of this.frameworks.values()) {
      framework.connection?.send({ type: 'FAILURE', failure: { agent_id: { value: agentId } } });
    }
    this.emitOperator({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: agentId } } });
    this.logger.warn({ agentId }, 'agent marked unreachable');
  }

  private expireRecoveredAgents(): void {
    for (const agent of this.agents.values()) {
      if (agent.recovered && !agent.connected) void this.markUnreachable(agent.id);
    }
  }

  /** Operator MARK_AGENT_GONE: the agent will never return; its tasks are gone. */
  async markAgentGone(agentId: string): Promise<void> {
    const agent = this.agents.get(agentId);
    if (!agent) throw new BadCallError(`Unknown agent ${agentId}`);
    this.goneAgents.add(agentId);
    await this.registry.putAgent({
      info: agent.info,
      registeredTime: agent.registeredTime,
      gone: true,
    });
    for (const task of this.tasksOn(agentId)) {
      if (isTerminal(task.state)) continue;
      const frameworkId = task.framework_id.value;
      const taskId = task.task_id.value;
      const framework = this.frameworks.get(frameworkId);
      this.applyMasterTransition(
        task,
        framework?.partitionAware ? 'TASK_GONE_BY_OPERATOR' : 'TASK_LOST',
        'REASON_AGENT_REMOVED_BY_OPERATOR',
        'Agent was marked gone by the operator',
      );
      this.unreachableTasks.get(frameworkId)?.delete(taskId);
      this.completeTask(frameworkId, taskId);
    }
    clearTimeout(agent.unreachableTimer);
    agent.link?.disconnect();
    this.agents.delete(agentId);
    if (this.allocator.hasAgent(agentId)) this.allocator.removeAgent(agentId);
    this.emitOperator({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: agentId } } });
  }

  /** A status update from an agent, carrying a uuid; delivered reliably to the framework. */
  statusUpdate(agentId: string, update: AgentStatusUpdate): void {
    const frameworkId = update.framework_id.value;
    const status = update.status;
    const taskId = status.task_id.value;
    const agent = this.agents.get(agentId);
    if (!agent || !status.uuid) {
      this.counters.invalidStatusUpdates++;
      return;
    }
    const queued: QueuedUpdate = {
      frameworkId,
      agentId,
      status: { ...status, uuid: status.uuid, agent_id: { value: agentId } },
    };
    const framework = this.frameworks.get(frameworkId);
    if (!framework) {
      // The framework is gone for good: acknowledge so the agent stops retrying.
      this.counters.invalidStatusUpdates++;
      this.agentAcknowledged(queued);
      return;
    }
    this.counters.validStatusUpdates++;
    let task = this.tasks.get(frameworkId)?.get(taskId);
    if (!task) {
      const unreachable = this.unreachableTasks.get(frameworkId)?.get(taskId);
      if (unreachable) {
        this.unreachableTasks.get(frameworkId)?.delete(taskId);
        this.taskMap(this.tasks, frameworkId).set(taskId, unreachable);
        task = unreachable;
      }
    }
    // The agent re-sends unacknowledged updates while newer ones are on their way, so a
    // retry must not move the task back (RUNNING after FINISHED would recover its
    // resources twice), and a terminal task stays as it ended, as in Mesos.
    const stale = this.updates.knows(queued) || (task !== undefined && isTerminal(task.state));
    if (task && !stale && task.state !== status.state) {
      const wasTerminal = isTerminal(task.state);
      task.state = status.state;
      task.statuses.push(stripForHistory(queued.status));
      if (isTerminal(status.state) && !wasTerminal) {
        this.counters.tasksByState[status.state]++;
        this.allocator.recover(frameworkId, agentId, ResourceBag.fromMesos(task.resources), 0);
        this.scheduleAllocation([agentId]);
      }
      this.registry.putTask(task);
      this.emitOperator({
        type: 'TASK_UPDATED',
        task_updated: {
          framework_id: { value: frameworkId },
          status: queued.status,
          state: status.state,
        },
      });
    } else if (task && !stale) {
      // A health change or a repeated state: history keeps the latest.
      task.statuses.push(stripForHistory(queued.status));
      if (task.statuses.length > 10) task.statuses.splice(0, task.statuses.length - 10);
      this.emitOperator({
        type: 'TASK_UPDATED',
        task_updated: {
          framework_id: { value: frameworkId },
          status: queued.status,
          state: status.state,
        },
      });
    }
    this.updates.enqueue(queued);
  }

  private forwardUpdate(update: QueuedUpdate): boolean {
    const framework = this.frameworks.get(update.frameworkId);
    const task = this.tasks.get(update.frameworkId)?.get(update.status.task_id.value);
    if (task) {
      task.status_update_state = update.status.state;
      task.status_update_uuid = update.status.uuid;
    }
    if (!framework?.connection) return false;
    framework.connection.send({ type: 'UPDATE', update: { status: update.status } });
    return true;
  }

  private agentAcknowledged(update: QueuedUpdate): void {
    const agent = this.agents.get(update.agentId);
    agent?.link?.acknowledge({
      framework_id: { value: update.frameworkId },
      task_id: update.status.task_id,
      uuid: update.status.uuid,
    });
  }

  /** A status change the master decides (agent lost, gone, re-registered without it). */
  private applyMasterTransition(
    task: Task,
    state: TaskState,
    reason: TaskReason,
    message: string,
    unreachableTime?: number,
  ): void {
    const frameworkId = task.framework_id.value;
    const status: TaskStatus = {
      task_id: task.task_id,
      state,
      source: 'SOURCE_MASTER',
      reason,
      message,
      agent_id: task.agent_id,
      timestamp: this.now() / 1000,
      ...(unreachableTime !== undefined
        ? { unreachable_time: { nanoseconds: unreachableTime * 1e6 } }
        : {}),
    };
    const wasTerminal = isTerminal(task.state);
    task.state = state;
    task.statuses.push(status);
    if (isTerminal(state) && !wasTerminal) {
      this.counters.tasksByState[state]++;
      if (this.allocator.hasAgent(task.agent_id.value)) {
        this.allocator.recover(
          frameworkId,
          task.agent_id.value,
          ResourceBag.fromMesos(task.resources),
          0,
        );
      }
    }
    this.registry.putTask(task);
    this.emitOperator({
      type: 'TASK_UPDATED',
      task_updated: { framework_id: task.framework_id, status, state },
    });
    const framework = this.frameworks.get(frameworkId);
    framework?.connection?.send({ type: 'UPDATE', update: { status } });
    if (isTerminal(state)) this.completeTask(frameworkId, task.task_id.value);
  }

  /** Moves a terminal task to the bounded completed list. */
  private completeTask(frameworkId: string, taskId: string): void {
    const task =
      this.tasks.get(frameworkId)?.get(taskId) ??
      this.unreachableTasks.get(frameworkId)?.get(taskId);
    if (!task) return;
    this.tasks.get(frameworkId)?.delete(taskId);
    this.unreachableTasks.get(frameworkId)?.delete(taskId);
    this.updates.forget(frameworkId, taskId);
    this.registry.removeTask(frameworkId, taskId);
    this.completedTasks.push(task);
    if (this.completedTasks.length > this.options.maxCompletedTasks) {
      this.completedTasks.splice(0, this.completedTasks.length - this.options.maxCompletedTasks);
    }
  }

  // ------------------------------------------------------------- frameworks

  /** TEARDOWN (by the framework or an operator) or failover timeout: kill everything it runs. */
  async removeFramework(frameworkId: string, why: string): Promise<void> {
    const framework = this.frameworks.get(frameworkId);
    if (!framework) throw new BadCallError(`Framework cannot be found: ${frameworkId}`);
    clearInterval(framework.heartbeat);
    clearTimeout(framework.failoverTimer);
    for (const [offerId, state] of this.offerStates) {
      if (state.offer.framework_id.value === frameworkId) this.removeOffer(offerId, 0);
    }
    for (const agent of this.agents.values()) agent.link?.shutdownFramework(frameworkId);
    for (const map of [this.tasks, this.unreachableTasks]) {
      for (const task of [...(map.get(frameworkId)?.values() ?? [])]) {
        if (!isTerminal(task.state)) {
          task.state = 'TASK_KILLED';
          task.statuses.push({
            task_id: task.task_id,
            state: 'TASK_KILLED',
            source: 'SOURCE_MASTER',
            reason: 'REASON_FRAMEWORK_REMOVED',
            message: 'Framework was removed',
            timestamp: this.now() / 1000,
          });
          this.counters.tasksByState.TASK_KILLED++;
        }
        this.completeTask(frameworkId, task.task_id.value);
      }
      map.delete(frameworkId);
    }
    this.updates.forgetFramework(frameworkId);
    this.allocator.removeFramework(frameworkId);
    this.frameworks.delete(frameworkId);
    framework.connected = false;
    framework.active = false;
    framework.unregisteredTime = this.now();
    const stream = framework.connection;
    framework.connection = undefined;
    stream?.send({ type: 'ERROR', error: { message: 'Framework has been removed' } });
    stream?.close();
    this.completedFrameworks.push(framework);
    if (this.completedFrameworks.length > this.options.maxCompletedFrameworks)
      this.completedFrameworks.shift();
    await this.registry.removeFramework(frameworkId);
    this.emitOperator({
      type: 'FRAMEWORK_REMOVED',
      framework_removed: { framework_info: framework.info },
    });
    this.logger.info({ frameworkId, why }, 'framework removed');
    this.scheduleAllocation();
  }

  private newFrameworkState(
    info: FrameworkInfo & { id: { value: string } },
    registeredTime: number,
    recovered: boolean,
  ): FrameworkState {
    const id = info.id.value;
    if (!this.allocator.hasFramework(id)) {
      this.allocator.addFramework(id, { role: role(info), suppressed: false });
      if (recovered) this.allocator.deactivateFramework(id);
    }
    return {
      id,
      info,
      connected: false,
      active: !recovered,
      recovered,
      registeredTime,
      suppressed: false,
      partitionAware: hasCapability(info, 'PARTITION_AWARE'),
    };
  }

  private startHeartbeat(framework: FrameworkState): void {
    clearInterval(framework.heartbeat);
    framework.heartbeat = setInterval(() => {
      framework.connection?.send({ type: 'HEARTBEAT' });
    }, this.options.heartbeatIntervalSeconds * 1000);
    framework.heartbeat.unref();
  }

  // ----------------------------------------------------------------- offers

  /** Runs an allocation round now (all agents, or just those named). */
  allocate(agentIds?: Iterable<string>): void {
    if (!this.recovered || this.stopped) return;
    const allocations = this.allocator.allocate(agentIds);
    const byFramework = new Map<string, Offer[]>();
    for (const allocation of allocations) {
      const agent = this.agents.get(allocation.agentId);
      const framework = this.frameworks.get(allocation.frameworkId);
      if (!agent || !framework?.connection) {
        this.allocator.recover(allocation.frameworkId, allocation.agentId, allocation.resources, 0);
        continue;
      }
      const offer: Offer = {
        id: { value: this.ids.offer() },
        framework_id: { value: framework.id },
        agent_id: { value: agent.id },
        hostname: agent.info.hostname,
        ...(agent.link?.address
          ? {
              url: {
                scheme: 'http',
                address: {
                  hostname: agent.info.hostname,
                  ip: agent.link.address,
                  port: agent.info.port ?? 5051,
                },
                path: '/slave(1)',
              },
            }
          : {}),
        resources: allocation.resources.toMesos(),
        ...(agent.info.attributes ? { attributes: agent.info.attributes } : {}),
        allocation_info: { role: role(framework.info) },
      };
      const state: OfferState = { offer, resources: allocation.resources };
      if (this.options.offerTimeoutMs !== undefined) {
        state.timer = setTimeout(() => this.rescind(offer.id.value), this.options.offerTimeoutMs);
        state.timer.unref();
      }
      this.offerStates.set(offer.id.value, state);
      this.offers.set(offer.id.value, offer);
      const list = byFramework.get(framework.id) ?? [];
      list.push(offer);
      byFramework.set(framework.id, list);
    }
    for (const [frameworkId, offers] of byFramework) {
      this.counters.offersSent += offers.length;
      this.frameworks.get(frameworkId)?.connection?.send({ type: 'OFFERS', offers: { offers } });
    }
  }

  /**
   * Coalesces event-driven allocations into one round on the next turn of the loop:
   * an event about some agents (resources freed there) allocates just those; an
   * event about frameworks (one arrived, revived) allocates every agent.
   */
  private scheduleAllocation(agentIds?: string[]): void {
    if (this.stopped) return;
    if (!agentIds) this.pendingAllocation = 'all';
    else if (this.pendingAllocation !== 'all') {
      this.pendingAllocation ??= new Set();
      for (const id of agentIds) this.pendingAllocation.add(id);
    }
    if (this.allocationScheduled) return;
    this.allocationScheduled = true;
    setImmediate(() => {
      const pending = this.pendingAllocation;
      this.allocationScheduled = false;
      this.pendingAllocation = undefined;
      this.allocate(pending === 'all' ? undefined : pending);
    });
  }

  private rescind(offerId: string): void {
    const state = this.offerStates.get(offerId);
    if (!state) return;
    this.counters.offersRescinded++;
    this.frameworks
      .get(state.offer.framework_id.value)
      ?.connection?.send({ type: 'RESCIND', rescind: { offer_id: { value: offerId } } });
    this.removeOffer(offerId, 0);
  }

  private removeOffer(offerId: string, refuseSeconds: number): void {
    const state = this.offerStates.get(offerId);
    if (!state) return;
    this.forgetOffer(offerId);
    const agentId = state.offer.agent_id.value;
    if (this.allocator.hasAgent(agentId)) {
      this.allocator.recover(
        state.offer.framework_id.value,
        agentId,
        state.resources,
        refuseSeconds,
      );
    }
    this.scheduleAllocation([agentId]);
  }

  private forgetOffer(offerId: string): void {
    const state = this.offerStates.get(offerId);
    clearTimeout(state?.timer);
    this.offerStates.delete(offerId);
    this.offers.delete(offerId);
  }

  // --------------------------------------------------------------- operator

  /** UPDATE_WEIGHTS (and --weights): stored, then applied to the allocator. */
  async updateWeights(infos: ReadonlyArray<{ role: string; weight: number }>): Promise<void> {
    for (const info of infos) {
      if (!(info.weight > 0))
        throw new BadCallError(`Weight of role '${info.role}' must be positive`);
    }
    await this.registry.putWeights(infos);
    for (const info of infos) this.applyWeight(info.role, info.weight);
    this.scheduleAllocation();
  }

  private applyWeight(roleName: string, weight: number): void {
    this.weights.set(roleName, weight);
    this.allocator.setRoleWeight(roleName, weight);
  }

  /** GET_ROLES: every role with a weight or a framework, as Mesos lists them. */
  roles(): Array<{
    name: string;
    weight: number;
    frameworks: Array<{ value: string }>;
    resources: Resource[];
  }> {
    const names = new Set<string>(this.weights.keys());
    for (const framework of this.frameworks.values()) names.add(role(framework.info));
    return [...names].sort().map((name) => {
      const members = [...this.frameworks.values()].filter(
        (framework) => role(framework.info) === name,
      );
      let used = ResourceBag.EMPTY;
      for (const framework of members)
        used = used.add(ResourceBag.fromMesos(this.frameworkUsedResources(framework.id)));
      return {
        name,
        weight: this.weights.get(name) ?? 1,
        frameworks: members.map((framework) => ({ value: framework.id })),
        resources: used.toMesos(),
      };
    });
  }

  subscribeOperator(sink: OperatorSink): () => void {
    this.assertRecovered();
    this.counters.operatorCalls++;
    sink({
      type: 'SUBSCRIBED',
      subscribed: {
        get_state: getState(this),
        heartbeat_interval_seconds: this.options.heartbeatIntervalSeconds,
      },
    });
    this.operatorSinks.add(sink);
    return () => this.operatorSinks.delete(sink);
  }

  private emitOperator(event: OperatorEvent): void {
    for (const sink of this.operatorSinks) sink(event);
  }

  assertRecovered(): void {
    if (!this.recovered) throw new MasterRecoveringError();
  }

  /** Resolves once every registry write so far is durable (for tests and shutdown). */
  flush(): Promise<void> {
    return this.registry.flush();
  }

  private taskMap(map: Map<string, Map<string, Task>>, frameworkId: string): Map<string, Task> {
    let tasks = map.get(frameworkId);
    if (!tasks) {
      tasks = new Map();
      map.set(frameworkId, tasks);
    }
    return tasks;
  }
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new BadCallError(`Expecting '${field}' to be present`);
  return value;
}

function hasCapability(info: FrameworkInfo, capability: string): boolean {
  return (info.capabilities ?? []).some((entry) => entry.type === capability);
}

function tasksOf(operations: OfferOperation[]): TaskInfo[] {
  return operations.flatMap((operation) =>
    operation.type === 'LAUNCH'
      ? (operation.launch?.task_infos ?? [])
      : (operation.launch_group?.task_group.tasks ?? []),
  );
}

/** Task.statuses keeps each status without the bulky fields frameworks already got. */
function stripForHistory(status: TaskStatus): TaskStatus {
  const { data: _data, ...rest } = status;
  return rest;
}
