/**
 * The agent: registers with a master over the agent channel, runs the tasks it is
 * given through a containerizer, reports every state change reliably, and after a
 * restart (even kill -9) re-attaches to what it was running instead of killing it.
 * Everything it must not forget is checkpointed in its store before it acts on it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { io, type Socket } from 'socket.io-client';
import {
  AGENT_NAMESPACE,
  type AgentStatusUpdate,
  type AgentToMasterEvents,
  ImportImageRequest,
  type KillTaskMessage,
  type MasterToAgentEvents,
  type RegisterAgentReply,
  type RunTaskMessage,
} from '../protocol/agent-channel.js';
import {
  type Attribute,
  type CommandInfo,
  type FrameworkInfo,
  type HealthCheck,
  isTerminal,
  type Resource,
  type Task,
  type TaskInfo,
  type TaskReason,
  type TaskState,
  type TaskStatus,
} from '../protocol/mesos.js';
import { validator } from '../protocol/validate.js';
import type { JsonValue, Store } from '../store/store.js';
import type {
  ContainerCheckpoint,
  Containerizer,
  ContainerTermination,
  RunningContainer,
} from './containerizer.js';
import { filesRequestHandlers } from './files/files-channel.js';
import type { FilesSource } from './files/files-source.js';
import { CA_BUNDLE_PATH, writeCaBundle } from './sandbox/ca-bundle.js';
import { AgentStatusUpdates } from './status-updates.js';
import { taskEnvironment, taskPorts } from './task-environment.js';

export const AGENT_VERSION = '0.1.0';
/** Mesos's command executor gives a task 3 s between SIGTERM and SIGKILL unless told otherwise. */
export const DEFAULT_KILL_GRACE_MS = 3000;

export interface SandboxIds {
  agentId: string;
  frameworkId: string;
  executorId: string;
  containerId: string;
}

/** What the agent needs from its surroundings; the daemon wires the real implementations. */
export interface AgentDependencies {
  containerizers: { process: Containerizer; docker: Containerizer };
  /** Creates the sandbox directory for a run and returns its absolute path. */
  createSandbox(ids: SandboxIds): Promise<string>;
  /** Makes a sandbox readable through the files API (and forgets it on GC). */
  attachSandbox(ids: SandboxIds, path: string): void;
  /** Schedules an ended task's sandbox for garbage collection. */
  scheduleSandboxGc(path: string): void;
  /**
   * Fetches CommandInfo.uris into the sandbox; rejects with a message naming the URI, or
   * once `signal` aborts (the agent stops).
   */
  fetchUris(
    uris: NonNullable<CommandInfo['uris']>,
    sandbox: string,
    signal?: AbortSignal,
  ): Promise<void>;
  /** The files API the master reads sandboxes through; without it, its files requests go unanswered. */
  files?: FilesSource;
  /** The Docker engine's images, for the master's image list and imports; absent without Docker support. */
  images?: {
    list(): Promise<string[]>;
    importFrom(url: string, authorization?: string): Promise<string[]>;
  };
  /** Starts a health checker for a running task; returns its stopper. */
  startHealthCheck(options: {
    check: HealthCheck;
    host: string;
    runCommand: (
      command: CommandInfo,
      timeoutMs: number,
    ) => Promise<{ exitCode: number | null; output: string }>;
    onHealthChange(healthy: boolean): void;
    onUnhealthy(message: string): void;
  }): { stop(): void };
}

export interface AgentOptions {
  masterUrl: string;
  store: Store;
  logger: Logger;
  hostname: string;
  resources: Resource[];
  attributes: Attribute[];
  token?: string | undefined;
  dependencies: AgentDependencies;
  /** Called when the master refuses the agent for good (a wrong token, marked gone). */
  onRefused?: (message: string) => void;
  /** Extra socket.io client options (TLS settings for a LAN master, later). */
  socketOptions?: Record<string, unknown>;
}

interface TaskCheckpoint {
  frameworkInfo: FrameworkInfo;
  task: TaskInfo;
  containerId: string;
  sandbox: string;
  state: TaskState;
  statuses: TaskStatus[];
  container?: ContainerCheckpoint;
  containerizer?: 'process' | 'docker';
}

interface LiveTask {
  checkpoint: TaskCheckpoint;
  running?: RunningContainer;
  health?: { stop(): void };
  healthy?: boolean;
  killRequested?: KillTaskMessage;
  killedByHealthCheck?: boolean;
  finishing?: boolean;
}

const AGENT_ID_KEY = 'agent-id';
const TASKS = 'tasks/';

function taskKey(frameworkId: string, taskId: string): string {
  return `${TASKS}${encodeURIComponent(frameworkId)}/${encodeURIComponent(taskId)}`;
}

function newUuid(): string {
  return randomBytes(16).toString('base64');
}

/** Before reconnecting to a master that closed the channel (then socket.io's backoff). */
const SERVER_DISCONNECT_RETRY_MS = 1000;

/** Refusals that are not for good: an agent told these keeps trying. */
const TRANSIENT_REFUSALS = new Set([
  'MESOLITE_ERR_MASTER_RECOVERING',
  'MESOLITE_ERR_NOT_LEADING',
  'MESOLITE_ERR_ZK_UNAVAILABLE',
]);

const importRequest = validator(ImportImageRequest, 'image import request');

/** An image operation's outcome as the agent channel answers it: never a rejection. */
async function imageAnswer(
  operation: Promise<string[]> | undefined,
): Promise<{ ok: true; value: string[] } | { ok: false; code: string; message: string }> {
  if (operation === undefined) {
    return {
      ok: false,
      code: 'MESOLITE_ERR_DOCKER_UNAVAILABLE',
      message: 'This agent has no Docker support',
    };
  }
  try {
    return { ok: true, value: await operation };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return {
      ok: false,
      code:
        typeof code === 'string' && code.startsWith('MESOLITE_ERR_')
          ? code
          : 'MESOLITE_ERR_INTERNAL',
      message: (err as Error).message,
    };
  }
}

export class Agent {
  private agentId: string | undefined;
  private socket: Socket<MasterToAgentEvents, AgentToMasterEvents> | undefined;
  private readonly tasks = new Map<string, LiveTask>();
  private readonly updates: AgentStatusUpdates;
  private readonly logger: Logger;
  private registered = false;
  private stopped = false;
  /** Aborts the fetches of tasks still being launched when the agent stops. */
  private readonly launching = new AbortController();
  /** Launches under way, which `stop` waits for. */
  private readonly launches = new Set<Promise<void>>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  // start() resolves on the first registration, whichever master (see followMaster) takes it.
  private readonly awaitingRegistration: Array<() => void> = [];

  constructor(private readonly options: AgentOptions) {
    this.logger = options.logger;
    this.updates = new AgentStatusUpdates(options.store.namespace('updates'), (update) =>
      this.sendUpdate(update),
    );
  }

  get id(): string | undefined {
    return this.agentId;
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  /** The master's CA when it serves HTTPS with a private one, pinned from the join token. */
  private get masterCa(): string | undefined {
    const ca = this.options.socketOptions?.ca;
    return typeof ca === 'string' ? ca : undefined;
  }

  /** The master it follows now. */
  get masterUrl(): string {
    return this.options.masterUrl;
  }

  /** Recovers checkpointed tasks, then connects and registers; resolves once registered. */
  async start(): Promise<void> {
    const storedId = await this.options.store.get(AGENT_ID_KEY);
    if (typeof storedId === 'string') this.agentId = storedId;
    await this.updates.recover();
    await this.recoverTasks();
    this.updates.start();
    await this.connect();
  }

  /**
   * Disconnects from the master and stops watching tasks. Tasks keep running, as a
   * Mesos agent's do across an agent restart; the next start re-attaches to them.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    // Tasks still being fetched for fail now, checkpointed, rather than start unwatched.
    this.launching.abort(new Error('the agent stopped'));
    await Promise.allSettled([...this.launches]);
    this.updates.stop();
    for (const live of this.tasks.values()) {
      live.health?.stop();
      live.running?.detach?.();
    }
    this.socket?.disconnect();
    this.socket = undefined;
  }

  /**
   * Moves to another master, a newly elected leader: leaves the old one and registers
   * with the new one, reporting the tasks it runs, as a Mesos agent does on failover.
   */
  followMaster(masterUrl: string): void {
    if (this.stopped || masterUrl === this.options.masterUrl) return;
    this.options.masterUrl = masterUrl;
    // Not connected yet (still recovering its tasks): start() connects to this one.
    if (this.socket === undefined) return;
    this.socket.disconnect();
    this.socket = undefined;
    this.registered = false;
    void this.connect();
  }

  /** Kills every task this agent runs and waits for them to end (for a full shutdown). */
  async killAll(): Promise<void> {
    await Promise.all(
      [...this.tasks.values()].map((live) => live.running?.kill(0).catch(() => undefined)),
    );
  }

  /** The tasks this agent knows, in the master's Task shape. */
  reportedTasks(): Task[] {
    return [...this.tasks.values()].map((live) => this.toTask(live.checkpoint));
  }

  // ------------------------------------------------------------ connection

  private connect(): Promise<void> {
    return new Promise((resolve) => {
      const socket: Socket<MasterToAgentEvents, AgentToMasterEvents> = io(
        new URL(AGENT_NAMESPACE, this.options.masterUrl).toString(),
        {
          transports: ['websocket'],
          reconnection: true,
          reconnectionDelay: 500,
          reconnectionDelayMax: 5000,
          ...this.options.socketOptions,
        },
      );
      this.socket = socket;
      this.awaitingRegistration.push(resolve);
      socket.on('connect', () => {
        this.register().then(
          () => undefined,
          (err: unknown) => this.logger.error({ err }, 'registration failed'),
        );
      });
      socket.on('disconnect', (reason) => {
        this.registered = false;
        if (this.stopped || this.socket !== socket) return;
        this.logger.warn({ reason }, 'lost the master; reconnecting');
        // socket.io leaves reconnecting to the client when the server closed the socket,
        // as a master does when it stops; a Mesos agent keeps re-registering until its
        // master is back or refuses it.
        if (reason === 'io server disconnect') {
          clearTimeout(this.reconnectTimer);
          this.reconnectTimer = setTimeout(() => {
            if (!this.stopped && this.socket === socket) socket.connect();
          }, SERVER_DISCONNECT_RETRY_MS);
        }
      });
      socket.on('run_task', (message) => {
        const launch = this.runTask(message).finally(() => this.launches.delete(launch));
        this.launches.add(launch);
      });
      socket.on('run_task_group', (message) => {
        // Task groups need the default executor, which this agent does not provide yet.
        for (const task of message.task_group.tasks ?? []) {
          void this.refuseTask(
            message.framework_info,
            task,
            'TASK_FAILED',
            'REASON_TASK_GROUP_INVALID',
            'This agent cannot run task groups (no default executor)',
          );
        }
      });
      socket.on('kill_task', (message) => void this.killTask(message));
      socket.on('shutdown_framework', (message) => {
        for (const live of this.tasks.values()) {
          if (live.checkpoint.frameworkInfo.id?.value === message.framework_id.value) {
            void this.killTask({
              framework_id: message.framework_id,
              task_id: live.checkpoint.task.task_id,
            });
          }
        }
      });
      socket.on('status_update_acknowledgement', (ack) => void this.acknowledged(ack));
      socket.on('framework_message', () => {
        // Framework messages go to custom executors; command tasks have none to receive them.
      });
      const files = this.options.dependencies.files;
      if (files !== undefined) {
        const handlers = filesRequestHandlers(files);
        socket.on('files_browse', handlers.files_browse);
        socket.on('files_read', handlers.files_read);
        socket.on('files_stat', handlers.files_stat);
        socket.on('files_debug', handlers.files_debug);
      }
      socket.on('list_images', (reply) => {
        void imageAnswer(this.options.dependencies.images?.list()).then((answer) =>
          reply(answer.ok ? { ok: true, images: answer.value } : answer),
        );
      });
      socket.on('import_image', (request, reply) => {
        if (!importRequest.check(request)) {
          reply({
            ok: false,
            code: 'MESOLITE_ERR_INVALID_REQUEST',
            message:
              'The import request is malformed: it needs the path of a tarball on the master',
          });
          return;
        }
        const images = this.options.dependencies.images;
        void imageAnswer(
          images?.importFrom(
            new URL(request.path, this.options.masterUrl).toString(),
            request.authorization,
          ),
        ).then((answer) => reply(answer.ok ? { ok: true, loaded: answer.value } : answer));
      });
    });
  }

  private async register(): Promise<boolean> {
    const socket = this.socket;
    if (!socket) return false;
    const reply = await new Promise<RegisterAgentReply>((resolve) => {
      socket.emit(
        'register',
        {
          agent_info: {
            hostname: this.options.hostname,
            resources: this.options.resources,
            attributes: this.options.attributes,
          },
          version: AGENT_VERSION,
          ...(this.options.token !== undefined ? { token: this.options.token } : {}),
          ...(this.agentId ? { agent_id: { value: this.agentId } } : {}),
          tasks: this.reportedTasks(),
          frameworks: this.frameworks(),
        },
        resolve,
      );
    });
    if (!reply.ok && TRANSIENT_REFUSALS.has(reply.code)) {
      // A newly elected master still reading its registry, or one that has just stepped
      // down (the agent follows the next leader): ask again shortly.
      setTimeout(() => {
        if (this.socket !== socket || !socket.connected) return;
        this.register().catch((err: unknown) => this.logger.error({ err }, 'registration failed'));
      }, 250).unref();
      return false;
    }
    if (!reply.ok) {
      this.logger.error({ code: reply.code }, reply.message);
      this.options.onRefused?.(reply.message);
      return false;
    }
    if (reply.agent_id.value !== this.agentId) {
      this.agentId = reply.agent_id.value;
      await this.options.store.put(AGENT_ID_KEY, this.agentId);
    }
    this.registered = true;
    this.updates.resendAll();
    this.logger.info({ agentId: this.agentId }, 'registered with the master');
    for (const registered of this.awaitingRegistration.splice(0)) registered();
    return true;
  }

  private frameworks(): FrameworkInfo[] {
    const byId = new Map<string, FrameworkInfo>();
    for (const live of this.tasks.values()) {
      const info = live.checkpoint.frameworkInfo;
      if (info.id) byId.set(info.id.value, info);
    }
    return [...byId.values()];
  }

  private sendUpdate(update: AgentStatusUpdate): void {
    if (this.registered) this.socket?.emit('status_update', update);
  }

  // ------------------------------------------------------------ tasks

  private async runTask(message: RunTaskMessage): Promise<void> {
    const task = message.task;
    const frameworkId = message.framework_info.id?.value ?? '';
    const key = taskKey(frameworkId, task.task_id.value);
    if (this.tasks.has(key)) return;
    const agentId = this.agentId ?? '';
    const containerId = randomUUID();
    const executorId = task.task_id.value;
    const ids = { agentId, frameworkId, executorId, containerId };
    const deps = this.options.dependencies;

    let sandbox: string;
    try {
      sandbox = await deps.createSandbox(ids);
    } catch (err) {
      await this.refuseTask(
        message.framework_info,
        task,
        'TASK_FAILED',
        'REASON_CONTAINER_LAUNCH_FAILED',
        `Failed to create the sandbox: ${(err as Error).message}`,
      );
      return;
    }
    deps.attachSandbox(ids, sandbox);
    const live: LiveTask = {
      checkpoint: {
        frameworkInfo: message.framework_info,
        task,
        containerId,
        sandbox,
        state: 'TASK_STAGING',
        statuses: [],
      },
    };
    this.tasks.set(key, live);
    // The report checkpoints the task together with its update.
    await this.report(live, 'TASK_STARTING');

    const docker = task.container?.type === 'DOCKER';
    const containerizer = docker ? deps.containerizers.docker : deps.containerizers.process;
    try {
      const availability = await containerizer.available();
      if (!availability.ok) throw new Error(availability.message);
      if (this.masterCa !== undefined) await writeCaBundle(sandbox, this.masterCa);
      if (task.command?.uris?.length) {
        await deps.fetchUris(task.command.uris, sandbox, this.launching.signal);
      }
      // Started after stop, nothing would watch it: it fails, as a Mesos agent's recovery
      // fails a task whose container it had not launched.
      if (this.stopped) throw new Error('the agent stopped before the task could start');
    } catch (err) {
      await this.finish(live, {
        reason: 'REASON_CONTAINER_LAUNCH_FAILED',
        message: `Failed to launch container: ${(err as Error).message}`,
      });
      return;
    }
    if (live.killRequested) {
      await this.finish(
        live,
        { message: 'Task killed before it was launched' },
        'TASK_KILLED',
        'REASON_TASK_KILLED_DURING_LAUNCH',
      );
      return;
    }

    const sandboxInTask = docker ? '/mnt/mesos/sandbox' : sandbox;
    const environment = taskEnvironment({
      task,
      frameworkId,
      agentId,
      executorId,
      containerId,
      sandbox: sandboxInTask,
      hostname: this.options.hostname,
      // The runtime that runs this agent runs plugins' task programs too (MESOLITE_NODE);
      // inside a container it is not there.
      ...(docker ? {} : { node: process.execPath }),
      ...(this.masterCa === undefined ? {} : { caBundle: `${sandboxInTask}/${CA_BUNDLE_PATH}` }),
    });
    let running: RunningContainer;
    try {
      running = await containerizer.launch({
        containerId,
        frameworkId,
        executorId,
        taskId: task.task_id.value,
        sandbox,
        command: task.command ?? {},
        container: task.container,
        environment,
        limits: limitsOf(task.resources),
        hostPorts: taskPorts(task.resources),
      });
    } catch (err) {
      await this.finish(live, {
        reason: 'REASON_CONTAINER_LAUNCH_FAILED',
        message: `Failed to launch container: ${(err as Error).message}`,
      });
      return;
    }
    live.running = running;
    live.checkpoint.container = running.checkpoint();
    live.checkpoint.containerizer = docker ? 'docker' : 'process';
    await this.report(live, 'TASK_RUNNING', this.runningExtras(live));
    this.watch(live);
    if (live.killRequested) void this.killTask(live.killRequested);
  }

  private runningExtras(live: LiveTask): Partial<TaskStatus> {
    const pid = live.running?.pid;
    return {
      container_status: {
        container_id: { value: live.checkpoint.containerId },
        ...(pid !== undefined ? { executor_pid: pid } : {}),
        network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: '127.0.0.1' }] }],
      },
    };
  }

  /** Follows a running container: its end, and its health. */
  private watch(live: LiveTask): void {
    const running = live.running;
    if (!running) return;
    running.terminated.then(
      (termination) => void this.finish(live, termination),
      (err: unknown) =>
        void this.finish(live, { message: `Lost the container: ${(err as Error).message}` }),
    );
    const check = live.checkpoint.task.health_check;
    if (!check) return;
    live.health = this.options.dependencies.startHealthCheck({
      check,
      host: running.healthCheckHost,
      runCommand: (command, timeoutMs) =>
        running.runCheck
          ? running.runCheck(command, timeoutMs)
          : Promise.resolve({
              exitCode: null,
              output: 'COMMAND checks are not supported by this containerizer',
            }),
      onHealthChange: (healthy) => {
        if (live.finishing) return;
        live.healthy = healthy;
        void this.report(live, 'TASK_RUNNING', {
          ...this.runningExtras(live),
          healthy,
          reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED',
        });
      },
      onUnhealthy: (message) => {
        if (live.finishing) return;
        this.logger.info(
          { taskId: live.checkpoint.task.task_id.value, message },
          'killing an unhealthy task',
        );
        live.killedByHealthCheck = true;
        void this.killTask({
          framework_id: { value: live.checkpoint.frameworkInfo.id?.value ?? '' },
          task_id: live.checkpoint.task.task_id,
        });
      },
    });
  }

  private async killTask(message: KillTaskMessage): Promise<void> {
    const live = this.tasks.get(taskKey(message.framework_id.value, message.task_id.value));
    if (!live) {
      // Unknown here: tell the master so the framework stops waiting, as Mesos's agent does.
      return;
    }
    if (isTerminal(live.checkpoint.state) || live.killRequested) return;
    live.killRequested = message;
    if (!live.running) return;
    const capabilities = live.checkpoint.frameworkInfo.capabilities ?? [];
    if (capabilities.some((capability) => capability.type === 'TASK_KILLING_STATE')) {
      await this.report(live, 'TASK_KILLING');
    }
    const policy = message.kill_policy ?? live.checkpoint.task.kill_policy;
    const nanos = policy?.grace_period?.nanoseconds;
    const graceMs = nanos !== undefined ? Math.max(0, nanos / 1e6) : DEFAULT_KILL_GRACE_MS;
    await live.running.kill(graceMs).catch((err: unknown) => {
      this.logger.error({ err, taskId: message.task_id.value }, 'kill failed');
    });
  }

  /** The task ended: report its terminal state, stop watching it, schedule its sandbox's GC. */
  private async finish(
    live: LiveTask,
    termination: ContainerTermination,
    forcedState?: TaskState,
    forcedReason?: TaskReason,
  ): Promise<void> {
    if (live.finishing || this.stopped) return;
    live.finishing = true;
    live.health?.stop();
    let state: TaskState;
    if (forcedState) state = forcedState;
    else if (live.killRequested) state = 'TASK_KILLED';
    else if (termination.reason === 'REASON_CONTAINER_LIMITATION_MEMORY') state = 'TASK_FAILED';
    else if (termination.exitCode === 0) state = 'TASK_FINISHED';
    else state = 'TASK_FAILED';
    const reason: TaskReason | undefined =
      forcedReason ??
      (live.killedByHealthCheck ? 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED' : termination.reason);
    await this.report(live, state, {
      message: termination.message,
      ...(reason ? { reason } : {}),
      ...(live.killedByHealthCheck ? { healthy: false } : {}),
    });
    this.options.dependencies.scheduleSandboxGc(live.checkpoint.sandbox);
  }

  /** A task that never got a sandbox or a container: answered at once, not kept. */
  private async refuseTask(
    frameworkInfo: FrameworkInfo,
    task: TaskInfo,
    state: TaskState,
    reason: TaskReason,
    message: string,
  ): Promise<void> {
    const status: TaskStatus = {
      task_id: task.task_id,
      state,
      reason,
      message,
      source: 'SOURCE_AGENT',
      uuid: newUuid(),
      timestamp: Date.now() / 1000,
      ...(this.agentId ? { agent_id: { value: this.agentId } } : {}),
    };
    await this.updates.record({ framework_id: { value: frameworkInfo.id?.value ?? '' }, status });
  }

  /** Records a new state: checkpoint first, then the reliable update. */
  private async report(
    live: LiveTask,
    state: TaskState,
    extra: Partial<TaskStatus> = {},
  ): Promise<void> {
    const checkpoint = live.checkpoint;
    const status: TaskStatus = {
      task_id: checkpoint.task.task_id,
      state,
      source: 'SOURCE_EXECUTOR',
      uuid: newUuid(),
      timestamp: Date.now() / 1000,
      executor_id: { value: checkpoint.task.task_id.value },
      ...(this.agentId ? { agent_id: { value: this.agentId } } : {}),
      ...(live.healthy !== undefined && extra.healthy === undefined && !isTerminal(state)
        ? { healthy: live.healthy }
        : {}),
      ...extra,
    };
    checkpoint.state = state;
    checkpoint.statuses.push(status);
    if (checkpoint.statuses.length > 10)
      checkpoint.statuses.splice(0, checkpoint.statuses.length - 10);
    try {
      // Issued together, the checkpoint and the update land in one group-committed batch;
      // the update is sent only once that batch is durable.
      await Promise.all([
        this.saveCheckpoint(live),
        this.updates.record({
          framework_id: { value: checkpoint.frameworkInfo.id?.value ?? '' },
          status,
        }),
      ]);
    } catch (err) {
      // Stopping closes the store under in-flight reports; recovery finds the state again.
      if (!this.stopped) throw err;
    }
  }

  private async acknowledged(ack: {
    framework_id: { value: string };
    task_id: { value: string };
    uuid: string;
  }): Promise<void> {
    if (this.stopped) return;
    const update = await this.updates.acknowledge(ack);
    if (!update || !isTerminal(update.status.state)) return;
    const key = taskKey(ack.framework_id.value, ack.task_id.value);
    const live = this.tasks.get(key);
    if (live && isTerminal(live.checkpoint.state)) {
      this.tasks.delete(key);
      await this.persist(() => this.options.store.del(key));
    }
  }

  private async saveCheckpoint(live: LiveTask): Promise<void> {
    const key = taskKey(
      live.checkpoint.frameworkInfo.id?.value ?? '',
      live.checkpoint.task.task_id.value,
    );
    await this.persist(() => this.options.store.put(key, live.checkpoint as unknown as JsonValue));
  }

  /** A store write; once the agent is stopping, its store may already be closed. */
  private async persist(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (!this.stopped) throw err;
    }
  }

  private toTask(checkpoint: TaskCheckpoint): Task {
    const info = checkpoint.task;
    return {
      name: info.name,
      task_id: info.task_id,
      framework_id: { value: checkpoint.frameworkInfo.id?.value ?? '' },
      executor_id: { value: info.task_id.value },
      agent_id: { value: this.agentId ?? info.agent_id.value },
      state: checkpoint.state,
      resources: info.resources ?? [],
      statuses: checkpoint.statuses,
      ...(info.labels ? { labels: info.labels } : {}),
      ...(info.discovery ? { discovery: info.discovery } : {}),
      ...(info.container ? { container: info.container } : {}),
      ...(info.health_check ? { health_check: info.health_check } : {}),
      ...(info.kill_policy ? { kill_policy: info.kill_policy } : {}),
    };
  }

  // ------------------------------------------------------------ recovery

  private async recoverTasks(): Promise<void> {
    const deps = this.options.dependencies;
    for await (const [key, value] of this.options.store.entries(TASKS)) {
      const checkpoint = value as unknown as TaskCheckpoint;
      const live: LiveTask = { checkpoint };
      this.tasks.set(key, live);
      const ids = {
        agentId: this.agentId ?? '',
        frameworkId: checkpoint.frameworkInfo.id?.value ?? '',
        executorId: checkpoint.task.task_id.value,
        containerId: checkpoint.containerId,
      };
      deps.attachSandbox(ids, checkpoint.sandbox);
      if (isTerminal(checkpoint.state)) {
        live.finishing = true;
        continue;
      }
      if (!checkpoint.container || !checkpoint.containerizer) {
        await this.finish(
          live,
          { message: 'The agent restarted before the task was launched' },
          'TASK_FAILED',
          'REASON_AGENT_RESTARTED',
        );
        continue;
      }
      const containerizer = deps.containerizers[checkpoint.containerizer];
      try {
        const recovered = await containerizer.recover(checkpoint.container);
        if ('terminated' in recovered) {
          live.running = recovered;
          this.watch(live);
          this.logger.info(
            { taskId: checkpoint.task.task_id.value, pid: recovered.pid },
            're-attached to a running task',
          );
        } else {
          await this.finish(live, recovered);
        }
      } catch (err) {
        await this.finish(live, {
          reason: 'REASON_EXECUTOR_TERMINATED',
          message: `Could not recover the container: ${(err as Error).message}`,
        });
      }
    }
  }
}

/** The cpus and mem a task asked for, as the limits its containerizer enforces. */
function limitsOf(resources: readonly Resource[] | undefined): { cpus?: number; memMb?: number } {
  const limits: { cpus?: number; memMb?: number } = {};
  for (const resource of resources ?? []) {
    if (resource.type !== 'SCALAR' || !resource.scalar) continue;
    if (resource.name === 'cpus') limits.cpus = (limits.cpus ?? 0) + resource.scalar.value;
    if (resource.name === 'mem') limits.memMb = (limits.memMb ?? 0) + resource.scalar.value;
  }
  return limits;
}
