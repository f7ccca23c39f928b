import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { ProtocolAgent } from '../../support/protocol-agent.js';
import { type Json, RawScheduler } from '../../support/raw-mesos-scheduler.js';

async function launchOne(scheduler: RawScheduler, taskId: string): Promise<void> {
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
                name: taskId,
                task_id: { value: taskId },
                agent_id: offer.agent_id,
                resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
                command: { value: 'sleep 60' },
              },
            ],
          },
        },
      ],
    },
  });
  for (const state of ['TASK_STARTING', 'TASK_RUNNING']) {
    const update: Json = await scheduler.nextUpdate(taskId, state);
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
}

describe('a lost agent', () => {
  let daemon: TestDaemon;
  const closers: Array<() => void> = [];
  beforeEach(async () => {
    daemon = await startTestDaemon({ agentUnreachableTimeoutMs: 300 });
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await daemon.stop();
  });

  it('has its tasks reported TASK_UNREACHABLE to a partition-aware framework', async () => {
    const agent = new ProtocolAgent(daemon.url);
    await agent.connect();
    const scheduler = new RawScheduler(daemon.url);
    closers.push(() => scheduler.close());
    await scheduler.subscribe({
      user: 'root',
      name: 'aware',
      failover_timeout: 60,
      capabilities: [{ type: 'PARTITION_AWARE' }],
    });
    await launchOne(scheduler, 'stranded');
    agent.disconnect();
    const update = await scheduler.nextUpdate('stranded', 'TASK_UNREACHABLE');
    expect(update.update.status.reason).toBe('REASON_AGENT_REMOVED');
    expect(update.update.status.unreachable_time.nanoseconds).toBeGreaterThan(0);
  });

  it('has its tasks reported TASK_LOST to a framework that is not partition-aware', async () => {
    const agent = new ProtocolAgent(daemon.url);
    await agent.connect();
    const scheduler = new RawScheduler(daemon.url);
    closers.push(() => scheduler.close());
    await scheduler.subscribe({ user: 'root', name: 'classic', failover_timeout: 60 });
    await launchOne(scheduler, 'stranded');
    agent.disconnect();
    expect((await scheduler.nextUpdate('stranded', 'TASK_LOST')).update.status.source).toBe(
      'SOURCE_MASTER',
    );
  });

  it('keeps its tasks when it re-registers before the timeout', async () => {
    await daemon.stop();
    daemon = await startTestDaemon({ agentUnreachableTimeoutMs: 60_000 });
    const agent = new ProtocolAgent(daemon.url);
    await agent.connect();
    const scheduler = new RawScheduler(daemon.url);
    closers.push(() => scheduler.close());
    await scheduler.subscribe({ user: 'root', name: 'patient', failover_timeout: 60 });
    await launchOne(scheduler, 'steady');
    agent.disconnect();
    await expect.poll(() => daemon.master.agents.get(String(agent.agentId))?.connected).toBe(false);
    closers.push(() => agent.disconnect());
    expect((await agent.connect()).ok).toBe(true);
    const frameworkId = String(scheduler.frameworkId);
    expect(daemon.master.tasks.get(frameworkId)?.get('steady')?.state).toBe('TASK_RUNNING');
    expect(daemon.master.agents.get(String(agent.agentId))?.connected).toBe(true);
  });

  it('is refused with a wrong join token when the master requires one', async () => {
    await daemon.stop();
    daemon = await startTestDaemon({ agentToken: 'secret' });
    const wrong = new ProtocolAgent(daemon.url, { token: 'guess' });
    closers.push(() => wrong.disconnect());
    const reply = await wrong.connect();
    expect(reply).toMatchObject({ ok: false, code: 'MESOLITE_ERR_AGENT_REFUSED' });
    expect(daemon.master.agents.size).toBe(0);
  });
});
