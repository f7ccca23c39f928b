import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { ProtocolAgent } from '../../support/protocol-agent.js';

describe("the master's state and metrics endpoints", () => {
  let daemon: TestDaemon;
  let agent: ProtocolAgent;
  beforeEach(async () => {
    daemon = await startTestDaemon();
    agent = new ProtocolAgent(daemon.url);
    await agent.connect();
  });
  afterEach(async () => {
    agent.disconnect();
    await daemon.stop();
  });

  it('serves /master/state in the v0 JSON shape with the agent as a slave', async () => {
    const state = await (await fetch(`${daemon.url}/master/state`)).json();
    expect(state.activated_slaves).toBe(1);
    expect(state.slaves[0].id).toBe(agent.agentId);
    expect(state.slaves[0].resources).toMatchObject({ cpus: 4, mem: 4096, ports: '[31000-32000]' });
    expect(state.slaves[0].attributes).toEqual({ rack: 'a' });
    expect(state.frameworks).toEqual([]);
    expect(state.pid).toMatch(/^master@127\.0\.0\.1:\d+$/);
  });

  it('serves /master/state-summary', async () => {
    const summary = await (await fetch(`${daemon.url}/master/state-summary`)).json();
    expect(summary.slaves[0].id).toBe(agent.agentId);
    expect(summary.slaves[0].TASK_RUNNING).toBe(0);
  });

  it('serves the same state under /mesos/, as the DC/OS admin router does', async () => {
    const state = await (await fetch(`${daemon.url}/mesos/master/state`)).json();
    expect(state.slaves).toHaveLength(1);
  });

  it('serves /metrics/snapshot with Mesos metric names', async () => {
    const metrics = await (await fetch(`${daemon.url}/metrics/snapshot`)).json();
    expect(metrics['master/slaves_active']).toBe(1);
    expect(metrics['master/cpus_total']).toBe(4);
    expect(metrics['master/elected']).toBe(1);
    expect(metrics['master/tasks_running']).toBe(0);
  });

  it('serves /metrics in Prometheus text format', async () => {
    const response = await fetch(`${daemon.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^# TYPE mesos_master_cpus_total gauge$/m);
    expect(text).toMatch(/^mesos_master_cpus_total 4$/m);
  });
});
