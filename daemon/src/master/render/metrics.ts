/**
 * The master's metrics under Mesos's names (src/master/metrics.cpp, docs/monitoring.md),
 * computed from a ClusterView the way Mesos's pull gauges compute them
 * (`Master::_slaves_active` and friends in src/master/master.cpp). Served flat by
 * `/metrics/snapshot`, as `{name, value}` pairs by GET_METRICS, and in Prometheus's text
 * format by `/metrics` (see prometheus.ts).
 *
 * Only metrics mesolite can give a true value for are listed: a counter that nothing
 * counts is left out rather than reported as a misleading 0.
 */
import type { Resource, TaskState } from '../../protocol/mesos.js';
import type { ClusterView } from '../model.js';
import { addScalars, scalarTotal } from './resource-arithmetic.js';
import { agentActive, agentsIn, isElected, registeredAgentIds } from './view-queries.js';

export type MetricType = 'gauge' | 'counter';

export interface MetricSample {
  /** Mesos's name, e.g. `master/cpus_total`. */
  readonly name: string;
  readonly type: MetricType;
  /** docs/monitoring.md's description, used as Prometheus's HELP. */
  readonly help: string;
  readonly value: number;
}

/** Terminal states counted by `master/tasks_<state>` counters, with monitoring.md's wording. */
const TERMINAL_COUNTERS: ReadonlyArray<readonly [TaskState, string]> = [
  ['TASK_FINISHED', 'Number of finished tasks'],
  ['TASK_FAILED', 'Number of failed tasks'],
  ['TASK_KILLED', 'Number of killed tasks'],
  ['TASK_LOST', 'Number of lost tasks'],
  ['TASK_ERROR', 'Number of tasks that were invalid'],
  ['TASK_DROPPED', 'Number of dropped tasks'],
  ['TASK_GONE', 'Number of gone tasks'],
  ['TASK_GONE_BY_OPERATOR', 'Number of tasks marked gone by an operator'],
];

/** Active states the master counts live (`master/tasks_<state>` gauges). */
const ACTIVE_GAUGES: ReadonlyArray<readonly [TaskState, string]> = [
  ['TASK_STAGING', 'Number of staging tasks'],
  ['TASK_STARTING', 'Number of starting tasks'],
  ['TASK_RUNNING', 'Number of running tasks'],
  ['TASK_KILLING', 'Number of tasks currently being killed'],
];

interface ResourceHelp {
  readonly total: string;
  readonly used: string;
  readonly percent: string;
  readonly revocableTotal: string;
  readonly revocableUsed: string;
  readonly revocablePercent: string;
}

/** The four resources Mesos always reports, with monitoring.md's descriptions. */
const RESOURCE_GAUGES: ReadonlyArray<readonly [string, ResourceHelp]> = [
  [
    'cpus',
    {
      total: 'Number of CPUs',
      used: 'Number of allocated CPUs',
      percent: 'Percentage of allocated CPUs',
      revocableTotal: 'Number of revocable CPUs',
      revocableUsed: 'Number of allocated revocable CPUs',
      revocablePercent: 'Percentage of allocated revocable CPUs',
    },
  ],
  [
    'gpus',
    {
      total: 'Number of GPUs',
      used: 'Number of allocated GPUs',
      percent: 'Percentage of allocated GPUs',
      revocableTotal: 'Number of revocable GPUs',
      revocableUsed: 'Number of allocated revocable GPUs',
      revocablePercent: 'Percentage of allocated revocable GPUs',
    },
  ],
  [
    'mem',
    {
      total: 'Memory in MB',
      used: 'Allocated memory in MB',
      percent: 'Percentage of allocated memory',
      revocableTotal: 'Revocable memory in MB',
      revocableUsed: 'Allocated revocable memory in MB',
      revocablePercent: 'Percentage of allocated revocable memory',
    },
  ],
  [
    'disk',
    {
      total: 'Disk space in MB',
      used: 'Allocated disk space in MB',
      percent: 'Percentage of allocated disk space',
      revocableTotal: 'Revocable disk space in MB',
      revocableUsed: 'Allocated revocable disk space in MB',
      revocablePercent: 'Percentage of allocated revocable disk space',
    },
  ],
];

/** Mesos's allocator reports cpus, mem and disk only. */
const ALLOCATOR_GAUGES: ReadonlyArray<readonly [string, string, string]> = [
  ['cpus', 'Number of CPUs', 'Number of CPUs offered or allocated'],
  ['mem', 'Total memory in MB', 'Allocated or offered memory in MB'],
  ['disk', 'Total disk space in MB', 'Allocated or offered disk space in MB'],
];

function metricSuffix(state: TaskState): string {
  return state.slice('TASK_'.length).toLowerCase();
}

/** Sum of a scalar over many agents' resources, in Mesos's fixed point. */
function scalarOver(lists: readonly (readonly Resource[])[], name: string): number {
  return lists.reduce((total, list) => addScalars(total, scalarTotal(list, name)), 0);
}

/** Every master metric, in no particular order. */
export function masterMetrics(view: ClusterView, now: number): MetricSample[] {
  const samples: MetricSample[] = [];
  const gauge = (name: string, help: string, value: number) =>
    samples.push({ name, type: 'gauge', help, value });
  const counter = (name: string, help: string, value: number) =>
    samples.push({ name, type: 'counter', help, value });

  gauge('master/uptime_secs', 'Uptime in seconds', (now - view.startTime) / 1000);
  gauge('master/elected', 'Whether this is the elected master', isElected(view) ? 1 : 0);

  // Agents: Mesos counts connected/active among registered agents only.
  const registered = agentsIn(view, 'registered');
  const connected = registered.filter((agent) => agent.connected).length;
  const active = registered.filter(agentActive).length;
  gauge('master/slaves_connected', 'Number of connected agents', connected);
  gauge(
    'master/slaves_disconnected',
    'Number of disconnected agents',
    registered.length - connected,
  );
  gauge('master/slaves_active', 'Number of active agents', active);
  gauge('master/slaves_inactive', 'Number of inactive agents', registered.length - active);
  gauge(
    'master/slaves_unreachable',
    'Number of unreachable agents',
    agentsIn(view, 'unreachable').length,
  );

  const frameworks = [...view.frameworks.values()];
  const frameworksConnected = frameworks.filter((framework) => framework.connected).length;
  const frameworksActive = frameworks.filter((framework) => framework.active).length;
  gauge('master/frameworks_connected', 'Number of connected frameworks', frameworksConnected);
  gauge(
    'master/frameworks_disconnected',
    'Number of disconnected frameworks',
    frameworks.length - frameworksConnected,
  );
  gauge('master/frameworks_active', 'Number of active frameworks', frameworksActive);
  gauge(
    'master/frameworks_inactive',
    'Number of inactive frameworks',
    frameworks.length - frameworksActive,
  );

  gauge('master/outstanding_offers', 'Number of outstanding resource offers', view.offers.size);

  // Active-state gauges count the tasks on registered agents (`slave->tasks` in Mesos).
  const registeredIds = registeredAgentIds(view);
  const liveStates = new Map<TaskState, number>();
  for (const byId of view.tasks.values()) {
    for (const task of byId.values()) {
      if (!registeredIds.has(task.agent_id.value)) continue;
      liveStates.set(task.state, (liveStates.get(task.state) ?? 0) + 1);
    }
  }
  for (const [state, help] of ACTIVE_GAUGES) {
    gauge(`master/tasks_${metricSuffix(state)}`, help, liveStates.get(state) ?? 0);
  }
  // Unreachable tasks of registered (not completed) frameworks.
  let unreachableTasks = 0;
  for (const [frameworkId, byId] of view.unreachableTasks) {
    if (!view.frameworks.has(frameworkId)) continue;
    for (const task of byId.values()) {
      if (task.state === 'TASK_UNREACHABLE') unreachableTasks += 1;
    }
  }
  gauge('master/tasks_unreachable', 'Number of unreachable tasks', unreachableTasks);

  for (const [state, help] of TERMINAL_COUNTERS) {
    counter(`master/tasks_${metricSuffix(state)}`, help, view.counters.tasksByState[state] ?? 0);
  }

  // Resources: totals over registered agents; used is what their tasks hold.
  const totals = registered.map((agent) => agent.total);
  const used = registered.map((agent) => view.usedResources(agent.id));
  const offered = registered.map((agent) => view.offeredResources(agent.id));
  for (const [resource, help] of RESOURCE_GAUGES) {
    const total = scalarOver(totals, resource);
    const inUse = scalarOver(used, resource);
    gauge(`master/${resource}_total`, help.total, total);
    gauge(`master/${resource}_used`, help.used, inUse);
    gauge(`master/${resource}_percent`, help.percent, total === 0 ? 0 : inUse / total);
    // mesolite never offers revocable resources; Mesos reports these as 0 then.
    gauge(`master/${resource}_revocable_total`, help.revocableTotal, 0);
    gauge(`master/${resource}_revocable_used`, help.revocableUsed, 0);
    gauge(`master/${resource}_revocable_percent`, help.revocablePercent, 0);
  }

  counter(
    'master/valid_status_updates',
    'Number of valid status update messages',
    view.counters.validStatusUpdates,
  );
  counter(
    'master/invalid_status_updates',
    'Number of invalid status updates',
    view.counters.invalidStatusUpdates,
  );
  counter(
    'master/messages_decline_offers',
    'Number of offers declined',
    view.counters.offersDeclined,
  );

  // The allocator's view: every agent it was told about, offered plus allocated.
  for (const [resource, totalHelp, takenHelp] of ALLOCATOR_GAUGES) {
    const taken = addScalars(scalarOver(used, resource), scalarOver(offered, resource));
    gauge(`allocator/mesos/resources/${resource}/total`, totalHelp, scalarOver(totals, resource));
    gauge(`allocator/mesos/resources/${resource}/offered_or_allocated`, takenHelp, taken);
  }

  return samples;
}

/** `/metrics/snapshot`: one flat object, keys ordered by name as Mesos's std::map orders them. */
export function metricsSnapshot(
  view: ClusterView,
  now: number,
  extra: readonly MetricSample[] = [],
): Record<string, number> {
  const samples = [...masterMetrics(view, now), ...extra].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const snapshot: Record<string, number> = {};
  for (const sample of samples) snapshot[sample.name] = sample.value;
  return snapshot;
}
