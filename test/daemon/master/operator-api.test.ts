import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { ProtocolAgent } from '../../support/protocol-agent.js';
import { type Json, RawScheduler } from '../../support/raw-mesos-scheduler.js';

const FRAMEWORK = { user: 'root', name: 'operator-test', failover_timeout: 60 };

/** An operator SUBSCRIBE stream read with nothing but node:http and RecordIO parsing. */
function operatorStream(url: string) {
  const events: Json[] = [];
  const waiters: Array<{ match: (e: Json) => boolean; resolve: (e: Json) => void }> = [];
  let buffer = Buffer.alloc(0);
  const req = request(new URL('/api/v1', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
  });
  req.on('error', () => undefined);
  req.on('response', (res) => {
    res.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const newline = buffer.indexOf(0x0a);
        if (newline < 0) return;
        const length = Number(buffer.subarray(0, newline).toString());
        if (buffer.length < newline + 1 + length) return;
        const event = JSON.parse(buffer.subarray(newline + 1, newline + 1 + length).toString());
        buffer = buffer.subarray(newline + 1 + length);
        const waiter = waiters.find((w) => w.match(event));
        if (waiter) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        } else events.push(event);
      }
    });
  });
  req.end(JSON.stringify({ type: 'SUBSCRIBE' }));
  return {
    next(match: (e: Json) => boolean): Promise<Json> {
      const seen = events.find(match);
      if (seen) {
        events.splice(events.indexOf(seen), 1);
        return Promise.resolve(seen);
      }
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close: () => req.destroy(),
  };
}

async function operatorCall(url: string, body: Json): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${url}/api/v1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, json: isJson && text ? JSON.parse(text) : text };
}

describe('the v1 operator API', () => {
  let daemon: TestDaemon;
  const closers: Array<() => void> = [];

  beforeEach(async () => {
    daemon = await startTestDaemon();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await daemon.stop();
  });

  it('answers GET_HEALTH', async () => {
    const { status, json } = await operatorCall(daemon.url, { type: 'GET_HEALTH' });
    expect(status).toBe(200);
    expect(json).toEqual({ type: 'GET_HEALTH', get_health: { healthy: true } });
  });

  it('answers GET_VERSION with a version_info', async () => {
    const { json } = await operatorCall(daemon.url, { type: 'GET_VERSION' });
    expect(json.type).toBe('GET_VERSION');
    expect(json.get_version.version_info.version).toEqual(expect.any(String));
  });

  it('answers GET_FLAGS with name/value pairs', async () => {
    const { json } = await operatorCall(daemon.url, { type: 'GET_FLAGS' });
    expect(json.get_flags.flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'port', value: expect.any(String) }),
      ]),
    );
  });

  it('lists a registered agent in GET_AGENTS with its resources', async () => {
    const agent = new ProtocolAgent(daemon.url);
    closers.push(() => agent.disconnect());
    await agent.connect();
    const { json } = await operatorCall(daemon.url, { type: 'GET_AGENTS' });
    const [entry] = json.get_agents.agents;
    expect(entry.agent_info.id.value).toBe(agent.agentId);
    expect(entry.active).toBe(true);
    expect(entry.total_resources.find((r: Json) => r.name === 'cpus').scalar.value).toBe(4);
  });

  it('streams SUBSCRIBED, then TASK_ADDED and TASK_UPDATED as a task starts', async () => {
    const stream = operatorStream(daemon.url);
    closers.push(stream.close);
    const subscribed = await stream.next((e) => e.type === 'SUBSCRIBED');
    expect(subscribed.subscribed.get_state.get_tasks.tasks).toEqual([]);

    const agent = new ProtocolAgent(daemon.url);
    closers.push(() => agent.disconnect());
    await agent.connect();
    const added = await stream.next((e) => e.type === 'AGENT_ADDED');
    expect(added.agent_added.agent.agent_info.hostname).toBe('agent.test');

    const scheduler = new RawScheduler(daemon.url);
    closers.push(() => scheduler.close());
    await scheduler.subscribe(FRAMEWORK);
    await stream.next((e) => e.type === 'FRAMEWORK_ADDED');
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
                  name: 'watched',
                  task_id: { value: 'watched' },
                  agent_id: offer.agent_id,
                  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }],
                  command: { value: 'true' },
                },
              ],
            },
          },
        ],
      },
    });
    const taskAdded = await stream.next((e) => e.type === 'TASK_ADDED');
    expect(taskAdded.task_added.task.task_id.value).toBe('watched');
    expect(taskAdded.task_added.task.state).toBe('TASK_STAGING');
    const updated = await stream.next((e) => e.type === 'TASK_UPDATED');
    // master.proto's shape: the task id lives in status.task_id.
    expect(updated.task_updated.framework_id.value).toBe(scheduler.frameworkId);
    expect(updated.task_updated.status.task_id.value).toBe('watched');
    expect(updated.task_updated.state).toBe('TASK_STARTING');
    expect(updated.task_updated.task_id).toBeUndefined();
  });

  it('tears a framework down on TEARDOWN', async () => {
    const scheduler = new RawScheduler(daemon.url);
    closers.push(() => scheduler.close());
    await scheduler.subscribe(FRAMEWORK);
    await scheduler.nextOfType('SUBSCRIBED');
    const { status } = await operatorCall(daemon.url, {
      type: 'TEARDOWN',
      teardown: { framework_id: { value: scheduler.frameworkId } },
    });
    expect(status).toBe(200);
    const { json } = await operatorCall(daemon.url, { type: 'GET_FRAMEWORKS' });
    expect(json.get_frameworks.frameworks).toEqual([]);
    expect(json.get_frameworks.completed_frameworks[0].framework_info.id.value).toBe(
      scheduler.frameworkId,
    );
  });

  it('answers 400 to TEARDOWN of an unknown framework and changes nothing', async () => {
    const { status } = await operatorCall(daemon.url, {
      type: 'TEARDOWN',
      teardown: { framework_id: { value: 'nope' } },
    });
    expect(status).toBe(400);
  });

  it('answers 400 naming the problem when the call type is unknown', async () => {
    const response = await fetch(`${daemon.url}/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'GET_EVERYTHING' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("'type' must be one of");
  });

  it('answers 501 to a call mesolite does not serve', async () => {
    const response = await fetch(`${daemon.url}/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'GET_QUOTA' }),
    });
    expect(response.status).toBe(501);
  });
});

describe('role weights', () => {
  let daemon: TestDaemon;
  afterEach(async () => {
    await daemon.stop();
  });

  it('UPDATE_WEIGHTS sets a weight that GET_WEIGHTS and GET_ROLES report', async () => {
    daemon = await startTestDaemon();
    const update = await operatorCall(daemon.url, {
      type: 'UPDATE_WEIGHTS',
      update_weights: { weight_infos: [{ role: 'analytics', weight: 2.5 }] },
    });
    expect(update.status).toBe(200);
    const weights = await operatorCall(daemon.url, { type: 'GET_WEIGHTS' });
    expect(weights.json.get_weights.weight_infos).toEqual([{ role: 'analytics', weight: 2.5 }]);
    const roles = await operatorCall(daemon.url, { type: 'GET_ROLES' });
    expect(roles.json.get_roles.roles).toEqual([
      { name: 'analytics', weight: 2.5, frameworks: [], resources: [] },
    ]);
  });

  it('refuses a weight that is not positive, changing nothing', async () => {
    daemon = await startTestDaemon();
    const update = await operatorCall(daemon.url, {
      type: 'UPDATE_WEIGHTS',
      update_weights: { weight_infos: [{ role: 'x', weight: 0 }] },
    });
    expect(update.status).toBe(400);
    const weights = await operatorCall(daemon.url, { type: 'GET_WEIGHTS' });
    expect(weights.json.get_weights.weight_infos).toEqual([]);
  });
});
