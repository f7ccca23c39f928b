/**
 * A protocol-level agent for testing the master's side of the agent channel before
 * (and independently of) the real agent: it registers over socket.io, answers
 * run_task with TASK_STARTING and TASK_RUNNING, kill_task with TASK_KILLED, and lets
 * a test end tasks, drop the connection and re-register. It runs no processes.
 */
import { randomBytes } from 'node:crypto';
import type {
  AgentToMasterEvents,
  MasterToAgentEvents,
  RegisterAgentReply,
  RunTaskMessage,
} from '@mesolite/daemon/protocol/agent-channel';
import type { Resource, Task, TaskState, TaskStatus } from '@mesolite/daemon/protocol/mesos';
import { io, type Socket } from 'socket.io-client';

type AgentSocket = Socket<MasterToAgentEvents, AgentToMasterEvents>;

export const DEFAULT_AGENT_RESOURCES: Resource[] = [
  { name: 'cpus', type: 'SCALAR', scalar: { value: 4 } },
  { name: 'mem', type: 'SCALAR', scalar: { value: 4096 } },
  { name: 'disk', type: 'SCALAR', scalar: { value: 10000 } },
  { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
];

export interface ProtocolAgentOptions {
  hostname?: string;
  resources?: Resource[];
  token?: string;
}

export class ProtocolAgent {
  agentId: string | undefined;
  readonly tasks = new Map<string, Task>();
  readonly unacknowledged = new Map<
    string,
    { framework_id: { value: string }; status: TaskStatus }
  >();
  readonly killed: string[] = [];
  readonly shutdownFrameworks: string[] = [];
  readonly frameworkMessages: Array<{ executor_id: string; data: string }> = [];
  private socket: AgentSocket | undefined;

  constructor(
    private readonly masterUrl: string,
    private readonly options: ProtocolAgentOptions = {},
  ) {}

  /** Connects and registers (or re-registers, reporting its tasks); resolves with the reply. */
  async connect(): Promise<RegisterAgentReply> {
    const socket: AgentSocket = io(`${this.masterUrl}/agents`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    this.socket = socket;
    socket.on('run_task', (message) => this.run(message));
    socket.on('kill_task', (message) => {
      this.killed.push(message.task_id.value);
      this.report(message.task_id.value, 'TASK_KILLED');
    });
    socket.on('shutdown_framework', (message) =>
      this.shutdownFrameworks.push(message.framework_id.value),
    );
    socket.on('framework_message', (message) =>
      this.frameworkMessages.push({ executor_id: message.executor_id.value, data: message.data }),
    );
    socket.on('status_update_acknowledgement', (ack) => this.unacknowledged.delete(ack.uuid));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const reply = await new Promise<RegisterAgentReply>((resolve) => {
      socket.emit(
        'register',
        {
          agent_info: {
            hostname: this.options.hostname ?? 'agent.test',
            resources: this.options.resources ?? DEFAULT_AGENT_RESOURCES,
            attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'a' } }],
          },
          version: 'test',
          ...(this.options.token !== undefined ? { token: this.options.token } : {}),
          ...(this.agentId ? { agent_id: { value: this.agentId } } : {}),
          tasks: [...this.tasks.values()],
        },
        resolve,
      );
    });
    if (reply.ok) {
      this.agentId = reply.agent_id.value;
      for (const update of this.unacknowledged.values()) socket.emit('status_update', update);
    }
    return reply;
  }

  /** Drops the connection as a crash or a network partition would. */
  disconnect(): void {
    this.socket?.disconnect();
    this.socket = undefined;
  }

  /** Reports a new state of a task, with a fresh uuid, and keeps it until acknowledged. */
  report(taskId: string, state: TaskState, extra: Partial<TaskStatus> = {}): string {
    const task = this.tasks.get(taskId);
    if (!task) throw new Error(`protocol agent has no task ${taskId}`);
    task.state = state;
    const uuid = randomBytes(16).toString('base64');
    const status: TaskStatus = {
      task_id: { value: taskId },
      state,
      source: 'SOURCE_EXECUTOR',
      uuid,
      timestamp: Date.now() / 1000,
      ...(this.agentId ? { agent_id: { value: this.agentId } } : {}),
      ...extra,
    };
    task.statuses.push(status);
    const update = { framework_id: task.framework_id, status };
    this.unacknowledged.set(uuid, update);
    this.socket?.emit('status_update', update);
    return uuid;
  }

  /** Sends an unacknowledged update again, as the agent's retry timer does. */
  resend(uuid: string): void {
    const update = this.unacknowledged.get(uuid);
    if (!update) throw new Error(`protocol agent has no unacknowledged update ${uuid}`);
    this.socket?.emit('status_update', update);
  }

  private run(message: RunTaskMessage): void {
    const info = message.task;
    const frameworkId = message.framework_info.id?.value ?? '';
    this.tasks.set(info.task_id.value, {
      name: info.name,
      task_id: info.task_id,
      framework_id: { value: frameworkId },
      agent_id: info.agent_id,
      state: 'TASK_STAGING',
      resources: info.resources ?? [],
      statuses: [],
    });
    this.report(info.task_id.value, 'TASK_STARTING');
    this.report(info.task_id.value, 'TASK_RUNNING');
  }
}
