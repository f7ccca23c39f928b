/**
 * The agent channel: the socket.io namespace `/agents` between the master and its
 * agents. Both ends compile against these event maps. Payloads reuse the Mesos v1
 * messages; the envelope is mesolite's own, since Mesos's agent↔master protocol is
 * libprocess-internal and not a public API.
 */
import { type Static, Type } from 'typebox';
import {
  AgentInfo,
  type ExecutorInfo,
  FrameworkInfo,
  type KillPolicy,
  type MasterInfo,
  Task,
  type TaskGroupInfo,
  type TaskInfo,
  TaskStatus,
} from './mesos.js';

export const AGENT_NAMESPACE = '/agents';

export const RegisterAgentRequest = Type.Object({
  agent_info: AgentInfo,
  version: Type.String(),
  /** The join token; optional on loopback, where no secret is required. */
  token: Type.Optional(Type.String()),
  /** Present when re-registering: the id this agent was given before. */
  agent_id: Type.Optional(Type.Object({ value: Type.String({ minLength: 1 }) })),
  /** Every task the agent runs or holds unacknowledged updates for. */
  tasks: Type.Optional(Type.Array(Task)),
  frameworks: Type.Optional(Type.Array(FrameworkInfo)),
});
export type RegisterAgentRequest = Static<typeof RegisterAgentRequest>;

export type RegisterAgentReply =
  | { ok: true; agent_id: { value: string }; master_info: Static<typeof MasterInfo> }
  | { ok: false; code: string; message: string };

export const AgentStatusUpdate = Type.Object({
  framework_id: Type.Object({ value: Type.String({ minLength: 1 }) }),
  status: TaskStatus,
});
export type AgentStatusUpdate = Static<typeof AgentStatusUpdate>;

export interface RunTaskMessage {
  framework_info: Static<typeof FrameworkInfo>;
  task: Static<typeof TaskInfo>;
}

export interface RunTaskGroupMessage {
  framework_info: Static<typeof FrameworkInfo>;
  executor: Static<typeof ExecutorInfo>;
  task_group: Static<typeof TaskGroupInfo>;
}

export interface KillTaskMessage {
  framework_id: { value: string };
  task_id: { value: string };
  kill_policy?: Static<typeof KillPolicy>;
}

export interface StatusUpdateAcknowledgement {
  framework_id: { value: string };
  task_id: { value: string };
  uuid: string;
}

export interface FrameworkMessage {
  framework_id: { value: string };
  executor_id: { value: string };
  data: string;
}

export interface AgentToMasterEvents {
  register: (request: RegisterAgentRequest, reply: (answer: RegisterAgentReply) => void) => void;
  status_update: (update: AgentStatusUpdate) => void;
}

export interface MasterToAgentEvents {
  run_task: (message: RunTaskMessage) => void;
  run_task_group: (message: RunTaskGroupMessage) => void;
  kill_task: (message: KillTaskMessage) => void;
  shutdown_framework: (message: { framework_id: { value: string } }) => void;
  status_update_acknowledgement: (ack: StatusUpdateAcknowledgement) => void;
  framework_message: (message: FrameworkMessage) => void;
}
