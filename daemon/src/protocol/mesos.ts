/**
 * Mesos v1 messages in their JSON form (the proto2 JSON mapping Mesos speaks on its
 * HTTP APIs: snake_case field names, enums by name, bytes in base64). Only the
 * messages and fields mesolite uses are declared; unknown fields are tolerated on
 * input, as Mesos's own JSON parser tolerates them. Types are derived from these
 * schemas, never written twice.
 */
import { type Static, type TSchema, Type } from 'typebox';

const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);
const Id = Type.Object({ value: Type.String({ minLength: 1 }) });

export const FrameworkID = Id;
export const AgentID = Id;
export const TaskID = Id;
export const OfferID = Id;
export const ExecutorID = Id;
export const ContainerID = Type.Object({ value: Type.String({ minLength: 1 }) });
export type FrameworkID = Static<typeof FrameworkID>;
export type AgentID = Static<typeof AgentID>;
export type TaskID = Static<typeof TaskID>;
export type OfferID = Static<typeof OfferID>;
export type ExecutorID = Static<typeof ExecutorID>;

export const Label = Type.Object({ key: Type.String(), value: Opt(Type.String()) });
export const Labels = Type.Object({ labels: Opt(Type.Array(Label)) });
export type Labels = Static<typeof Labels>;

export const Parameter = Type.Object({ key: Type.String(), value: Type.String() });
export const DurationInfo = Type.Object({ nanoseconds: Type.Number() });
export const TimeInfo = Type.Object({ nanoseconds: Type.Number() });
export type TimeInfo = Static<typeof TimeInfo>;

export const ValueType = Type.Enum(['SCALAR', 'RANGES', 'SET', 'TEXT']);
export const Scalar = Type.Object({ value: Type.Number() });
export const Range = Type.Object({
  begin: Type.Integer({ minimum: 0 }),
  end: Type.Integer({ minimum: 0 }),
});
export const Ranges = Type.Object({ range: Opt(Type.Array(Range)) });
export const ValueSet = Type.Object({ item: Opt(Type.Array(Type.String())) });
export const Text = Type.Object({ value: Type.String() });

export const ReservationInfo = Type.Object({
  type: Opt(Type.Enum(['UNKNOWN', 'STATIC', 'DYNAMIC'])),
  role: Opt(Type.String()),
  principal: Opt(Type.String()),
  labels: Opt(Labels),
});

export const Resource = Type.Object({
  name: Type.String({ minLength: 1 }),
  type: Type.Enum(['SCALAR', 'RANGES', 'SET']),
  scalar: Opt(Scalar),
  ranges: Opt(Ranges),
  set: Opt(ValueSet),
  role: Opt(Type.String()),
  allocation_info: Opt(Type.Object({ role: Opt(Type.String()) })),
  reservations: Opt(Type.Array(ReservationInfo)),
});
export type Resource = Static<typeof Resource>;

export const Attribute = Type.Object({
  name: Type.String({ minLength: 1 }),
  type: ValueType,
  scalar: Opt(Scalar),
  ranges: Opt(Ranges),
  set: Opt(ValueSet),
  text: Opt(Text),
});
export type Attribute = Static<typeof Attribute>;

export const Address = Type.Object({
  hostname: Opt(Type.String()),
  ip: Opt(Type.String()),
  port: Type.Integer(),
});

export const MasterInfo = Type.Object({
  id: Type.String(),
  ip: Type.Integer(),
  port: Type.Integer(),
  pid: Opt(Type.String()),
  hostname: Opt(Type.String()),
  version: Opt(Type.String()),
  address: Opt(Address),
  capabilities: Opt(Type.Array(Type.Object({ type: Opt(Type.String()) }))),
});
export type MasterInfo = Static<typeof MasterInfo>;

export const AgentInfo = Type.Object({
  hostname: Type.String({ minLength: 1 }),
  port: Opt(Type.Integer()),
  resources: Opt(Type.Array(Resource)),
  attributes: Opt(Type.Array(Attribute)),
  id: Opt(AgentID),
});
export type AgentInfo = Static<typeof AgentInfo>;

export const FrameworkCapability = Type.Object({
  type: Opt(
    Type.Enum([
      'UNKNOWN',
      'REVOCABLE_RESOURCES',
      'TASK_KILLING_STATE',
      'GPU_RESOURCES',
      'SHARED_RESOURCES',
      'PARTITION_AWARE',
      'MULTI_ROLE',
      'RESERVATION_REFINEMENT',
      'REGION_AWARE',
    ]),
  ),
});

export const FrameworkInfo = Type.Object({
  user: Type.String(),
  name: Type.String(),
  id: Opt(FrameworkID),
  failover_timeout: Opt(Type.Number({ minimum: 0 })),
  checkpoint: Opt(Type.Boolean()),
  role: Opt(Type.String()),
  roles: Opt(Type.Array(Type.String())),
  hostname: Opt(Type.String()),
  principal: Opt(Type.String()),
  webui_url: Opt(Type.String()),
  capabilities: Opt(Type.Array(FrameworkCapability)),
  labels: Opt(Labels),
});
export type FrameworkInfo = Static<typeof FrameworkInfo>;

export const Filters = Type.Object({ refuse_seconds: Opt(Type.Number({ minimum: 0 })) });
export type Filters = Static<typeof Filters>;

export const EnvironmentVariable = Type.Object({
  name: Type.String({ minLength: 1 }),
  type: Opt(Type.Enum(['UNKNOWN', 'VALUE', 'SECRET'])),
  value: Opt(Type.String()),
});
export const Environment = Type.Object({ variables: Opt(Type.Array(EnvironmentVariable)) });
export type Environment = Static<typeof Environment>;

export const CommandURI = Type.Object({
  value: Type.String({ minLength: 1 }),
  executable: Opt(Type.Boolean()),
  extract: Opt(Type.Boolean()),
  cache: Opt(Type.Boolean()),
  output_file: Opt(Type.String()),
});

export type CommandURI = Static<typeof CommandURI>;

export const CommandInfo = Type.Object({
  uris: Opt(Type.Array(CommandURI)),
  environment: Opt(Environment),
  shell: Opt(Type.Boolean()),
  value: Opt(Type.String()),
  arguments: Opt(Type.Array(Type.String())),
  user: Opt(Type.String()),
});
export type CommandInfo = Static<typeof CommandInfo>;

export const Volume = Type.Object({
  mode: Type.Enum(['RW', 'RO']),
  container_path: Type.String({ minLength: 1 }),
  host_path: Opt(Type.String()),
});

export const PortMapping = Type.Object({
  host_port: Type.Integer({ minimum: 0, maximum: 65535 }),
  container_port: Type.Integer({ minimum: 0, maximum: 65535 }),
  protocol: Opt(Type.String()),
});

export type Volume = Static<typeof Volume>;
export type PortMapping = Static<typeof PortMapping>;

export const DockerInfo = Type.Object({
  image: Type.String({ minLength: 1 }),
  network: Opt(Type.Enum(['HOST', 'BRIDGE', 'NONE', 'USER'])),
  port_mappings: Opt(Type.Array(PortMapping)),
  privileged: Opt(Type.Boolean()),
  parameters: Opt(Type.Array(Parameter)),
  force_pull_image: Opt(Type.Boolean()),
});

export const NetworkInfo = Type.Object({
  ip_addresses: Opt(
    Type.Array(
      Type.Object({
        protocol: Opt(Type.Enum(['IPv4', 'IPv6'])),
        ip_address: Opt(Type.String()),
      }),
    ),
  ),
  name: Opt(Type.String()),
  port_mappings: Opt(Type.Array(PortMapping)),
});

export const ContainerInfo = Type.Object({
  type: Type.Enum(['DOCKER', 'MESOS']),
  volumes: Opt(Type.Array(Volume)),
  hostname: Opt(Type.String()),
  docker: Opt(DockerInfo),
  mesos: Opt(Type.Object({})),
  network_infos: Opt(Type.Array(NetworkInfo)),
});
export type ContainerInfo = Static<typeof ContainerInfo>;

export const HealthCheck = Type.Object({
  type: Opt(Type.Enum(['UNKNOWN', 'COMMAND', 'HTTP', 'TCP'])),
  delay_seconds: Opt(Type.Number({ minimum: 0 })),
  interval_seconds: Opt(Type.Number({ minimum: 0 })),
  timeout_seconds: Opt(Type.Number({ minimum: 0 })),
  consecutive_failures: Opt(Type.Integer({ minimum: 0 })),
  grace_period_seconds: Opt(Type.Number({ minimum: 0 })),
  command: Opt(CommandInfo),
  http: Opt(
    Type.Object({
      protocol: Opt(Type.Enum(['IPv4', 'IPv6'])),
      scheme: Opt(Type.String()),
      port: Type.Integer({ minimum: 0, maximum: 65535 }),
      path: Opt(Type.String()),
      statuses: Opt(Type.Array(Type.Integer())),
    }),
  ),
  tcp: Opt(
    Type.Object({
      protocol: Opt(Type.Enum(['IPv4', 'IPv6'])),
      port: Type.Integer({ minimum: 0, maximum: 65535 }),
    }),
  ),
});
export type HealthCheck = Static<typeof HealthCheck>;

export const KillPolicy = Type.Object({ grace_period: Opt(DurationInfo) });
export type KillPolicy = Static<typeof KillPolicy>;

export const DiscoveryInfo = Type.Object({
  visibility: Type.Enum(['FRAMEWORK', 'CLUSTER', 'EXTERNAL']),
  name: Opt(Type.String()),
  ports: Opt(
    Type.Object({
      ports: Opt(
        Type.Array(
          Type.Object({
            number: Type.Integer(),
            name: Opt(Type.String()),
            protocol: Opt(Type.String()),
          }),
        ),
      ),
    }),
  ),
  labels: Opt(Labels),
});
export type DiscoveryInfo = Static<typeof DiscoveryInfo>;

export const ExecutorInfo = Type.Object({
  type: Opt(Type.Enum(['UNKNOWN', 'DEFAULT', 'CUSTOM'])),
  executor_id: ExecutorID,
  framework_id: Opt(FrameworkID),
  command: Opt(CommandInfo),
  container: Opt(ContainerInfo),
  resources: Opt(Type.Array(Resource)),
  name: Opt(Type.String()),
  labels: Opt(Labels),
});
export type ExecutorInfo = Static<typeof ExecutorInfo>;

export const TaskInfo = Type.Object({
  name: Type.String(),
  task_id: TaskID,
  agent_id: AgentID,
  resources: Opt(Type.Array(Resource)),
  executor: Opt(ExecutorInfo),
  command: Opt(CommandInfo),
  container: Opt(ContainerInfo),
  health_check: Opt(HealthCheck),
  kill_policy: Opt(KillPolicy),
  data: Opt(Type.String()),
  labels: Opt(Labels),
  discovery: Opt(DiscoveryInfo),
  max_completion_time: Opt(DurationInfo),
});
export type TaskInfo = Static<typeof TaskInfo>;

export const TaskGroupInfo = Type.Object({ tasks: Opt(Type.Array(TaskInfo)) });

export const TASK_STATES = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_UNREACHABLE',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
] as const;
export const TaskState = Type.Enum([...TASK_STATES]);
export type TaskState = (typeof TASK_STATES)[number];

export const TASK_REASONS = [
  'REASON_COMMAND_EXECUTOR_FAILED',
  'REASON_CONTAINER_LAUNCH_FAILED',
  'REASON_CONTAINER_LIMITATION',
  'REASON_CONTAINER_LIMITATION_DISK',
  'REASON_CONTAINER_LIMITATION_MEMORY',
  'REASON_CONTAINER_PREEMPTED',
  'REASON_CONTAINER_UPDATE_FAILED',
  'REASON_MAX_COMPLETION_TIME_REACHED',
  'REASON_EXECUTOR_REGISTRATION_TIMEOUT',
  'REASON_EXECUTOR_REREGISTRATION_TIMEOUT',
  'REASON_EXECUTOR_TERMINATED',
  'REASON_EXECUTOR_UNREGISTERED',
  'REASON_FRAMEWORK_REMOVED',
  'REASON_GC_ERROR',
  'REASON_INVALID_FRAMEWORKID',
  'REASON_INVALID_OFFERS',
  'REASON_IO_SWITCHBOARD_EXITED',
  'REASON_MASTER_DISCONNECTED',
  'REASON_RECONCILIATION',
  'REASON_RESOURCES_UNKNOWN',
  'REASON_AGENT_DISCONNECTED',
  'REASON_AGENT_DRAINING',
  'REASON_AGENT_REMOVED',
  'REASON_AGENT_REMOVED_BY_OPERATOR',
  'REASON_AGENT_REREGISTERED',
  'REASON_AGENT_RESTARTED',
  'REASON_AGENT_UNKNOWN',
  'REASON_TASK_KILLED_DURING_LAUNCH',
  'REASON_TASK_CHECK_STATUS_UPDATED',
  'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED',
  'REASON_TASK_GROUP_INVALID',
  'REASON_TASK_GROUP_UNAUTHORIZED',
  'REASON_TASK_INVALID',
  'REASON_TASK_UNAUTHORIZED',
  'REASON_TASK_UNKNOWN',
] as const;
export type TaskReason = (typeof TASK_REASONS)[number];

export const TaskStatus = Type.Object({
  task_id: TaskID,
  state: TaskState,
  message: Opt(Type.String()),
  source: Opt(Type.Enum(['SOURCE_MASTER', 'SOURCE_AGENT', 'SOURCE_EXECUTOR'])),
  reason: Opt(Type.Enum([...TASK_REASONS])),
  data: Opt(Type.String()),
  agent_id: Opt(AgentID),
  executor_id: Opt(ExecutorID),
  timestamp: Opt(Type.Number()),
  uuid: Opt(Type.String()),
  healthy: Opt(Type.Boolean()),
  labels: Opt(Labels),
  container_status: Opt(
    Type.Object({
      container_id: Opt(ContainerID),
      network_infos: Opt(Type.Array(NetworkInfo)),
      executor_pid: Opt(Type.Integer()),
    }),
  ),
  unreachable_time: Opt(TimeInfo),
});
export type TaskStatus = Static<typeof TaskStatus>;

export const OfferOperation = Type.Object({
  type: Type.Enum([
    'UNKNOWN',
    'LAUNCH',
    'LAUNCH_GROUP',
    'RESERVE',
    'UNRESERVE',
    'CREATE',
    'DESTROY',
    'GROW_VOLUME',
    'SHRINK_VOLUME',
    'CREATE_DISK',
    'DESTROY_DISK',
  ]),
  launch: Opt(Type.Object({ task_infos: Opt(Type.Array(TaskInfo)) })),
  launch_group: Opt(Type.Object({ executor: ExecutorInfo, task_group: TaskGroupInfo })),
});
export type OfferOperation = Static<typeof OfferOperation>;

export const Offer = Type.Object({
  id: OfferID,
  framework_id: FrameworkID,
  agent_id: AgentID,
  hostname: Type.String(),
  url: Opt(
    Type.Object({
      scheme: Type.String(),
      address: Address,
      path: Opt(Type.String()),
    }),
  ),
  resources: Type.Array(Resource),
  attributes: Opt(Type.Array(Attribute)),
  executor_ids: Opt(Type.Array(ExecutorID)),
  allocation_info: Opt(Type.Object({ role: Opt(Type.String()) })),
});
export type Offer = Static<typeof Offer>;

export const Task = Type.Object({
  name: Type.String(),
  task_id: TaskID,
  framework_id: FrameworkID,
  executor_id: Opt(ExecutorID),
  agent_id: AgentID,
  state: TaskState,
  resources: Type.Array(Resource),
  statuses: Type.Array(TaskStatus),
  status_update_state: Opt(TaskState),
  status_update_uuid: Opt(Type.String()),
  labels: Opt(Labels),
  discovery: Opt(DiscoveryInfo),
  container: Opt(ContainerInfo),
  health_check: Opt(HealthCheck),
  kill_policy: Opt(KillPolicy),
  user: Opt(Type.String()),
});
export type Task = Static<typeof Task>;

export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

export function isTerminal(state: TaskState): boolean {
  return TERMINAL_STATES.has(state);
}
