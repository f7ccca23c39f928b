/**
 * A small hand-built cluster for the renderer tests: four agents (connected,
 * disconnected, recovered, unreachable), two registered frameworks and one completed
 * one, tasks in several states, and one outstanding offer.
 */

import type {
  AgentRecord,
  ClusterView,
  FrameworkRecord,
  MasterCounters,
} from '@mesolite/daemon/master/model';
import type { ExecutorRecord, RenderableView } from '@mesolite/daemon/master/render/view-queries';
import type { Offer, Resource, Task, TaskState, TaskStatus } from '@mesolite/daemon/protocol/mesos';

/** 2023-11-14T22:13:20Z, in ms. */
export const START = 1_700_000_000_000;
export const ELECTED = START + 500;
export const NOW = START + 90_500;

export function scalar(name: string, value: number, role?: string): Resource {
  const resource: Resource = { name, type: 'SCALAR', scalar: { value } };
  if (role !== undefined) resource.allocation_info = { role };
  return resource;
}

export function ranges(name: string, list: Array<[number, number]>, role?: string): Resource {
  const resource: Resource = {
    name,
    type: 'RANGES',
    ranges: { range: list.map(([begin, end]) => ({ begin, end })) },
  };
  if (role !== undefined) resource.allocation_info = { role };
  return resource;
}

function status(taskId: string, agentId: string, state: TaskState, timestamp: number): TaskStatus {
  return {
    task_id: { value: taskId },
    state,
    source: 'SOURCE_EXECUTOR',
    agent_id: { value: agentId },
    timestamp,
    uuid: 'AAAAAAAAAAAAAAAAAAAAAA==',
  };
}

function task(
  frameworkId: string,
  taskId: string,
  agentId: string,
  states: TaskState[],
  resources: Resource[],
): Task {
  const statuses = states.map((state, index) =>
    status(taskId, agentId, state, START / 1000 + 10 + index),
  );
  const last = states[states.length - 1] ?? 'TASK_STAGING';
  return {
    name: taskId.split('.')[0] ?? taskId,
    task_id: { value: taskId },
    framework_id: { value: frameworkId },
    agent_id: { value: agentId },
    state: last,
    resources,
    statuses,
  };
}

const AGENT_RESOURCES: Resource[] = [
  scalar('cpus', 4),
  scalar('mem', 4096),
  scalar('disk', 10000),
  ranges('ports', [[31000, 31009]]),
];

function agent(
  id: string,
  hostname: string,
  flags: Partial<Pick<AgentRecord, 'connected' | 'recovered' | 'unreachable'>>,
): AgentRecord {
  return {
    id,
    info: {
      hostname,
      port: 5051,
      id: { value: id },
      resources: AGENT_RESOURCES,
      attributes: [
        { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
        { name: 'weight', type: 'SCALAR', scalar: { value: 2.5 } },
        { name: 'slots', type: 'RANGES', ranges: { range: [{ begin: 1, end: 4 }] } },
        { name: 'disks', type: 'SET', set: { item: ['ssd', 'hdd'] } },
      ],
    },
    connected: flags.connected ?? false,
    recovered: flags.recovered ?? false,
    unreachable: flags.unreachable ?? false,
    registeredTime: START + 1000,
    version: '1.11.0',
    total: AGENT_RESOURCES,
  };
}

export const MARATHON = 'master-1-0000';
export const CHRONOS = 'master-1-0001';
export const GONE = 'master-1-0002';

function framework(
  id: string,
  name: string,
  extra: Omit<Partial<FrameworkRecord>, 'info'> & { info?: Partial<FrameworkRecord['info']> },
): FrameworkRecord {
  const { info, ...rest } = extra;
  return {
    id,
    info: { user: 'root', name, id: { value: id }, ...info },
    connected: true,
    active: true,
    recovered: false,
    registeredTime: START + 2000,
    suppressed: false,
    ...rest,
  };
}

export interface Fixture {
  view: RenderableView;
  tasks: {
    running: Task;
    staging: Task;
    starting: Task;
    killing: Task;
    unreachable: Task;
    finished: Task;
    failed: Task;
  };
  offer: Offer;
}

export function tasksByStateCounts(counts: Partial<Record<TaskState, number>>) {
  const all: Record<TaskState, number> = {
    TASK_STAGING: 0,
    TASK_STARTING: 0,
    TASK_RUNNING: 0,
    TASK_KILLING: 0,
    TASK_FINISHED: 0,
    TASK_FAILED: 0,
    TASK_KILLED: 0,
    TASK_ERROR: 0,
    TASK_LOST: 0,
    TASK_DROPPED: 0,
    TASK_UNREACHABLE: 0,
    TASK_GONE: 0,
    TASK_GONE_BY_OPERATOR: 0,
    TASK_UNKNOWN: 0,
  };
  return { ...all, ...counts };
}

export function buildFixture(
  options: { electedTime?: number; executors?: Map<string, ExecutorRecord[]> } = {},
): Fixture {
  const agents = new Map<string, AgentRecord>([
    ['S0', agent('S0', 'agent-a', { connected: true })],
    ['S1', { ...agent('S1', 'agent-b', {}), reregisteredTime: START + 5000 }],
    ['S2', agent('S2', 'agent-c', { recovered: true })],
    ['S3', { ...agent('S3', 'agent-d', { unreachable: true }), unreachableTime: START + 60_000 }],
  ]);

  const marathon = framework(MARATHON, 'marathon', {
    info: {
      role: 'web',
      principal: 'marathon',
      webui_url: 'http://localhost:8080',
      hostname: 'localhost',
      failover_timeout: 604800,
      checkpoint: true,
      capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
      labels: { labels: [{ key: 'owner', value: 'ops' }] },
    },
  });
  const chronos = framework(CHRONOS, 'chronos', {
    info: { roles: ['batch', 'cron'], capabilities: [{ type: 'MULTI_ROLE' }] },
    connected: false,
    active: false,
    reregisteredTime: START + 3000,
  });
  const gone = framework(GONE, 'gone', {
    connected: false,
    active: false,
    unregisteredTime: START + 4000,
  });

  const running = task(
    MARATHON,
    'web.1',
    'S0',
    ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING'],
    [
      scalar('cpus', 0.5, 'web'),
      scalar('mem', 128, 'web'),
      ranges('ports', [[31000, 31000]], 'web'),
    ],
  );
  const lastStatus = running.statuses[2];
  if (lastStatus !== undefined) {
    lastStatus.healthy = true;
    lastStatus.container_status = {
      container_id: { value: 'c-1' },
      network_infos: [{ ip_addresses: [{ ip_address: '10.0.0.5' }] }],
      executor_pid: 4242,
    };
  }
  running.health_check = { type: 'HTTP', http: { port: 31000, path: '/health' } };
  running.container = { type: 'DOCKER', docker: { image: 'nginx' } };
  running.labels = { labels: [{ key: 'app', value: 'web' }] };
  running.user = 'root';

  const staging = task(
    MARATHON,
    'web.2',
    'S0',
    ['TASK_STAGING'],
    [scalar('cpus', 0.25, 'web'), scalar('mem', 64, 'web')],
  );
  const starting = task(
    CHRONOS,
    'job.1',
    'S0',
    ['TASK_STAGING', 'TASK_STARTING'],
    [scalar('cpus', 0.1, 'batch'), scalar('mem', 32, 'batch')],
  );
  starting.executor_id = { value: 'job-executor' };
  const killing = task(
    MARATHON,
    'web.3',
    'S1',
    ['TASK_RUNNING', 'TASK_KILLING'],
    [scalar('cpus', 0.2, 'web')],
  );
  const unreachable = task(
    MARATHON,
    'web.4',
    'S3',
    ['TASK_RUNNING', 'TASK_UNREACHABLE'],
    [scalar('cpus', 1, 'web')],
  );
  const finished = task(
    MARATHON,
    'web.0',
    'S0',
    ['TASK_RUNNING', 'TASK_FINISHED'],
    [scalar('cpus', 0.5, 'web')],
  );
  const failed = task(GONE, 'old.1', 'S1', ['TASK_FAILED'], [scalar('cpus', 1, '*')]);

  const offer: Offer = {
    id: { value: 'master-1-O7' },
    framework_id: { value: MARATHON },
    agent_id: { value: 'S0' },
    hostname: 'agent-a',
    resources: [
      scalar('cpus', 1, 'web'),
      scalar('mem', 512, 'web'),
      ranges('ports', [[31005, 31009]], 'web'),
    ],
    allocation_info: { role: 'web' },
  };

  const tasks = new Map<string, Map<string, Task>>([
    [MARATHON, new Map([running, staging, killing].map((t) => [t.task_id.value, t]))],
    [CHRONOS, new Map([[starting.task_id.value, starting]])],
  ]);
  const unreachableTasks = new Map([
    [MARATHON, new Map([[unreachable.task_id.value, unreachable]])],
  ]);
  const offers = new Map([[offer.id.value, offer]]);
  const activeTasks = [running, staging, killing, starting];

  const counters: MasterCounters = {
    validStatusUpdates: 12,
    invalidStatusUpdates: 2,
    tasksByState: tasksByStateCounts({ TASK_FINISHED: 3, TASK_FAILED: 1, TASK_LOST: 1 }),
    offersSent: 9,
    offersDeclined: 4,
    offersRescinded: 1,
    offersAccepted: 3,
    schedulerCalls: 40,
    operatorCalls: 7,
  };

  const base: ClusterView = {
    masterInfo: {
      id: 'master-1',
      ip: 16777343,
      port: 5050,
      hostname: 'localhost',
      version: '1.11.0',
      address: { hostname: 'localhost', ip: '127.0.0.1', port: 5050 },
      capabilities: [{ type: 'AGENT_UPDATE' }],
    },
    startTime: START,
    electedTime: options.electedTime ?? ELECTED,
    flags: new Map([
      ['port', '5050'],
      ['cluster', 'demo'],
      ['authenticate_agents', 'false'],
      ['work_dir', '/tmp/mesolite'],
    ]),
    agents,
    frameworks: new Map([
      [MARATHON, marathon],
      [CHRONOS, chronos],
    ]),
    completedFrameworks: [gone],
    tasks,
    unreachableTasks,
    completedTasks: [finished, failed],
    offers,
    usedResources: (agentId) =>
      activeTasks.filter((t) => t.agent_id.value === agentId).flatMap((t) => t.resources),
    offeredResources: (agentId) =>
      [...offers.values()].filter((o) => o.agent_id.value === agentId).flatMap((o) => o.resources),
    frameworkUsedResources: (frameworkId) =>
      activeTasks.filter((t) => t.framework_id.value === frameworkId).flatMap((t) => t.resources),
    frameworkOfferedResources: (frameworkId) =>
      [...offers.values()]
        .filter((o) => o.framework_id.value === frameworkId)
        .flatMap((o) => o.resources),
    counters,
  };
  const view: RenderableView =
    options.executors === undefined ? base : { ...base, executors: options.executors };

  return {
    view,
    tasks: { running, staging, starting, killing, unreachable, finished, failed },
    offer,
  };
}
