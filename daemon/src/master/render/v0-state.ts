/**
 * The master's v0 JSON endpoints, `/master/state` (also `/state.json`), and
 * `/master/state-summary`, as Mesos's src/master/readonly_handler.cpp writes them
 * (`state`, `stateSummary`, `SlaveWriter`, `FullFrameworkWriter`, `Summary<Framework>`)
 * with the per-message writers of src/common/http.cpp. v0 names agents "slaves", ids
 * are plain strings, times are seconds as doubles, and resources and attributes are
 * flat maps (see resource-format.ts).
 *
 * Fields are built in the order Mesos writes them, so a diff against a real master's
 * output reads line by line.
 */
import type {
  ContainerInfo,
  ExecutorInfo,
  HealthCheck,
  Labels,
  Offer,
  Resource,
  Task,
  TaskState,
  TaskStatus,
} from '../../protocol/mesos.js';
import type { AgentRecord, ClusterView, FrameworkRecord } from '../model.js';
import { type BuildInfo, versionInfo } from './build-info.js';
import {
  containerWithDefaults,
  environmentWithDefaults,
  healthCheckWithDefaults,
  networkInfoWithDefaults,
} from './proto-defaults.js';
import { reservationRole } from './resource-arithmetic.js';
import {
  type V0Attributes,
  type V0Resources,
  v0Attributes,
  v0Resources,
} from './resource-format.js';
import {
  activeTasksOf,
  agentActive,
  agentPid,
  agentsIn,
  allTasksOf,
  completedTasksOf,
  frameworkExecutors,
  frameworkRole,
  isElected,
  isMultiRole,
  masterHostname,
  masterPid,
  offersOf,
  type RenderableView,
  seconds,
  unreachableTasksOf,
} from './view-queries.js';

type Label = NonNullable<Labels['labels']>[number];
type DiscoveryInfo = NonNullable<Task['discovery']>;
type NetworkInfo = NonNullable<ContainerInfo['network_infos']>[number];
type CommandInfo = NonNullable<ExecutorInfo['command']>;

export interface V0NetworkInfo {
  ip_addresses?: NonNullable<NetworkInfo['ip_addresses']>;
  name?: string;
  port_mappings?: NonNullable<NetworkInfo['port_mappings']>;
}

export interface V0ContainerStatus {
  container_id?: { value: string };
  network_infos?: V0NetworkInfo[];
}

export interface V0TaskStatus {
  state: TaskState;
  timestamp: number;
  labels?: Label[];
  container_status?: V0ContainerStatus;
  healthy?: boolean;
}

export interface V0Task {
  id: string;
  name: string;
  framework_id: string;
  executor_id: string;
  slave_id: string;
  state: TaskState;
  resources: V0Resources;
  role: string;
  statuses: V0TaskStatus[];
  user?: string;
  labels?: Label[];
  discovery?: DiscoveryInfo;
  container?: ContainerInfo;
  health_check?: HealthCheck;
}

export interface V0Offer {
  id: string;
  framework_id: string;
  allocation_info: { role?: string };
  slave_id: string;
  resources: V0Resources;
}

export interface V0Command {
  shell?: boolean;
  value?: string;
  argv: string[];
  environment?: NonNullable<CommandInfo['environment']>;
  uris: Array<{ value: string; executable: boolean }>;
}

export interface V0Executor {
  executor_id: string;
  name: string;
  framework_id: string;
  command: V0Command;
  resources: V0Resources;
  role?: string;
  labels?: Label[];
  type?: NonNullable<ExecutorInfo['type']>;
  slave_id: string;
}

/** `json(JSON::ObjectWriter*, const SlaveInfo&)`: what /master/state shows of a recovered agent. */
export interface V0SlaveInfo {
  id: string;
  hostname: string;
  port: number;
  attributes: V0Attributes;
}

export interface V0Slave extends V0SlaveInfo {
  pid: string;
  registered_time: number;
  reregistered_time?: number;
  resources: V0Resources;
  used_resources: V0Resources;
  offered_resources: V0Resources;
  reserved_resources: Record<string, V0Resources>;
  unreserved_resources: V0Resources;
  active: boolean;
  deactivated: boolean;
  version: string;
  capabilities: string[];
}

/** `Summary<Framework>`: the part of a framework that /master/state-summary shows. */
export interface V0FrameworkSummary {
  id: string;
  name: string;
  used_resources: V0Resources;
  offered_resources: V0Resources;
  capabilities: string[];
  hostname: string;
  webui_url: string;
  active: boolean;
  connected: boolean;
  recovered: boolean;
}

export interface V0Framework extends V0FrameworkSummary {
  user: string;
  failover_timeout: number;
  checkpoint: boolean;
  registered_time: number;
  unregistered_time: number;
  principal?: string;
  resources: V0Resources;
  reregistered_time?: number;
  role?: string;
  roles?: string[];
  tasks: V0Task[];
  unreachable_tasks: V0Task[];
  completed_tasks: V0Task[];
  offers: V0Offer[];
  executors: V0Executor[];
  labels?: Label[];
  offer_constraints: Record<string, never>;
}

/** `json(JSON::ObjectWriter*, const MasterInfo&)`, the `leader_info` of /master/state. */
export interface V0MasterInfo {
  id: string;
  pid: string;
  port: number;
  hostname: string;
}

export interface V0State {
  version: string;
  git_sha?: string;
  git_branch?: string;
  git_tag?: string;
  build_date: string;
  build_time: number;
  build_user: string;
  start_time: number;
  elected_time?: number;
  id: string;
  pid: string;
  hostname: string;
  capabilities: string[];
  activated_slaves: number;
  deactivated_slaves: number;
  unreachable_slaves: number;
  leader?: string;
  leader_info?: V0MasterInfo;
  cluster?: string;
  log_dir?: string;
  external_log_file?: string;
  flags: Record<string, string>;
  slaves: V0Slave[];
  recovered_slaves: V0SlaveInfo[];
  frameworks: V0Framework[];
  completed_frameworks: V0Framework[];
  /** No longer possible in Mesos; kept empty for old clients. */
  orphan_tasks: [];
  /** No longer possible in Mesos; kept empty for old clients. */
  unregistered_frameworks: [];
}

/**
 * The per-state task counts of /master/state-summary. Mesos reports these ten only
 * (not TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR or TASK_UNKNOWN).
 */
export interface TaskStateCounts {
  TASK_STAGING: number;
  TASK_STARTING: number;
  TASK_RUNNING: number;
  TASK_KILLING: number;
  TASK_FINISHED: number;
  TASK_KILLED: number;
  TASK_FAILED: number;
  TASK_LOST: number;
  TASK_ERROR: number;
  TASK_UNREACHABLE: number;
}

export type V0SummarySlave = V0Slave & TaskStateCounts & { framework_ids: string[] };
export type V0SummaryFramework = V0FrameworkSummary & TaskStateCounts & { slave_ids: string[] };

export interface V0StateSummary {
  hostname: string;
  cluster?: string;
  slaves: V0SummarySlave[];
  frameworks: V0SummaryFramework[];
}

function v0Labels(labels: Labels): Label[] {
  return labels.labels ?? [];
}

function v0NetworkInfo(info: NetworkInfo): V0NetworkInfo {
  const withDefaults = networkInfoWithDefaults(info);
  const result: V0NetworkInfo = {};
  // Mesos writes the lists only when they have elements.
  if (withDefaults.ip_addresses !== undefined && withDefaults.ip_addresses.length > 0) {
    result.ip_addresses = withDefaults.ip_addresses;
  }
  if (withDefaults.name !== undefined) result.name = withDefaults.name;
  if (withDefaults.port_mappings !== undefined && withDefaults.port_mappings.length > 0) {
    result.port_mappings = withDefaults.port_mappings;
  }
  return result;
}

/** `json(JSON::ObjectWriter*, const TaskStatus&)`: state, timestamp and little else. */
export function v0TaskStatus(status: TaskStatus): V0TaskStatus {
  // An unset timestamp reads as 0, as protobuf's getter returns it.
  const result: V0TaskStatus = { state: status.state, timestamp: status.timestamp ?? 0 };
  if (status.labels !== undefined) result.labels = v0Labels(status.labels);
  const containerStatus = status.container_status;
  if (containerStatus !== undefined) {
    const container: V0ContainerStatus = {};
    if (containerStatus.container_id !== undefined) {
      container.container_id = { value: containerStatus.container_id.value };
    }
    if (containerStatus.network_infos !== undefined && containerStatus.network_infos.length > 0) {
      container.network_infos = containerStatus.network_infos.map(v0NetworkInfo);
    }
    result.container_status = container;
  }
  if (status.healthy !== undefined) result.healthy = status.healthy;
  return result;
}

function findFramework(view: ClusterView, frameworkId: string): FrameworkRecord | undefined {
  return (
    view.frameworks.get(frameworkId) ??
    view.completedFrameworks.find((framework) => framework.id === frameworkId)
  );
}

/**
 * The role v0 shows for a task or executor: that of its first resource's allocation
 * (Mesos never mixes roles within one task). The framework's role stands in when the
 * resources carry no allocation, which Mesos's master never lets happen.
 */
function allocationRole(resources: readonly Resource[], framework: FrameworkRecord | undefined) {
  return resources[0]?.allocation_info?.role ?? frameworkRole(framework);
}

/** `json(JSON::ObjectWriter*, const Task&)` in src/common/http.cpp. */
export function v0Task(view: ClusterView, task: Task): V0Task {
  const result: V0Task = {
    id: task.task_id.value,
    name: task.name,
    framework_id: task.framework_id.value,
    // Command tasks have no executor id; Mesos writes the empty string.
    executor_id: task.executor_id?.value ?? '',
    slave_id: task.agent_id.value,
    state: task.state,
    resources: v0Resources(task.resources),
    role: allocationRole(task.resources, findFramework(view, task.framework_id.value)),
    statuses: task.statuses.map(v0TaskStatus),
  };
  if (task.user !== undefined) result.user = task.user;
  if (task.labels !== undefined) result.labels = v0Labels(task.labels);
  if (task.discovery !== undefined) result.discovery = task.discovery;
  if (task.container !== undefined) result.container = containerWithDefaults(task.container);
  if (task.health_check !== undefined) {
    result.health_check = healthCheckWithDefaults(task.health_check);
  }
  return result;
}

/** `json(JSON::ObjectWriter*, const Offer&)`. */
export function v0Offer(offer: Offer): V0Offer {
  return {
    id: offer.id.value,
    framework_id: offer.framework_id.value,
    allocation_info: offer.allocation_info ?? {},
    slave_id: offer.agent_id.value,
    resources: v0Resources(offer.resources),
  };
}

/** `json(JSON::ObjectWriter*, const CommandInfo&)`: `shell` only when set, no default here. */
function v0Command(command: CommandInfo | undefined): V0Command {
  return {
    ...(command?.shell !== undefined ? { shell: command.shell } : {}),
    ...(command?.value !== undefined ? { value: command.value } : {}),
    argv: [...(command?.arguments ?? [])],
    ...(command?.environment !== undefined
      ? { environment: environmentWithDefaults(command.environment) }
      : {}),
    uris: (command?.uris ?? []).map((uri) => ({
      value: uri.value,
      executable: uri.executable ?? false,
    })),
  };
}

/** `json(JSON::ObjectWriter*, const ExecutorInfo&)` plus the `slave_id` the framework writer adds. */
export function v0Executor(
  view: ClusterView,
  frameworkId: string,
  agentId: string,
  info: ExecutorInfo,
): V0Executor {
  const resources = info.resources ?? [];
  return {
    executor_id: info.executor_id.value,
    name: info.name ?? '',
    framework_id: info.framework_id?.value ?? frameworkId,
    command: v0Command(info.command),
    resources: v0Resources(resources),
    // Command executors have no resources, and then Mesos writes no role.
    ...(resources.length > 0
      ? { role: allocationRole(resources, findFramework(view, frameworkId)) }
      : {}),
    ...(info.labels !== undefined ? { labels: v0Labels(info.labels) } : {}),
    ...(info.type !== undefined ? { type: info.type } : {}),
    slave_id: agentId,
  };
}

function v0SlaveInfo(agent: AgentRecord): V0SlaveInfo {
  return {
    id: agent.info.id.value,
    hostname: agent.info.hostname,
    port: agent.info.port ?? 5051,
    attributes: v0Attributes(agent.info.attributes),
  };
}

/** Reserved resources by the role they are reserved for (`Resources::reservations()`). */
function reservedByRole(resources: readonly Resource[]): Record<string, V0Resources> {
  const byRole = new Map<string, Resource[]>();
  for (const resource of resources) {
    const role = reservationRole(resource);
    if (role === undefined) continue;
    byRole.set(role, [...(byRole.get(role) ?? []), resource]);
  }
  const result: Record<string, V0Resources> = {};
  for (const [role, list] of byRole) result[role] = v0Resources(list);
  return result;
}

/** `SlaveWriter`: a registered agent as /master/state shows it. */
export function v0Slave(view: ClusterView, agent: AgentRecord): V0Slave {
  return {
    ...v0SlaveInfo(agent),
    pid: agentPid(agent),
    registered_time: seconds(agent.registeredTime),
    ...(agent.reregisteredTime !== undefined
      ? { reregistered_time: seconds(agent.reregisteredTime) }
      : {}),
    resources: v0Resources(agent.total),
    used_resources: v0Resources(view.usedResources(agent.id)),
    offered_resources: v0Resources(view.offeredResources(agent.id)),
    reserved_resources: reservedByRole(agent.total),
    unreserved_resources: v0Resources(
      agent.total.filter((resource) => reservationRole(resource) === undefined),
    ),
    active: agentActive(agent),
    // Operator deactivation (DEACTIVATE_AGENT) does not exist in mesolite.
    deactivated: false,
    version: agent.version,
    // AgentRecord carries no agent capabilities.
    capabilities: [],
  };
}

function capabilityNames(framework: FrameworkRecord): string[] {
  // An unset capability type is the enum's first value, UNKNOWN.
  return (framework.info.capabilities ?? []).map((capability) => capability.type ?? 'UNKNOWN');
}

/** `Summary<Framework>`. http frameworks have no `pid`, and all of mesolite's are http. */
export function v0FrameworkSummary(
  view: ClusterView,
  framework: FrameworkRecord,
): V0FrameworkSummary {
  return {
    id: framework.id,
    name: framework.info.name,
    used_resources: v0Resources(view.frameworkUsedResources(framework.id)),
    offered_resources: v0Resources(view.frameworkOfferedResources(framework.id)),
    capabilities: capabilityNames(framework),
    hostname: framework.info.hostname ?? '',
    webui_url: framework.info.webui_url ?? '',
    active: framework.active,
    connected: framework.connected,
    recovered: framework.recovered,
  };
}

/** `FullFrameworkWriter`: a framework with its tasks, offers and executors. */
export function v0Framework(view: RenderableView, framework: FrameworkRecord): V0Framework {
  const id = framework.id;
  const info = framework.info;
  const result: V0Framework = {
    ...v0FrameworkSummary(view, framework),
    user: info.user,
    failover_timeout: info.failover_timeout ?? 0,
    checkpoint: info.checkpoint ?? false,
    registered_time: seconds(framework.registeredTime),
    // Mesos's unset Time is the epoch, so a framework that never disconnected shows 0.
    unregistered_time: seconds(framework.unregisteredTime ?? 0),
    ...(info.principal !== undefined ? { principal: info.principal } : {}),
    resources: v0Resources([
      ...view.frameworkUsedResources(id),
      ...view.frameworkOfferedResources(id),
    ]),
    ...(framework.reregisteredTime !== undefined &&
    framework.reregisteredTime !== framework.registeredTime
      ? { reregistered_time: seconds(framework.reregisteredTime) }
      : {}),
    // Mesos mirrors the protobuf: `roles` for MULTI_ROLE frameworks, `role` otherwise.
    ...(isMultiRole(framework) ? { roles: [...(info.roles ?? [])] } : { role: info.role ?? '*' }),
    tasks: activeTasksOf(view, id).map((task) => v0Task(view, task)),
    unreachable_tasks: unreachableTasksOf(view, id).map((task) => v0Task(view, task)),
    completed_tasks: completedTasksOf(view, id).map((task) => v0Task(view, task)),
    offers: offersOf(view, id).map(v0Offer),
    executors: frameworkExecutors(view, id).map((executor) =>
      v0Executor(view, id, executor.agentId, executor.info),
    ),
    ...(info.labels !== undefined ? { labels: v0Labels(info.labels) } : {}),
    offer_constraints: {},
  };
  return result;
}

function sortedFlags(view: ClusterView): Record<string, string> {
  const flags: Record<string, string> = {};
  for (const name of [...view.flags.keys()].sort()) {
    const value = view.flags.get(name);
    if (value !== undefined) flags[name] = value;
  }
  return flags;
}

function leaderInfo(view: ClusterView): V0MasterInfo {
  const info = view.masterInfo;
  return { id: info.id, pid: masterPid(info), port: info.port, hostname: masterHostname(info) };
}

/**
 * `/master/state`. The master renders it only while it leads (others redirect), so the
 * leader is this master whenever it has been elected.
 */
export function renderState(view: RenderableView, build?: BuildInfo): V0State {
  const info = view.masterInfo;
  const version = versionInfo(view, build);
  const registered = agentsIn(view, 'registered');
  const active = registered.filter(agentActive).length;
  const elected = isElected(view);
  const cluster = view.flags.get('cluster');
  const logDir = view.flags.get('log_dir');
  const externalLogFile = view.flags.get('external_log_file');

  return {
    version: version.version,
    ...(version.git_sha !== undefined ? { git_sha: version.git_sha } : {}),
    ...(version.git_branch !== undefined ? { git_branch: version.git_branch } : {}),
    ...(version.git_tag !== undefined ? { git_tag: version.git_tag } : {}),
    build_date: version.build_date,
    build_time: version.build_time,
    build_user: version.build_user,
    start_time: seconds(view.startTime),
    ...(elected ? { elected_time: seconds(view.electedTime) } : {}),
    id: info.id,
    pid: masterPid(info),
    hostname: masterHostname(info),
    // An unset capability type is the enum's first value, UNKNOWN.
    capabilities: (info.capabilities ?? []).map((capability) => capability.type ?? 'UNKNOWN'),
    activated_slaves: active,
    deactivated_slaves: registered.length - active,
    unreachable_slaves: agentsIn(view, 'unreachable').length,
    ...(elected ? { leader: masterPid(info), leader_info: leaderInfo(view) } : {}),
    ...(cluster !== undefined ? { cluster } : {}),
    ...(logDir !== undefined ? { log_dir: logDir } : {}),
    ...(externalLogFile !== undefined ? { external_log_file: externalLogFile } : {}),
    flags: sortedFlags(view),
    slaves: registered.map((agent) => v0Slave(view, agent)),
    recovered_slaves: agentsIn(view, 'recovered').map(v0SlaveInfo),
    frameworks: [...view.frameworks.values()].map((framework) => v0Framework(view, framework)),
    completed_frameworks: view.completedFrameworks.map((framework) => v0Framework(view, framework)),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}

function emptyCounts(): TaskStateCounts {
  return {
    TASK_STAGING: 0,
    TASK_STARTING: 0,
    TASK_RUNNING: 0,
    TASK_KILLING: 0,
    TASK_FINISHED: 0,
    TASK_KILLED: 0,
    TASK_FAILED: 0,
    TASK_LOST: 0,
    TASK_ERROR: 0,
    TASK_UNREACHABLE: 0,
  };
}

function isCountedState(counts: TaskStateCounts, state: TaskState): state is keyof TaskStateCounts {
  return Object.hasOwn(counts, state);
}

function count(counts: TaskStateCounts, state: TaskState): void {
  if (isCountedState(counts, state)) counts[state] += 1;
}

/**
 * `/master/state-summary`: agents and frameworks with task counts by state, and which
 * frameworks run on which agents. Like Mesos, it counts the active, unreachable and
 * completed tasks of registered frameworks only.
 */
export function renderStateSummary(view: ClusterView): V0StateSummary {
  const slaveCounts = new Map<string, TaskStateCounts>();
  const frameworkCounts = new Map<string, TaskStateCounts>();
  const frameworksOnSlave = new Map<string, Set<string>>();
  const slavesOfFramework = new Map<string, Set<string>>();

  for (const frameworkId of view.frameworks.keys()) {
    for (const task of allTasksOf(view, frameworkId)) {
      const agentId = task.agent_id.value;
      const forFramework = frameworkCounts.get(frameworkId) ?? emptyCounts();
      const forSlave = slaveCounts.get(agentId) ?? emptyCounts();
      count(forFramework, task.state);
      count(forSlave, task.state);
      frameworkCounts.set(frameworkId, forFramework);
      slaveCounts.set(agentId, forSlave);
      frameworksOnSlave.set(
        agentId,
        (frameworksOnSlave.get(agentId) ?? new Set()).add(frameworkId),
      );
      slavesOfFramework.set(
        frameworkId,
        (slavesOfFramework.get(frameworkId) ?? new Set()).add(agentId),
      );
    }
  }

  const cluster = view.flags.get('cluster');
  return {
    hostname: masterHostname(view.masterInfo),
    ...(cluster !== undefined ? { cluster } : {}),
    slaves: agentsIn(view, 'registered').map((agent) => ({
      ...v0Slave(view, agent),
      ...(slaveCounts.get(agent.id) ?? emptyCounts()),
      framework_ids: [...(frameworksOnSlave.get(agent.id) ?? [])],
    })),
    frameworks: [...view.frameworks.values()].map((framework) => ({
      ...v0FrameworkSummary(view, framework),
      ...(frameworkCounts.get(framework.id) ?? emptyCounts()),
      slave_ids: [...(slavesOfFramework.get(framework.id) ?? [])],
    })),
  };
}
