/** The v1 operator API of the master: `mesos.v1.master.Call`, `Response`, `Event`. */
import { type Static, Type } from 'typebox';
import {
  AgentID,
  AgentInfo,
  ExecutorInfo,
  FrameworkID,
  FrameworkInfo,
  type MasterInfo,
  Offer,
  Resource,
  Task,
  TaskState,
  TaskStatus,
  TimeInfo,
} from './mesos.js';

const Opt = Type.Optional;

export const OPERATOR_CALL_TYPES = [
  'UNKNOWN',
  'GET_HEALTH',
  'GET_FLAGS',
  'GET_VERSION',
  'GET_METRICS',
  'GET_LOGGING_LEVEL',
  'SET_LOGGING_LEVEL',
  'LIST_FILES',
  'READ_FILE',
  'GET_STATE',
  'GET_AGENTS',
  'GET_FRAMEWORKS',
  'GET_EXECUTORS',
  'GET_OPERATIONS',
  'GET_TASKS',
  'GET_ROLES',
  'GET_WEIGHTS',
  'UPDATE_WEIGHTS',
  'GET_MASTER',
  'SUBSCRIBE',
  'RESERVE_RESOURCES',
  'UNRESERVE_RESOURCES',
  'CREATE_VOLUMES',
  'DESTROY_VOLUMES',
  'GROW_VOLUME',
  'SHRINK_VOLUME',
  'GET_MAINTENANCE_STATUS',
  'GET_MAINTENANCE_SCHEDULE',
  'UPDATE_MAINTENANCE_SCHEDULE',
  'START_MAINTENANCE',
  'STOP_MAINTENANCE',
  'DRAIN_AGENT',
  'DEACTIVATE_AGENT',
  'REACTIVATE_AGENT',
  'GET_QUOTA',
  'UPDATE_QUOTA',
  'SET_QUOTA',
  'REMOVE_QUOTA',
  'TEARDOWN',
  'MARK_AGENT_GONE',
] as const;

export const OperatorCall = Type.Object({
  type: Type.Enum([...OPERATOR_CALL_TYPES]),
  teardown: Opt(Type.Object({ framework_id: FrameworkID })),
  mark_agent_gone: Opt(Type.Object({ agent_id: AgentID })),
  get_metrics: Opt(Type.Object({})),
  update_weights: Opt(
    Type.Object({
      weight_infos: Type.Array(
        Type.Object({
          weight: Type.Number({ exclusiveMinimum: 0 }),
          role: Type.String({ minLength: 1 }),
        }),
      ),
    }),
  ),
});
export type OperatorCall = Static<typeof OperatorCall>;

export const AgentEntry = Type.Object({
  agent_info: AgentInfo,
  active: Type.Boolean(),
  deactivated: Opt(Type.Boolean()),
  version: Type.String(),
  pid: Opt(Type.String()),
  registered_time: Opt(TimeInfo),
  reregistered_time: Opt(TimeInfo),
  total_resources: Type.Array(Resource),
  allocated_resources: Type.Array(Resource),
  offered_resources: Type.Array(Resource),
  capabilities: Opt(Type.Array(Type.Object({ type: Opt(Type.String()) }))),
});
export type AgentEntry = Static<typeof AgentEntry>;

export const GetAgents = Type.Object({
  agents: Type.Array(AgentEntry),
  recovered_agents: Type.Array(AgentInfo),
});
export type GetAgents = Static<typeof GetAgents>;

export const FrameworkEntry = Type.Object({
  framework_info: FrameworkInfo,
  active: Type.Boolean(),
  connected: Type.Boolean(),
  recovered: Type.Boolean(),
  registered_time: Opt(TimeInfo),
  reregistered_time: Opt(TimeInfo),
  unregistered_time: Opt(TimeInfo),
  offers: Type.Array(Offer),
  allocated_resources: Type.Array(Resource),
  offered_resources: Type.Array(Resource),
});
export type FrameworkEntry = Static<typeof FrameworkEntry>;

export const GetFrameworks = Type.Object({
  frameworks: Type.Array(FrameworkEntry),
  completed_frameworks: Type.Array(FrameworkEntry),
});
export type GetFrameworks = Static<typeof GetFrameworks>;

export const GetTasks = Type.Object({
  tasks: Type.Array(Task),
  unreachable_tasks: Type.Array(Task),
  completed_tasks: Type.Array(Task),
});
export type GetTasks = Static<typeof GetTasks>;

export const GetExecutors = Type.Object({
  executors: Type.Array(Type.Object({ executor_info: ExecutorInfo, agent_id: AgentID })),
});
export type GetExecutors = Static<typeof GetExecutors>;

export const GetState = Type.Object({
  get_tasks: GetTasks,
  get_executors: GetExecutors,
  get_frameworks: GetFrameworks,
  get_agents: GetAgents,
});
export type GetState = Static<typeof GetState>;

export interface OperatorResponse {
  type: string;
  get_health?: { healthy: boolean };
  get_flags?: { flags: Array<{ name: string; value?: string }> };
  get_version?: { version_info: { version: string; build_date?: string; git_sha?: string } };
  get_metrics?: { metrics: Array<{ name: string; value: number }> };
  get_state?: GetState;
  get_agents?: GetAgents;
  get_frameworks?: GetFrameworks;
  get_executors?: GetExecutors;
  get_tasks?: GetTasks;
  get_master?: { master_info: MasterInfo; start_time: number; elected_time?: number };
  get_weights?: { weight_infos: Array<{ weight: number; role: string }> };
  get_roles?: {
    roles: Array<{
      name: string;
      weight: number;
      frameworks: Array<{ value: string }>;
      resources: Resource[];
    }>;
  };
}

export const OperatorEvent = Type.Object({
  type: Type.Enum([
    'UNKNOWN',
    'SUBSCRIBED',
    'TASK_ADDED',
    'TASK_UPDATED',
    'AGENT_ADDED',
    'AGENT_REMOVED',
    'FRAMEWORK_ADDED',
    'FRAMEWORK_UPDATED',
    'FRAMEWORK_REMOVED',
    'HEARTBEAT',
  ]),
  subscribed: Opt(
    Type.Object({ get_state: GetState, heartbeat_interval_seconds: Opt(Type.Number()) }),
  ),
  task_added: Opt(Type.Object({ task: Task })),
  task_updated: Opt(
    Type.Object({ framework_id: FrameworkID, status: TaskStatus, state: TaskState }),
  ),
  agent_added: Opt(Type.Object({ agent: AgentEntry })),
  agent_removed: Opt(Type.Object({ agent_id: AgentID })),
  framework_added: Opt(Type.Object({ framework: FrameworkEntry })),
  framework_updated: Opt(Type.Object({ framework: FrameworkEntry })),
  framework_removed: Opt(Type.Object({ framework_info: FrameworkInfo })),
});
export type OperatorEvent = Static<typeof OperatorEvent>;
