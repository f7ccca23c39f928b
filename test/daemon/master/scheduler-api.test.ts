import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { ProtocolAgent } from '../../support/protocol-agent.js';
import { type Json, RawScheduler } from '../../support/raw-mesos-scheduler.js';

const FRAMEWORK = { user: 'root', name: 'raw-http-scheduler', failover_timeout: 60 };

function scalar(name: string, value: number): Json {
  return { name, type: 'SCALAR', scalar: { value } };
}

function commandTask(offer: Json, id: string, cpus = 0.5, mem = 64): Json {
  return {
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id,
    resources: [scalar('cpus', cpus), scalar('mem', mem)],
    command: { value: 'sleep 30' },
  };
}

describe('the v1 scheduler API', () => {
  let daemon: TestDaemon;
  const schedulers: RawScheduler[] = [];
  const agents: ProtocolAgent[] = [];

  const scheduler = () => {
    const s = new RawScheduler(daemon.url);
    schedulers.push(s);
    return s;
  };
  const agent = async () => {
    const a = new ProtocolAgent(daemon.url);
    agents.push(a);
    const reply = await a.connect();
    expect(reply.ok).toBe(true);
    return a;
  };
  const subscribed = async (info: Json = FRAMEWORK) => {
    const s = scheduler();
    expect((await s.subscribe(info)).status).toBe(200);
    await s.nextOfType('SUBSCRIBED');
    return s;
  };
  const launch = async (s: RawScheduler, taskId: string) => {
    const offers = await s.nextOfType('OFFERS');
    const offer = offers.offers.offers[0];
    const response = await s.call({
      type: 'ACCEPT',
      framework_id: { value: s.frameworkId },
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, taskId)] } }],
      },
    });
    expect(response.status).toBe(202);
    return offer;
  };
  const acknowledge = (s: RawScheduler, update: Json) =>
    s.call({
      type: 'ACKNOWLEDGE',
      framework_id: { value: s.frameworkId },
      acknowledge: {
        agent_id: update.update.status.agent_id,
        task_id: update.update.status.task_id,
        uuid: update.update.status.uuid,
      },
    });

  beforeEach(async () => {
    daemon = await startTestDaemon({ heartbeatIntervalSeconds: 1 });
  });
  afterEach(async () => {
    for (const s of schedulers.splice(0)) s.close();
    for (const a of agents.splice(0)) a.disconnect();
    await daemon.stop();
  });

  describe('SUBSCRIBE', () => {
    it('answers 200 with a Mesos-Stream-Id and sends SUBSCRIBED with a framework id', async () => {
      const s = scheduler();
      expect((await s.subscribe(FRAMEWORK)).status).toBe(200);
      expect(s.streamId).toMatch(/^[0-9a-f-]{36}$/);
      const event = await s.nextOfType('SUBSCRIBED');
      expect(event.subscribed.framework_id.value).toMatch(/^[0-9a-f-]{36}-0000$/);
      expect(event.subscribed.heartbeat_interval_seconds).toBe(1);
      expect(event.subscribed.master_info.port).toBeGreaterThan(0);
    });

    it('sends HEARTBEAT events on the stream', async () => {
      const s = await subscribed();
      const heartbeat = await s.nextOfType('HEARTBEAT', 3000);
      expect(heartbeat).toEqual({ type: 'HEARTBEAT' });
    });

    it('refuses a Mesos-Stream-Id header on SUBSCRIBE with 400', async () => {
      const response = await fetch(`${daemon.url}/api/v1/scheduler`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'mesos-stream-id': 'x' },
        body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } }),
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Mesos-Stream-Id');
    });

    it('refuses a framework_id that differs from framework_info.id with 400', async () => {
      const response = await fetch(`${daemon.url}/api/v1/scheduler`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'SUBSCRIBE',
          framework_id: { value: 'a' },
          subscribe: { framework_info: { ...FRAMEWORK, id: { value: 'b' } } },
        }),
      });
      expect(response.status).toBe(400);
    });
  });

  describe('offers', () => {
    it("offers a registered agent's resources to a subscribed framework", async () => {
      const s = await subscribed();
      const a = await agent();
      const event = await s.nextOfType('OFFERS');
      const offer = event.offers.offers[0];
      expect(offer.agent_id.value).toBe(a.agentId);
      expect(offer.hostname).toBe('agent.test');
      const cpus = offer.resources.find((r: Json) => r.name === 'cpus');
      expect(cpus.scalar.value).toBe(4);
      const ports = offer.resources.find((r: Json) => r.name === 'ports');
      expect(ports.ranges.range).toEqual([{ begin: 31000, end: 32000 }]);
    });

    it('does not re-offer a declined agent within refuse_seconds, and REVIVE lifts the filter', async () => {
      const s = await subscribed();
      await agent();
      const offer = (await s.nextOfType('OFFERS')).offers.offers[0];
      const declined = await s.call({
        type: 'DECLINE',
        framework_id: { value: s.frameworkId },
        decline: { offer_ids: [offer.id], filters: { refuse_seconds: 600 } },
      });
      expect(declined.status).toBe(202);
      await expect(s.nextOfType('OFFERS', 1500)).rejects.toThrow(/no matching event/);
      await s.call({ type: 'REVIVE', framework_id: { value: s.frameworkId } });
      const again = await s.nextOfType('OFFERS', 3000);
      expect(again.offers.offers[0].agent_id).toEqual(offer.agent_id);
    });

    it('sends no offers to a suppressed framework', async () => {
      const s = await subscribed();
      await s.call({ type: 'SUPPRESS', framework_id: { value: s.frameworkId } });
      await agent();
      await expect(s.nextOfType('OFFERS', 1500)).rejects.toThrow(/no matching event/);
    });
  });

  describe('launching and status updates', () => {
    it('launches a task and forwards STARTING, then RUNNING only after STARTING is acknowledged', async () => {
      const s = await subscribed();
      const a = await agent();
      await launch(s, 'task-1');
      const starting = await s.nextUpdate('task-1', 'TASK_STARTING');
      expect(starting.update.status.uuid).toEqual(expect.any(String));
      expect(starting.update.status.agent_id.value).toBe(a.agentId);
      await expect(s.nextUpdate('task-1', 'TASK_RUNNING', 500)).rejects.toThrow(
        /no matching event/,
      );
      expect((await acknowledge(s, starting)).status).toBe(202);
      const running = await s.nextUpdate('task-1', 'TASK_RUNNING');
      await acknowledge(s, running);
      await expect.poll(() => a.unacknowledged.size).toBe(0);
    });

    it('answers a launch that does not fit the offer with TASK_ERROR and no uuid', async () => {
      const s = await subscribed();
      await agent();
      const offer = (await s.nextOfType('OFFERS')).offers.offers[0];
      await s.call({
        type: 'ACCEPT',
        framework_id: { value: s.frameworkId },
        accept: {
          offer_ids: [offer.id],
          operations: [
            { type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 'huge', 64, 64)] } },
          ],
        },
      });
      const error = await s.nextUpdate('huge', 'TASK_ERROR');
      expect(error.update.status.reason).toBe('REASON_TASK_INVALID');
      expect(error.update.status.source).toBe('SOURCE_MASTER');
      expect(error.update.status.message).toContain('more than available');
      expect(error.update.status.uuid).toBeUndefined();
    });

    it('answers a launch on an offer that is no longer valid with TASK_LOST', async () => {
      const s = await subscribed();
      await agent();
      const offer = (await s.nextOfType('OFFERS')).offers.offers[0];
      await s.call({
        type: 'DECLINE',
        framework_id: { value: s.frameworkId },
        decline: { offer_ids: [offer.id] },
      });
      await s.call({
        type: 'ACCEPT',
        framework_id: { value: s.frameworkId },
        accept: {
          offer_ids: [offer.id],
          operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 'late')] } }],
        },
      });
      const lost = await s.nextUpdate('late', 'TASK_LOST');
      expect(lost.update.status.reason).toBe('REASON_INVALID_OFFERS');
    });

    it('answers a duplicate task id with TASK_ERROR', async () => {
      const s = await subscribed();
      await agent();
      const offer = (await s.nextOfType('OFFERS')).offers.offers[0];
      await s.call({
        type: 'ACCEPT',
        framework_id: { value: s.frameworkId },
        accept: {
          offer_ids: [offer.id],
          operations: [
            {
              type: 'LAUNCH',
              launch: { task_infos: [commandTask(offer, 'twin'), commandTask(offer, 'twin')] },
            },
          ],
        },
      });
      const error = await s.nextUpdate('twin', 'TASK_ERROR');
      expect(error.update.status.message).toBe('Task has duplicate ID: twin');
    });

    it('keeps a finished task finished when the agent retries an older update, and frees its resources once', async () => {
      const s = await subscribed();
      const a = await agent();
      await launch(s, 'short');
      await acknowledge(s, await s.nextUpdate('short', 'TASK_STARTING'));
      const runningUuid = [...a.unacknowledged.keys()].at(-1) ?? '';
      a.report('short', 'TASK_FINISHED');
      a.resend(runningUuid);
      await acknowledge(s, await s.nextUpdate('short', 'TASK_RUNNING'));
      const finished = await s.nextUpdate('short', 'TASK_FINISHED');
      expect(daemon.master.tasks.get(String(s.frameworkId))?.get('short')?.state).toBe(
        'TASK_FINISHED',
      );
      // Killing it now must neither move it nor recover its resources a second time.
      await s.call({
        type: 'KILL',
        framework_id: { value: s.frameworkId },
        kill: { task_id: { value: 'short' } },
      });
      await acknowledge(s, finished);
      await expect
        .poll(() => daemon.master.completedTasks.map((t) => [t.task_id.value, t.state]))
        .toEqual([['short', 'TASK_FINISHED']]);
    });

    it('kills a task on KILL: the agent is told and TASK_KILLED reaches the framework', async () => {
      const s = await subscribed();
      const a = await agent();
      await launch(s, 'doomed');
      await acknowledge(s, await s.nextUpdate('doomed', 'TASK_STARTING'));
      await acknowledge(s, await s.nextUpdate('doomed', 'TASK_RUNNING'));
      const killed = await s.call({
        type: 'KILL',
        framework_id: { value: s.frameworkId },
        kill: { task_id: { value: 'doomed' } },
      });
      expect(killed.status).toBe(202);
      const update = await s.nextUpdate('doomed', 'TASK_KILLED');
      expect(a.killed).toEqual(['doomed']);
      await acknowledge(s, update);
      await expect
        .poll(() => daemon.master.completedTasks.map((t) => t.task_id.value))
        .toEqual(['doomed']);
    });
  });

  describe('reconciliation', () => {
    it('answers explicit reconciliation with the latest state of a known task', async () => {
      const s = await subscribed();
      await agent();
      await launch(s, 'known');
      await acknowledge(s, await s.nextUpdate('known', 'TASK_STARTING'));
      await acknowledge(s, await s.nextUpdate('known', 'TASK_RUNNING'));
      await s.call({
        type: 'RECONCILE',
        framework_id: { value: s.frameworkId },
        reconcile: { tasks: [{ task_id: { value: 'known' } }] },
      });
      const update = await s.nextUpdate('known');
      expect(update.update.status.state).toBe('TASK_RUNNING');
      expect(update.update.status.reason).toBe('REASON_RECONCILIATION');
      expect(update.update.status.uuid).toBeUndefined();
    });

    it('answers a task unknown on a registered agent with TASK_LOST, or TASK_GONE if partition-aware', async () => {
      const lostScheduler = await subscribed();
      const a = await agent();
      await lostScheduler.call({
        type: 'RECONCILE',
        framework_id: { value: lostScheduler.frameworkId },
        reconcile: { tasks: [{ task_id: { value: 'ghost' }, agent_id: { value: a.agentId } }] },
      });
      expect((await lostScheduler.nextUpdate('ghost')).update.status.state).toBe('TASK_LOST');

      const aware = await subscribed({
        ...FRAMEWORK,
        name: 'aware',
        capabilities: [{ type: 'PARTITION_AWARE' }],
      });
      await aware.call({
        type: 'RECONCILE',
        framework_id: { value: aware.frameworkId },
        reconcile: { tasks: [{ task_id: { value: 'ghost' }, agent_id: { value: a.agentId } }] },
      });
      expect((await aware.nextUpdate('ghost')).update.status.state).toBe('TASK_GONE');
    });

    it('answers implicit reconciliation with every task of the framework', async () => {
      const s = await subscribed();
      await agent();
      await launch(s, 'one');
      await acknowledge(s, await s.nextUpdate('one', 'TASK_STARTING'));
      await acknowledge(s, await s.nextUpdate('one', 'TASK_RUNNING'));
      await s.call({
        type: 'RECONCILE',
        framework_id: { value: s.frameworkId },
        reconcile: { tasks: [] },
      });
      const update = await s.nextUpdate('one');
      expect(update.update.status.state).toBe('TASK_RUNNING');
    });
  });

  describe('framework lifecycle', () => {
    it('TEARDOWN removes the framework and shuts its tasks down on the agent', async () => {
      const s = await subscribed();
      const a = await agent();
      await launch(s, 'torn');
      await s.nextUpdate('torn', 'TASK_STARTING');
      const response = await s.call({ type: 'TEARDOWN', framework_id: { value: s.frameworkId } });
      expect(response.status).toBe(202);
      await expect.poll(() => a.shutdownFrameworks).toEqual([s.frameworkId]);
      expect(daemon.master.frameworks.has(String(s.frameworkId))).toBe(false);
      expect(daemon.master.completedFrameworks.map((f) => f.id)).toEqual([s.frameworkId]);
    });

    it('keeps the tasks of a framework that re-subscribes with its id within failover_timeout', async () => {
      const first = await subscribed();
      await agent();
      await launch(first, 'survivor');
      await acknowledge(first, await first.nextUpdate('survivor', 'TASK_STARTING'));
      await acknowledge(first, await first.nextUpdate('survivor', 'TASK_RUNNING'));
      first.close();
      const frameworkId = String(first.frameworkId);
      await expect.poll(() => daemon.master.frameworks.get(frameworkId)?.connected).toBe(false);

      const second = scheduler();
      expect((await second.subscribe(FRAMEWORK, frameworkId)).status).toBe(200);
      const event = await second.nextOfType('SUBSCRIBED');
      expect(event.subscribed.framework_id.value).toBe(frameworkId);
      expect(daemon.master.tasks.get(frameworkId)?.get('survivor')?.state).toBe('TASK_RUNNING');
    });

    it('removes a framework whose failover_timeout elapses, killing its tasks', async () => {
      const s = await subscribed({ ...FRAMEWORK, failover_timeout: 0 });
      const a = await agent();
      await launch(s, 'orphan');
      await s.nextUpdate('orphan', 'TASK_STARTING');
      const frameworkId = String(s.frameworkId);
      s.close();
      await expect.poll(() => daemon.master.frameworks.has(frameworkId)).toBe(false);
      expect(a.shutdownFrameworks).toEqual([frameworkId]);
    });

    it('closes the old stream with an ERROR when the framework fails over to a new one', async () => {
      const first = await subscribed();
      const second = scheduler();
      await second.subscribe(FRAMEWORK, String(first.frameworkId));
      await second.nextOfType('SUBSCRIBED');
      const error = await first.nextOfType('ERROR');
      expect(error.error.message).toBe('Framework failed over');
    });
  });

  describe('bad calls', () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${daemon.url}/api/v1/scheduler`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });

    it('answers 400 to a call without a Mesos-Stream-Id', async () => {
      const s = await subscribed();
      const response = await post(
        JSON.stringify({ type: 'REVIVE', framework_id: { value: s.frameworkId } }),
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("'Mesos-Stream-Id'");
    });

    it('answers 400 to a call with the wrong Mesos-Stream-Id', async () => {
      const s = await subscribed();
      const response = await s.call(
        { type: 'REVIVE', framework_id: { value: s.frameworkId } },
        { 'mesos-stream-id': 'not-the-stream' },
      );
      expect(response.status).toBe(400);
    });

    it('answers 400 to an unknown framework id', async () => {
      const s = await subscribed();
      const response = await s.call({ type: 'REVIVE', framework_id: { value: 'nope' } });
      expect(response.status).toBe(400);
      expect(response.text).toContain('Framework cannot be found');
    });

    it('answers 403 to a framework that is not connected', async () => {
      const s = await subscribed();
      const streamId = String(s.streamId);
      s.close();
      await expect
        .poll(() => daemon.master.frameworks.get(String(s.frameworkId))?.connected)
        .toBe(false);
      const response = await post(
        JSON.stringify({ type: 'REVIVE', framework_id: { value: s.frameworkId } }),
        {
          'mesos-stream-id': streamId,
        },
      );
      expect(response.status).toBe(403);
    });

    it('answers 400 naming the field when a call fails validation', async () => {
      const response = await post(
        JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { name: 'x' } } }),
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/Failed to validate scheduler::Call: .*user/);
    });

    it('answers 400 to an unknown call type', async () => {
      const response = await post(JSON.stringify({ type: 'DANCE' }));
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("'type' must be one of");
    });

    it('answers 400 to malformed JSON', async () => {
      expect((await post('{"type":')).status).toBe(400);
    });

    it('answers 415 to a protobuf body', async () => {
      const response = await post('\u0008\u0001', { 'content-type': 'application/x-protobuf' });
      expect(response.status).toBe(415);
    });

    it('answers 405 with Allow: POST to GET', async () => {
      const response = await fetch(`${daemon.url}/api/v1/scheduler`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });

    it('changes nothing when a call is refused', async () => {
      const s = await subscribed();
      const before = daemon.master.frameworks.size;
      await s.call({ type: 'ACCEPT', framework_id: { value: s.frameworkId } });
      expect(daemon.master.frameworks.size).toBe(before);
      expect(daemon.master.frameworks.get(String(s.frameworkId))?.connected).toBe(true);
    });

    it('is served under /mesos/ too, as the DC/OS admin router serves it', async () => {
      const response = await fetch(`${daemon.url}/mesos/api/v1/scheduler`);
      expect(response.status).toBe(405);
    });
  });
});

describe('the rest of the v1 scheduler calls', () => {
  let daemon: TestDaemon;
  const closers: Array<() => void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await daemon.stop();
  });

  async function setup(tuning = {}) {
    daemon = await startTestDaemon(tuning);
    const agent = new ProtocolAgent(daemon.url);
    closers.push(() => agent.disconnect());
    await agent.connect();
    const s = new RawScheduler(daemon.url);
    closers.push(() => s.close());
    await s.subscribe(FRAMEWORK);
    await s.nextOfType('SUBSCRIBED');
    return { agent, s };
  }

  async function running(s: RawScheduler, taskId: string) {
    const offer = (await s.nextOfType('OFFERS')).offers.offers[0];
    await s.call({
      type: 'ACCEPT',
      framework_id: { value: s.frameworkId },
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, taskId)] } }],
      },
    });
    await s.nextUpdate(taskId, 'TASK_STARTING');
    return offer;
  }

  it('MESSAGE delivers framework data to the executor on the agent', async () => {
    const { agent, s } = await setup();
    const offer = await running(s, 'listener');
    const response = await s.call({
      type: 'MESSAGE',
      framework_id: { value: s.frameworkId },
      message: { agent_id: offer.agent_id, executor_id: { value: 'listener' }, data: 'aGVsbG8=' },
    });
    expect(response.status).toBe(202);
    await expect
      .poll(() => agent.frameworkMessages)
      .toEqual([{ executor_id: 'listener', data: 'aGVsbG8=' }]);
  });

  it("SHUTDOWN of a command task's executor kills the task", async () => {
    const { agent, s } = await setup();
    const offer = await running(s, 'executor-task');
    await s.call({
      type: 'SHUTDOWN',
      framework_id: { value: s.frameworkId },
      shutdown: { agent_id: offer.agent_id, executor_id: { value: 'executor-task' } },
    });
    await expect.poll(() => agent.killed).toEqual(['executor-task']);
  });

  it('UPDATE_FRAMEWORK changes the FrameworkInfo the master reports', async () => {
    const { s } = await setup();
    const response = await s.call({
      type: 'UPDATE_FRAMEWORK',
      framework_id: { value: s.frameworkId },
      update_framework: {
        framework_info: { ...FRAMEWORK, name: 'renamed', id: { value: s.frameworkId } },
      },
    });
    expect(response.status).toBe(202);
    expect(daemon.master.frameworks.get(String(s.frameworkId))?.info.name).toBe('renamed');
  });

  it('rescinds an offer that is not answered within the offer timeout', async () => {
    const { s } = await setup({ offerTimeoutMs: 200 });
    const offer = (await s.nextOfType('OFFERS')).offers.offers[0];
    const rescind = await s.nextOfType('RESCIND', 3000);
    expect(rescind.rescind.offer_id).toEqual(offer.id);
  });

  it('sends FAILURE with the agent id when an agent is lost', async () => {
    const { agent, s } = await setup({ agentUnreachableTimeoutMs: 100 });
    agent.disconnect();
    const failure = await s.nextOfType('FAILURE', 3000);
    expect(failure.failure.agent_id.value).toBe(agent.agentId);
  });
});
