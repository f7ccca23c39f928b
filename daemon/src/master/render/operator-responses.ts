/**
 * The master's answers to the v1 operator API's read calls (`POST /api/v1`), in the JSON
 * Mesos sends (src/master/readonly_handler.cpp `jsonifyGet*`, src/master/http.cpp
 * `getMaster`, `getHealth`, `getVersion`, `getFlags`, `getMetrics`). Pure functions of
 * a ClusterView; the HTTP layer only serializes what they return.
 *
 * Top-level lists are always present (Mesos writes them even when empty); inside
 * messages, repeated fields that the protocol types declare as required are kept as `[]`
 * where Mesos would leave them out, which every protobuf JSON reader accepts.
 */

import type { Task } from '../../protocol/mesos.js';
import type {
  AgentEntry,
  FrameworkEntry,
  GetAgents,
  GetExecutors,
  GetFrameworks,
  GetState,
  GetTasks,
  OperatorResponse,
} from '../../protocol/operator.js';
import type { AgentRecord, ClusterView, FrameworkRecord } from '../model.js';
import { type BuildInfo, versionInfo } from './build-info.js';
import { type MetricSample, masterMetrics } from './metrics.js';
import {
  agentInfoWithDefaults,
  executorInfoWithDefaults,
  frameworkInfoWithDefaults,
  taskWithDefaults,
} from './proto-defaults.js';
import { endpointResources } from './resource-arithmetic.js';
import {
  agentActive,
  agentPid,
  agentsIn,
  frameworkExecutors,
  isElected,
  offersOf,
  type RenderableView,
  seconds,
  timeInfo,
} from './view-queries.js';

/**
 * GET_FRAMEWORKS' framework as Mesos 1.11 sends it: `offer_constraints` is always set
 * (empty when the framework gave none), so it always appears.
 */
export type V1FrameworkEntry = FrameworkEntry & { offer_constraints: Record<string, never> };

/** One `GetAgents.Agent` (`createAgentResponse` in src/common/protobuf_utils.cpp). */
export function agentEntry(view: ClusterView, agent: AgentRecord): AgentEntry {
  const entry: AgentEntry = {
    agent_info: agentInfoWithDefaults(agent.info),
    active: agentActive(agent),
    // Operator deactivation (DEACTIVATE_AGENT) does not exist in mesolite; Mesos always sets the field.
    deactivated: false,
    version: agent.version,
    pid: agentPid(agent),
    registered_time: timeInfo(agent.registeredTime),
    total_resources: endpointResources(agent.total),
    allocated_resources: endpointResources(view.usedResources(agent.id)),
    offered_resources: endpointResources(view.offeredResources(agent.id)),
  };
  if (agent.reregisteredTime !== undefined) {
    entry.reregistered_time = timeInfo(agent.reregisteredTime);
  }
  return entry;
}

/** One `GetFrameworks.Framework` (`model(const Framework&)` in src/master/http.cpp). */
export function frameworkEntry(view: ClusterView, framework: FrameworkRecord): V1FrameworkEntry {
  const entry: V1FrameworkEntry = {
    framework_info: frameworkInfoWithDefaults(framework.info),
    active: framework.active,
    connected: framework.connected,
    recovered: framework.recovered,
    offers: offersOf(view, framework.id),
    allocated_resources: endpointResources(view.frameworkUsedResources(framework.id)),
    offered_resources: endpointResources(view.frameworkOfferedResources(framework.id)),
    offer_constraints: {},
  };
  // Mesos sets each time only when it is not the epoch.
  if (framework.registeredTime !== 0) entry.registered_time = timeInfo(framework.registeredTime);
  // Mesos starts reregisteredTime equal to registeredTime, so it shows even before a failover.
  const reregistered = framework.reregisteredTime ?? framework.registeredTime;
  if (reregistered !== 0) entry.reregistered_time = timeInfo(reregistered);
  if (framework.unregisteredTime !== undefined && framework.unregisteredTime !== 0) {
    entry.unregistered_time = timeInfo(framework.unregisteredTime);
  }
  return entry;
}

/** Registered agents (connected or not) under `agents`; recovered ones as bare AgentInfo. */
export function getAgents(view: ClusterView): GetAgents {
  return {
    agents: agentsIn(view, 'registered').map((agent) => agentEntry(view, agent)),
    recovered_agents: agentsIn(view, 'recovered').map((agent) => agentInfoWithDefaults(agent.info)),
  };
}

export function getFrameworks(view: ClusterView): GetFrameworks {
  return {
    frameworks: [...view.frameworks.values()].map((framework) => frameworkEntry(view, framework)),
    completed_frameworks: view.completedFrameworks.map((framework) =>
      frameworkEntry(view, framework),
    ),
  };
}

function tasksIn(tasks: ReadonlyMap<string, ReadonlyMap<string, Task>>): Task[] {
  return [...tasks.values()].flatMap((byId) => [...byId.values()]).map(taskWithDefaults);
}

/** `pending_tasks` and `orphan_tasks` are deprecated and no longer written by Mesos. */
export function getTasks(view: ClusterView): GetTasks {
  return {
    tasks: tasksIn(view.tasks),
    unreachable_tasks: tasksIn(view.unreachableTasks),
    completed_tasks: view.completedTasks.map(taskWithDefaults),
  };
}

/** Executors of registered, then completed, frameworks. */
export function getExecutors(view: RenderableView): GetExecutors {
  const frameworkIds = [
    ...view.frameworks.keys(),
    ...view.completedFrameworks.map((framework) => framework.id),
  ];
  return {
    executors: frameworkIds.flatMap((frameworkId) =>
      frameworkExecutors(view, frameworkId).map((executor) => ({
        executor_info: executorInfoWithDefaults(executor.info),
        agent_id: { value: executor.agentId },
      })),
    ),
  };
}

export function getState(view: RenderableView): GetState {
  return {
    get_tasks: getTasks(view),
    get_executors: getExecutors(view),
    get_frameworks: getFrameworks(view),
    get_agents: getAgents(view),
  };
}

export function renderGetState(view: RenderableView): OperatorResponse {
  return { type: 'GET_STATE', get_state: getState(view) };
}

export function renderGetAgents(view: ClusterView): OperatorResponse {
  return { type: 'GET_AGENTS', get_agents: getAgents(view) };
}

export function renderGetFrameworks(view: ClusterView): OperatorResponse {
  return { type: 'GET_FRAMEWORKS', get_frameworks: getFrameworks(view) };
}

export function renderGetTasks(view: ClusterView): OperatorResponse {
  return { type: 'GET_TASKS', get_tasks: getTasks(view) };
}

export function renderGetExecutors(view: RenderableView): OperatorResponse {
  return { type: 'GET_EXECUTORS', get_executors: getExecutors(view) };
}

/** start_time and elected_time are seconds (doubles), unlike the TimeInfo elsewhere in v1. */
export function renderGetMaster(view: ClusterView): OperatorResponse {
  const getMaster: NonNullable<OperatorResponse['get_master']> = {
    master_info: view.masterInfo,
    start_time: seconds(view.startTime),
  };
  if (isElected(view)) getMaster.elected_time = seconds(view.electedTime);
  return { type: 'GET_MASTER', get_master: getMaster };
}

export function renderGetVersion(view: ClusterView, build?: BuildInfo): OperatorResponse {
  return { type: 'GET_VERSION', get_version: { version_info: versionInfo(view, build) } };
}

/** Flags by name, as Mesos's flags JSON object (a std::map) orders them. */
export function renderGetFlags(view: ClusterView): OperatorResponse {
  const flags = [...view.flags.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
  return { type: 'GET_FLAGS', get_flags: { flags } };
}

/** A master that can answer is healthy; Mesos answers `true` unconditionally. */
export function renderGetHealth(): OperatorResponse {
  return { type: 'GET_HEALTH', get_health: { healthy: true } };
}

/** The same numbers as /metrics/snapshot, as `{name, value}` pairs ordered by name. */
export function renderGetMetrics(
  view: ClusterView,
  now: number,
  extra: readonly MetricSample[] = [],
): OperatorResponse {
  const metrics = [...masterMetrics(view, now), ...extra]
    .map(({ name, value }) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { type: 'GET_METRICS', get_metrics: { metrics } };
}

/** What a read-only call needs besides the view. */
export interface OperatorRenderContext {
  /** Milliseconds since the epoch, for uptime. */
  readonly now: number;
  readonly build?: BuildInfo;
  /** Metrics from outside the master's model (system/*, allocator timings). */
  readonly extraMetrics?: readonly MetricSample[];
}

/**
 * The response to a read-only operator call, or undefined for calls that are not
 * answered from the view (SUBSCRIBE, the writes, and calls mesolite does not serve).
 */
export function renderOperatorResponse(
  type: string,
  view: RenderableView,
  context: OperatorRenderContext,
): OperatorResponse | undefined {
  switch (type) {
    case 'GET_HEALTH':
      return renderGetHealth();
    case 'GET_FLAGS':
      return renderGetFlags(view);
    case 'GET_VERSION':
      return renderGetVersion(view, context.build);
    case 'GET_METRICS':
      return renderGetMetrics(view, context.now, context.extraMetrics);
    case 'GET_STATE':
      return renderGetState(view);
    case 'GET_AGENTS':
      return renderGetAgents(view);
    case 'GET_FRAMEWORKS':
      return renderGetFrameworks(view);
    case 'GET_EXECUTORS':
      return renderGetExecutors(view);
    case 'GET_TASKS':
      return renderGetTasks(view);
    case 'GET_MASTER':
      return renderGetMaster(view);
    default:
      return undefined;
  }
}
