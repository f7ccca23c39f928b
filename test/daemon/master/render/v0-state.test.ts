import { renderState, renderStateSummary } from '@mesolite/daemon/master/render/v0-state';
import { describe, expect, it } from 'vitest';
import { buildFixture, CHRONOS, ELECTED, GONE, MARATHON, START } from './cluster-fixture.js';

function asSent<T>(value: T): T {
  const sent: T = JSON.parse(JSON.stringify(value));
  expect(sent).toEqual(value);
  return sent;
}

const BUILD = { buildDate: '2024-08-23 14:59:00', buildTime: 1724425140, buildUser: 'ci' };

describe('/master/state', () => {
  it('writes the top-level fields in the order Mesos does', () => {
    const { view } = buildFixture();
    expect(Object.keys(asSent(renderState(view, BUILD)))).toEqual([
      'version',
      'build_date',
      'build_time',
      'build_user',
      'start_time',
      'elected_time',
      'id',
      'pid',
      'hostname',
      'capabilities',
      'activated_slaves',
      'deactivated_slaves',
      'unreachable_slaves',
      'leader',
      'leader_info',
      'cluster',
      'flags',
      'slaves',
      'recovered_slaves',
      'frameworks',
      'completed_frameworks',
      'orphan_tasks',
      'unregistered_frameworks',
    ]);
  });

  it('describes the master: version, times in seconds, pid, leader', () => {
    const { view } = buildFixture();
    expect(renderState(view, { ...BUILD, gitSha: 'abc123' })).toMatchObject({
      version: '1.11.0',
      git_sha: 'abc123',
      build_date: '2024-08-23 14:59:00',
      build_time: 1724425140,
      build_user: 'ci',
      start_time: START / 1000,
      elected_time: ELECTED / 1000,
      id: 'master-1',
      pid: 'master@127.0.0.1:5050',
      hostname: 'localhost',
      capabilities: ['AGENT_UPDATE'],
      leader: 'master@127.0.0.1:5050',
      leader_info: {
        id: 'master-1',
        pid: 'master@127.0.0.1:5050',
        port: 5050,
        hostname: 'localhost',
      },
      cluster: 'demo',
      orphan_tasks: [],
      unregistered_frameworks: [],
    });
  });

  it('builds the pid from MasterInfo.ip when there is no address', () => {
    const { view } = buildFixture();
    const { address: _address, ...masterInfo } = view.masterInfo;
    expect(renderState({ ...view, masterInfo }).pid).toBe('master@127.0.0.1:5050');
  });

  it('counts agents: activated and deactivated among registered, and unreachable', () => {
    const { view } = buildFixture();
    expect(renderState(view)).toMatchObject({
      activated_slaves: 1,
      deactivated_slaves: 1,
      unreachable_slaves: 1,
    });
  });

  it('has no leader or elected_time before the master is elected', () => {
    const { view } = buildFixture({ electedTime: 0 });
    const state = renderState(view);
    expect(state).not.toHaveProperty('elected_time');
    expect(state).not.toHaveProperty('leader');
    expect(state).not.toHaveProperty('leader_info');
  });

  it('writes flags as a map of strings', () => {
    const { view } = buildFixture();
    expect(renderState(view).flags).toEqual({
      authenticate_agents: 'false',
      cluster: 'demo',
      port: '5050',
      work_dir: '/tmp/mesolite',
    });
  });

  it('writes an agent as a v0 slave with flat resources and attributes', () => {
    const { view } = buildFixture();
    const state = asSent(renderState(view));
    expect(state.slaves[0]).toEqual({
      id: 'S0',
      hostname: 'agent-a',
      port: 5051,
      attributes: { rack: 'r1', weight: 2.5, slots: '[1-4]', disks: '{ssd, hdd}' },
      pid: 'slave(1)@agent-a:5051',
      registered_time: (START + 1000) / 1000,
      resources: { cpus: 4, mem: 4096, disk: 10000, gpus: 0, ports: '[31000-31009]' },
      used_resources: { cpus: 0.85, mem: 224, disk: 0, gpus: 0, ports: '[31000-31000]' },
      offered_resources: { cpus: 1, mem: 512, disk: 0, gpus: 0, ports: '[31005-31009]' },
      reserved_resources: {},
      unreserved_resources: { cpus: 4, mem: 4096, disk: 10000, gpus: 0, ports: '[31000-31009]' },
      active: true,
      deactivated: false,
      version: '1.11.0',
      capabilities: [],
    });
  });

  it('lists registered agents under slaves and recovered ones under recovered_slaves', () => {
    const { view } = buildFixture();
    const state = renderState(view);
    expect(state.slaves.map((slave) => [slave.id, slave.active])).toEqual([
      ['S0', true],
      ['S1', false],
    ]);
    expect(state.slaves[1]?.reregistered_time).toBe((START + 5000) / 1000);
    expect(state.recovered_slaves).toEqual([
      {
        id: 'S2',
        hostname: 'agent-c',
        port: 5051,
        attributes: { rack: 'r1', weight: 2.5, slots: '[1-4]', disks: '{ssd, hdd}' },
      },
    ]);
  });

  it('groups reserved resources by role and keeps the rest as unreserved', () => {
    const { view } = buildFixture();
    const s0 = view.agents.get('S0');
    if (s0 === undefined) throw new Error('fixture lost S0');
    const total = [
      ...s0.total,
      {
        name: 'mem',
        type: 'SCALAR' as const,
        scalar: { value: 1024 },
        reservations: [{ type: 'DYNAMIC' as const, role: 'web' }],
      },
    ];
    const agents = new Map(view.agents).set('S0', { ...s0, total });
    const slave = renderState({ ...view, agents }).slaves[0];
    expect(slave?.reserved_resources).toEqual({ web: { cpus: 0, mem: 1024, disk: 0, gpus: 0 } });
    expect(slave?.unreserved_resources.mem).toBe(4096);
    expect(slave?.resources.mem).toBe(5120);
  });

  it('writes a framework with its summary fields, times in seconds and role', () => {
    const { view } = buildFixture();
    const marathon = asSent(renderState(view)).frameworks[0];
    expect(marathon).toMatchObject({
      id: MARATHON,
      name: 'marathon',
      capabilities: ['PARTITION_AWARE', 'TASK_KILLING_STATE'],
      hostname: 'localhost',
      webui_url: 'http://localhost:8080',
      active: true,
      connected: true,
      recovered: false,
      user: 'root',
      failover_timeout: 604800,
      checkpoint: true,
      registered_time: (START + 2000) / 1000,
      unregistered_time: 0,
      principal: 'marathon',
      role: 'web',
      labels: [{ key: 'owner', value: 'ops' }],
      offer_constraints: {},
    });
    expect(marathon).not.toHaveProperty('reregistered_time');
    expect(marathon).not.toHaveProperty('roles');
    expect(marathon).not.toHaveProperty('pid');
  });

  it('writes roles instead of role for a MULTI_ROLE framework, and defaults for unset fields', () => {
    const { view } = buildFixture();
    const chronos = renderState(view).frameworks[1];
    expect(chronos).toMatchObject({
      id: CHRONOS,
      roles: ['batch', 'cron'],
      hostname: '',
      webui_url: '',
      failover_timeout: 0,
      checkpoint: false,
      reregistered_time: (START + 3000) / 1000,
    });
    expect(chronos).not.toHaveProperty('role');
    expect(chronos).not.toHaveProperty('principal');
  });

  it("splits a framework's resources into used, offered, and their sum", () => {
    const { view } = buildFixture();
    const marathon = renderState(view).frameworks[0];
    expect(marathon?.used_resources).toEqual({
      cpus: 0.95,
      mem: 192,
      disk: 0,
      gpus: 0,
      ports: '[31000-31000]',
    });
    expect(marathon?.offered_resources.cpus).toBe(1);
    expect(marathon?.resources).toEqual({
      cpus: 1.95,
      mem: 704,
      disk: 0,
      gpus: 0,
      ports: '[31000-31000, 31005-31009]',
    });
  });

  it('writes a task in the v0 form', () => {
    const { view } = buildFixture();
    const task = asSent(renderState(view)).frameworks[0]?.tasks[0];
    expect(task).toEqual({
      id: 'web.1',
      name: 'web',
      framework_id: MARATHON,
      executor_id: '',
      slave_id: 'S0',
      state: 'TASK_RUNNING',
      resources: { cpus: 0.5, mem: 128, disk: 0, gpus: 0, ports: '[31000-31000]' },
      role: 'web',
      statuses: [
        { state: 'TASK_STAGING', timestamp: START / 1000 + 10 },
        { state: 'TASK_STARTING', timestamp: START / 1000 + 11 },
        {
          state: 'TASK_RUNNING',
          timestamp: START / 1000 + 12,
          container_status: {
            container_id: { value: 'c-1' },
            network_infos: [{ ip_addresses: [{ ip_address: '10.0.0.5', protocol: 'IPv4' }] }],
          },
          healthy: true,
        },
      ],
      user: 'root',
      labels: [{ key: 'app', value: 'web' }],
      container: { type: 'DOCKER', docker: { image: 'nginx', network: 'HOST', privileged: false } },
      health_check: {
        type: 'HTTP',
        http: { port: 31000, path: '/health', protocol: 'IPv4' },
        delay_seconds: 15,
        interval_seconds: 10,
        timeout_seconds: 20,
        consecutive_failures: 3,
        grace_period_seconds: 10,
      },
    });
  });

  it("shows a task's executor id and the role its resources are allocated to", () => {
    const { view } = buildFixture();
    const job = renderState(view).frameworks[1]?.tasks[0];
    expect(job).toMatchObject({ id: 'job.1', executor_id: 'job-executor', role: 'batch' });
  });

  it('files tasks under tasks, unreachable_tasks and completed_tasks of their framework', () => {
    const { view } = buildFixture();
    const state = renderState(view);
    const ids = (tasks: Array<{ id: string }> | undefined) => (tasks ?? []).map((task) => task.id);
    const marathon = state.frameworks[0];
    expect(ids(marathon?.tasks)).toEqual(['web.1', 'web.2', 'web.3']);
    expect(ids(marathon?.unreachable_tasks)).toEqual(['web.4']);
    expect(ids(marathon?.completed_tasks)).toEqual(['web.0']);
    expect(ids(state.completed_frameworks[0]?.completed_tasks)).toEqual(['old.1']);
  });

  it("writes a framework's offers in the v0 form", () => {
    const { view } = buildFixture();
    expect(renderState(view).frameworks[0]?.offers).toEqual([
      {
        id: 'master-1-O7',
        framework_id: MARATHON,
        allocation_info: { role: 'web' },
        slave_id: 'S0',
        resources: { cpus: 1, mem: 512, disk: 0, gpus: 0, ports: '[31005-31009]' },
      },
    ]);
  });

  it('writes executors with a v0 command and the agent they run on', () => {
    const executors = new Map([
      [
        CHRONOS,
        [
          {
            agentId: 'S0',
            info: {
              executor_id: { value: 'job-executor' },
              name: 'job executor',
              command: { value: './executor', uris: [{ value: 'http://x/e.tgz' }] },
              resources: [
                {
                  name: 'cpus',
                  type: 'SCALAR' as const,
                  scalar: { value: 0.1 },
                  allocation_info: { role: 'batch' },
                },
              ],
            },
          },
        ],
      ],
    ]);
    const { view } = buildFixture({ executors });
    expect(renderState(view).frameworks[1]?.executors).toEqual([
      {
        executor_id: 'job-executor',
        name: 'job executor',
        framework_id: CHRONOS,
        command: {
          value: './executor',
          argv: [],
          uris: [{ value: 'http://x/e.tgz', executable: false }],
        },
        resources: { cpus: 0.1, mem: 0, disk: 0, gpus: 0 },
        role: 'batch',
        slave_id: 'S0',
      },
    ]);
  });

  it('lists completed frameworks with their unregistered time', () => {
    const { view } = buildFixture();
    const gone = renderState(view).completed_frameworks[0];
    expect(gone).toMatchObject({
      id: GONE,
      active: false,
      connected: false,
      unregistered_time: (START + 4000) / 1000,
      tasks: [],
      offers: [],
    });
  });
});

describe('/master/state-summary', () => {
  it('has hostname, cluster, slaves and frameworks', () => {
    const { view } = buildFixture();
    expect(Object.keys(asSent(renderStateSummary(view)))).toEqual([
      'hostname',
      'cluster',
      'slaves',
      'frameworks',
    ]);
    expect(renderStateSummary(view).hostname).toBe('localhost');
  });

  it('counts tasks by state per agent, from registered frameworks only', () => {
    const { view } = buildFixture();
    const [s0, s1] = renderStateSummary(view).slaves;
    expect(s0).toMatchObject({
      id: 'S0',
      TASK_STAGING: 1,
      TASK_STARTING: 1,
      TASK_RUNNING: 1,
      TASK_KILLING: 0,
      TASK_FINISHED: 1,
      TASK_KILLED: 0,
      TASK_FAILED: 0,
      TASK_LOST: 0,
      TASK_ERROR: 0,
      TASK_UNREACHABLE: 0,
      framework_ids: [MARATHON, CHRONOS],
    });
    // old.1 (TASK_FAILED on S1) belongs to a completed framework.
    expect(s1).toMatchObject({
      id: 'S1',
      TASK_KILLING: 1,
      TASK_FAILED: 0,
      framework_ids: [MARATHON],
    });
  });

  it('keeps the full slave fields alongside the counts', () => {
    const { view } = buildFixture();
    const slave = renderStateSummary(view).slaves[0];
    const full = renderState(view).slaves[0];
    expect(slave).toMatchObject(full ?? {});
  });

  it('counts tasks by state per framework, with the agents it runs on', () => {
    const { view } = buildFixture();
    const [marathon, chronos] = renderStateSummary(view).frameworks;
    expect(marathon).toMatchObject({
      id: MARATHON,
      name: 'marathon',
      active: true,
      TASK_STAGING: 1,
      TASK_RUNNING: 1,
      TASK_KILLING: 1,
      TASK_FINISHED: 1,
      TASK_UNREACHABLE: 1,
      slave_ids: ['S0', 'S1', 'S3'],
    });
    expect(marathon).not.toHaveProperty('tasks');
    expect(marathon).not.toHaveProperty('TASK_DROPPED');
    expect(chronos).toMatchObject({ id: CHRONOS, TASK_STARTING: 1, slave_ids: ['S0'] });
  });
});
