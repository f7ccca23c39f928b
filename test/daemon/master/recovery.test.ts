import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@mesolite/daemon';
import { Master } from '@mesolite/daemon/master/master';
import { buildMasterInfo } from '@mesolite/daemon/master/master-info';
import { MemoryStore } from '@mesolite/daemon/store/memory-store';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliDaemon, startCliDaemon } from '../../support/daemon.js';
import { ProtocolAgent } from '../../support/protocol-agent.js';
import { type Json, RawScheduler } from '../../support/raw-mesos-scheduler.js';

const FRAMEWORK = { user: 'root', name: 'survivor-framework', failover_timeout: 3600 };

function startCli(workDir: string, port: number): Promise<CliDaemon> {
  return startCliDaemon(['master', '--port', String(port), '--work-dir', workDir, '--plugins', '']);
}

async function operatorCall(url: string, body: Json): Promise<Json> {
  const response = await fetch(`${url}/api/v1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

describe('master recovery', () => {
  const children: ChildProcess[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('answers 503 until it has recovered its registry', async () => {
    const master = new Master({
      store: new MemoryStore(),
      logger: createLogger('silent'),
      masterInfo: buildMasterInfo('127.0.0.1', 5050),
    });
    await expect(
      master.call({ type: 'REVIVE', framework_id: { value: 'x' } }, 's'),
    ).rejects.toMatchObject({
      statusCode: 503,
      message: 'Master has not finished recovery',
    });
  });

  it('loses nothing when killed with -9 mid-way: the agent, the framework and its task come back', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-recovery-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const first = await startCli(workDir, 0);
    children.push(first.child);
    const port = Number(new URL(first.url).port);

    const agent = new ProtocolAgent(first.url);
    cleanups.push(() => agent.disconnect());
    expect((await agent.connect()).ok).toBe(true);
    const scheduler = new RawScheduler(first.url);
    cleanups.push(() => scheduler.close());
    await scheduler.subscribe(FRAMEWORK);
    await scheduler.nextOfType('SUBSCRIBED');
    const offer = (await scheduler.nextOfType('OFFERS')).offers.offers[0];
    await scheduler.call({
      type: 'ACCEPT',
      framework_id: { value: scheduler.frameworkId },
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: 'LAUNCH',
            launch: {
              task_infos: [
                {
                  name: 'survivor',
                  task_id: { value: 'survivor' },
                  agent_id: offer.agent_id,
                  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
                  command: { value: 'sleep 600' },
                },
              ],
            },
          },
        ],
      },
    });
    for (const state of ['TASK_STARTING', 'TASK_RUNNING']) {
      const update = await scheduler.nextUpdate('survivor', state);
      await scheduler.call({
        type: 'ACKNOWLEDGE',
        framework_id: { value: scheduler.frameworkId },
        acknowledge: {
          agent_id: update.update.status.agent_id,
          task_id: update.update.status.task_id,
          uuid: update.update.status.uuid,
        },
      });
    }
    await expect.poll(() => agent.unacknowledged.size).toBe(0);
    const frameworkId = String(scheduler.frameworkId);

    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    scheduler.close();
    agent.disconnect();

    const second = await startCli(workDir, port);
    children.push(second.child);

    // Before the agent is back, the registry already knows the task.
    const recovered = await operatorCall(second.url, { type: 'GET_TASKS' });
    expect(recovered.get_tasks.tasks.map((t: Json) => [t.task_id.value, t.state])).toEqual([
      ['survivor', 'TASK_RUNNING'],
    ]);

    const again = new RawScheduler(second.url);
    cleanups.push(() => again.close());
    expect((await again.subscribe(FRAMEWORK, frameworkId)).status).toBe(200);
    expect((await again.nextOfType('SUBSCRIBED')).subscribed.framework_id.value).toBe(frameworkId);

    // Reconciliation waits for the agent to re-register, as Mesos's does.
    await again.call({
      type: 'RECONCILE',
      framework_id: { value: frameworkId },
      reconcile: { tasks: [{ task_id: { value: 'ghost' } }] },
    });
    await expect(again.nextUpdate('ghost', undefined, 500)).rejects.toThrow(/no matching event/);

    const reconnected = new ProtocolAgent(second.url);
    reconnected.agentId = agent.agentId;
    for (const [id, task] of agent.tasks) reconnected.tasks.set(id, task);
    cleanups.push(() => reconnected.disconnect());
    const reply = await reconnected.connect();
    expect(reply.ok && reply.agent_id.value).toBe(agent.agentId);

    await again.call({
      type: 'RECONCILE',
      framework_id: { value: frameworkId },
      reconcile: { tasks: [{ task_id: { value: 'survivor' } }] },
    });
    expect((await again.nextUpdate('survivor')).update.status.state).toBe('TASK_RUNNING');

    const state = await operatorCall(second.url, { type: 'GET_STATE' });
    expect(state.get_state.get_tasks.tasks).toHaveLength(1);
    expect(state.get_state.get_agents.agents.map((a: Json) => a.agent_info.id.value)).toEqual([
      agent.agentId,
    ]);
    expect(
      state.get_state.get_frameworks.frameworks.map((f: Json) => f.framework_info.id.value),
    ).toEqual([frameworkId]);
  });
});
