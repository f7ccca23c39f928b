import {
  agentEntry,
  renderGetAgents,
  renderGetExecutors,
  renderGetFlags,
  renderGetFrameworks,
  renderGetHealth,
  renderGetMaster,
  renderGetMetrics,
  renderGetState,
  renderGetTasks,
  renderGetVersion,
  renderOperatorResponse,
} from '@mesolite/daemon/master/render/operator-responses';
import { describe, expect, it } from 'vitest';
import { buildFixture, CHRONOS, ELECTED, GONE, MARATHON, NOW, START } from './cluster-fixture.js';

/** What a client receives: the response after a JSON round trip must be unchanged. */
function asSent<T>(value: T): T {
  const sent: T = JSON.parse(JSON.stringify(value));
  expect(sent).toEqual(value);
  return sent;
}

const ns = (ms: number) => ({ nanoseconds: ms * 1_000_000 });

describe('GET_AGENTS', () => {
  it('lists registered agents, connected or not, and leaves unreachable ones out', () => {
    const { view } = buildFixture();
    const response = asSent(renderGetAgents(view));
    expect(response.type).toBe('GET_AGENTS');
    const agents = response.get_agents?.agents ?? [];
    expect(agents.map((agent) => [agent.agent_info.id?.value, agent.active])).toEqual([
      ['S0', true],
      ['S1', false],
    ]);
  });

  it('lists recovered agents as bare AgentInfo under recovered_agents', () => {
    const { view } = buildFixture();
    const recovered = renderGetAgents(view).get_agents?.recovered_agents ?? [];
    expect(recovered.map((info) => info.id?.value)).toEqual(['S2']);
    expect(recovered[0]).toHaveProperty('hostname', 'agent-c');
    expect(recovered[0]).not.toHaveProperty('active');
  });

  it('renders an agent field for field, resources in the endpoint format', () => {
    const { view } = buildFixture();
    const s0 = view.agents.get('S0');
    if (s0 === undefined) throw new Error('fixture lost S0');
    expect(asSent(agentEntry(view, s0))).toEqual({
      agent_info: s0.info,
      active: true,
      deactivated: false,
      version: '1.11.0',
      pid: 'slave(1)@agent-a:5051',
      registered_time: ns(START + 1000),
      total_resources: [
        { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
        { name: 'mem', type: 'SCALAR', scalar: { value: 4096 }, role: '*' },
        { name: 'disk', type: 'SCALAR', scalar: { value: 10000 }, role: '*' },
        {
          name: 'ports',
          type: 'RANGES',
          ranges: { range: [{ begin: 31000, end: 31009 }] },
          role: '*',
        },
      ],
      allocated_resources: [
        {
          name: 'cpus',
          type: 'SCALAR',
          scalar: { value: 0.75 },
          allocation_info: { role: 'web' },
          role: '*',
        },
        {
          name: 'mem',
          type: 'SCALAR',
          scalar: { value: 192 },
          allocation_info: { role: 'web' },
          role: '*',
        },
        {
          name: 'ports',
          type: 'RANGES',
          ranges: { range: [{ begin: 31000, end: 31000 }] },
          allocation_info: { role: 'web' },
          role: '*',
        },
        {
          name: 'cpus',
          type: 'SCALAR',
          scalar: { value: 0.1 },
          allocation_info: { role: 'batch' },
          role: '*',
        },
        {
          name: 'mem',
          type: 'SCALAR',
          scalar: { value: 32 },
          allocation_info: { role: 'batch' },
          role: '*',
        },
      ],
      offered_resources: [
        {
          name: 'cpus',
          type: 'SCALAR',
          scalar: { value: 1 },
          allocation_info: { role: 'web' },
          role: '*',
        },
        {
          name: 'mem',
          type: 'SCALAR',
          scalar: { value: 512 },
          allocation_info: { role: 'web' },
          role: '*',
        },
        {
          name: 'ports',
          type: 'RANGES',
          ranges: { range: [{ begin: 31005, end: 31009 }] },
          allocation_info: { role: 'web' },
          role: '*',
        },
      ],
    });
  });

  it('adds reregistered_time only for an agent that re-registered', () => {
    const { view } = buildFixture();
    const agents = renderGetAgents(view).get_agents?.agents ?? [];
    expect(agents[0]).not.toHaveProperty('reregistered_time');
    expect(agents[1]?.reregistered_time).toEqual(ns(START + 5000));
  });

  it("fills AgentInfo's default port when the agent gave none", () => {
    const { view } = buildFixture();
    const s0 = view.agents.get('S0');
    if (s0 === undefined) throw new Error('fixture lost S0');
    const { port: _port, ...info } = s0.info;
    expect(agentEntry(view, { ...s0, info }).agent_info.port).toBe(5051);
  });
});

describe('GET_FRAMEWORKS', () => {
  it('lists registered frameworks and completed ones apart', () => {
    const { view } = buildFixture();
    const frameworks = asSent(renderGetFrameworks(view)).get_frameworks;
    expect(frameworks?.frameworks.map((f) => f.framework_info.id?.value)).toEqual([
      MARATHON,
      CHRONOS,
    ]);
    expect(frameworks?.completed_frameworks.map((f) => f.framework_info.id?.value)).toEqual([GONE]);
  });

  it('shows FrameworkInfo defaults Mesos writes even when unset', () => {
    const { view } = buildFixture();
    const [marathon, chronos] = renderGetFrameworks(view).get_frameworks?.frameworks ?? [];
    expect(chronos?.framework_info).toMatchObject({ failover_timeout: 0, checkpoint: false });
    expect(chronos?.framework_info).not.toHaveProperty('role');
    expect(marathon?.framework_info).toMatchObject({ failover_timeout: 604800, checkpoint: true });
  });

  it('reports state flags and times as TimeInfo', () => {
    const { view } = buildFixture();
    const frameworks = renderGetFrameworks(view).get_frameworks;
    const [marathon, chronos] = frameworks?.frameworks ?? [];
    expect(marathon).toMatchObject({
      active: true,
      connected: true,
      recovered: false,
      registered_time: ns(START + 2000),
      // Mesos starts reregistered_time equal to registered_time.
      reregistered_time: ns(START + 2000),
    });
    expect(marathon).not.toHaveProperty('unregistered_time');
    expect(chronos).toMatchObject({
      active: false,
      connected: false,
      reregistered_time: ns(START + 3000),
    });
    expect(frameworks?.completed_frameworks[0]?.unregistered_time).toEqual(ns(START + 4000));
  });

  it("carries the framework's offers, allocated and offered resources", () => {
    const { view, offer } = buildFixture();
    const marathon = renderGetFrameworks(view).get_frameworks?.frameworks[0];
    expect(marathon?.offers).toEqual([offer]);
    expect(marathon?.allocated_resources.map((r) => [r.name, r.scalar?.value, r.role])).toEqual([
      ['cpus', 0.95, '*'],
      ['mem', 192, '*'],
      ['ports', undefined, '*'],
    ]);
    expect(marathon?.offered_resources).toHaveLength(3);
  });

  it('sets offer_constraints to an empty object, as Mesos 1.11 does', () => {
    const { view } = buildFixture();
    expect(renderGetFrameworks(view).get_frameworks?.frameworks[0]).toHaveProperty(
      'offer_constraints',
      {},
    );
  });
});

describe('GET_TASKS', () => {
  it('splits tasks into active, unreachable and completed', () => {
    const { view } = buildFixture();
    const tasks = asSent(renderGetTasks(view)).get_tasks;
    const ids = (list: Array<{ task_id: { value: string } }> | undefined) =>
      (list ?? []).map((task) => task.task_id.value);
    expect(ids(tasks?.tasks)).toEqual(['web.1', 'web.2', 'web.3', 'job.1']);
    expect(ids(tasks?.unreachable_tasks)).toEqual(['web.4']);
    expect(ids(tasks?.completed_tasks)).toEqual(['web.0', 'old.1']);
    expect(tasks).not.toHaveProperty('pending_tasks');
    expect(tasks).not.toHaveProperty('orphan_tasks');
  });

  it('writes v1 tasks with agent_id and the protobuf defaults of nested messages', () => {
    const { view } = buildFixture();
    const task = renderGetTasks(view).get_tasks?.tasks[0];
    expect(task?.agent_id).toEqual({ value: 'S0' });
    expect(task?.health_check).toEqual({
      type: 'HTTP',
      http: { port: 31000, path: '/health', protocol: 'IPv4' },
      delay_seconds: 15,
      interval_seconds: 10,
      timeout_seconds: 20,
      consecutive_failures: 3,
      grace_period_seconds: 10,
    });
    expect(task?.container?.docker).toEqual({ image: 'nginx', network: 'HOST', privileged: false });
    expect(task?.statuses[2]?.container_status?.network_infos).toEqual([
      { ip_addresses: [{ ip_address: '10.0.0.5', protocol: 'IPv4' }] },
    ]);
  });

  it('does not change the tasks in the view', () => {
    const { view, tasks } = buildFixture();
    renderGetTasks(view);
    expect(tasks.running.health_check).toEqual({
      type: 'HTTP',
      http: { port: 31000, path: '/health' },
    });
  });
});

describe('GET_EXECUTORS', () => {
  it('is an empty list when the view tracks no executors', () => {
    const { view } = buildFixture();
    expect(asSent(renderGetExecutors(view))).toEqual({
      type: 'GET_EXECUTORS',
      get_executors: { executors: [] },
    });
  });

  it('pairs each executor with its agent id', () => {
    const executors = new Map([
      [
        CHRONOS,
        [
          {
            agentId: 'S0',
            info: {
              executor_id: { value: 'job-executor' },
              framework_id: { value: CHRONOS },
              command: { value: './executor', uris: [{ value: 'http://x/e.tgz' }] },
            },
          },
        ],
      ],
    ]);
    const { view } = buildFixture({ executors });
    expect(renderGetExecutors(view).get_executors?.executors).toEqual([
      {
        executor_info: {
          executor_id: { value: 'job-executor' },
          framework_id: { value: CHRONOS },
          command: {
            value: './executor',
            shell: true,
            uris: [{ value: 'http://x/e.tgz', extract: true }],
          },
        },
        agent_id: { value: 'S0' },
      },
    ]);
  });
});

describe('GET_STATE', () => {
  it('nests get_tasks, get_executors, get_frameworks and get_agents', () => {
    const { view } = buildFixture();
    const response = asSent(renderGetState(view));
    expect(response.type).toBe('GET_STATE');
    expect(Object.keys(response.get_state ?? {})).toEqual([
      'get_tasks',
      'get_executors',
      'get_frameworks',
      'get_agents',
    ]);
    expect(response.get_state?.get_agents).toEqual(renderGetAgents(view).get_agents);
    expect(response.get_state?.get_tasks).toEqual(renderGetTasks(view).get_tasks);
  });
});

describe('GET_MASTER', () => {
  it('gives start and elected time in seconds, not TimeInfo', () => {
    const { view } = buildFixture();
    expect(asSent(renderGetMaster(view))).toEqual({
      type: 'GET_MASTER',
      get_master: {
        master_info: view.masterInfo,
        start_time: START / 1000,
        elected_time: ELECTED / 1000,
      },
    });
  });

  it('leaves elected_time out before the master is elected', () => {
    const { view } = buildFixture({ electedTime: 0 });
    expect(renderGetMaster(view).get_master).not.toHaveProperty('elected_time');
  });
});

describe('GET_VERSION', () => {
  it("reports the master's version with the build's date, time and user", () => {
    const { view } = buildFixture();
    const build = {
      buildDate: '2024-08-23 14:59:00',
      buildTime: 1724425140,
      buildUser: 'ci',
      gitSha: 'abc',
    };
    expect(asSent(renderGetVersion(view, build))).toEqual({
      type: 'GET_VERSION',
      get_version: {
        version_info: {
          version: '1.11.0',
          git_sha: 'abc',
          build_date: '2024-08-23 14:59:00',
          build_time: 1724425140,
          build_user: 'ci',
        },
      },
    });
  });
});

describe('GET_FLAGS', () => {
  it('lists every flag as a name and string value, ordered by name', () => {
    const { view } = buildFixture();
    expect(asSent(renderGetFlags(view)).get_flags?.flags).toEqual([
      { name: 'authenticate_agents', value: 'false' },
      { name: 'cluster', value: 'demo' },
      { name: 'port', value: '5050' },
      { name: 'work_dir', value: '/tmp/mesolite' },
    ]);
  });
});

describe('GET_HEALTH', () => {
  it('answers healthy', () => {
    expect(renderGetHealth()).toEqual({ type: 'GET_HEALTH', get_health: { healthy: true } });
  });
});

describe('GET_METRICS', () => {
  it('lists metrics as name/value pairs ordered by name', () => {
    const { view } = buildFixture();
    const metrics = asSent(renderGetMetrics(view, NOW)).get_metrics?.metrics ?? [];
    const names = metrics.map((metric) => metric.name);
    expect(names).toEqual([...names].sort());
    expect(metrics).toContainEqual({ name: 'master/elected', value: 1 });
    expect(metrics).toContainEqual({ name: 'master/uptime_secs', value: 90.5 });
    for (const metric of metrics) expect(Object.keys(metric)).toEqual(['name', 'value']);
  });

  it('includes metrics from outside the model', () => {
    const { view } = buildFixture();
    const extra = [{ name: 'system/cpus_total', type: 'gauge' as const, help: 'CPUs', value: 2 }];
    expect(renderGetMetrics(view, NOW, extra).get_metrics?.metrics).toContainEqual({
      name: 'system/cpus_total',
      value: 2,
    });
  });
});

describe('renderOperatorResponse', () => {
  it('answers each read-only call with its own response type', () => {
    const { view } = buildFixture();
    for (const type of [
      'GET_HEALTH',
      'GET_FLAGS',
      'GET_VERSION',
      'GET_METRICS',
      'GET_STATE',
      'GET_AGENTS',
      'GET_FRAMEWORKS',
      'GET_EXECUTORS',
      'GET_TASKS',
      'GET_MASTER',
    ]) {
      const response = renderOperatorResponse(type, view, { now: NOW });
      expect(response?.type).toBe(type);
      expect(response).toHaveProperty(type.toLowerCase());
    }
  });

  it('returns undefined for calls not answered from the view', () => {
    const { view } = buildFixture();
    expect(renderOperatorResponse('SUBSCRIBE', view, { now: NOW })).toBeUndefined();
    expect(renderOperatorResponse('TEARDOWN', view, { now: NOW })).toBeUndefined();
  });
});
