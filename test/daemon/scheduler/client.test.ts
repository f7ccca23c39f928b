import { MesoliteError } from '@mesolite/daemon/errors';
import { createLogger } from '@mesolite/daemon/logger';
import type { FrameworkInfo, Offer, TaskStatus } from '@mesolite/daemon/protocol/mesos';
import type { SchedulerCall, SchedulerEvent } from '@mesolite/daemon/protocol/scheduler';
import {
  SchedulerClient,
  type SchedulerClientEvents,
  type SchedulerClientOptions,
} from '@mesolite/daemon/scheduler/client';
import {
  NotSubscribedError,
  SchedulerCallError,
  SchedulerClosedError,
} from '@mesolite/daemon/scheduler/errors';
import { InProcessSchedulerTransport } from '@mesolite/daemon/scheduler/in-process-transport';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSchedulerEndpoint } from './fake-endpoint.js';

const FRAMEWORK: FrameworkInfo = {
  user: 'root',
  name: 'test-framework',
  roles: ['web', 'batch'],
  failover_timeout: 60,
};
const AGENT = { value: 'agent-1' };
const TASK = { value: 'task-1' };
const OFFER: Offer = {
  id: { value: 'offer-1' },
  framework_id: { value: 'fw-in-process' },
  agent_id: AGENT,
  hostname: 'localhost',
  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }],
};
const RUNNING: TaskStatus = {
  task_id: TASK,
  state: 'TASK_RUNNING',
  agent_id: AGENT,
  uuid: 'dXVpZC0x',
};

describe('SchedulerClient over the in-process transport', () => {
  let client: SchedulerClient | undefined;
  afterEach(() => {
    client?.close();
    client = undefined;
  });

  function connect(
    endpoint: FakeSchedulerEndpoint,
    options: Partial<SchedulerClientOptions> = {},
  ): SchedulerClient {
    client = new SchedulerClient({
      transport: new InProcessSchedulerTransport(endpoint),
      backoff: { initialDelayMs: 5, maxDelayMs: 20 },
      logger: createLogger('silent'),
      ...options,
    });
    return client;
  }

  function next<K extends keyof SchedulerClientEvents>(
    target: SchedulerClient,
    event: K,
  ): Promise<SchedulerClientEvents[K]> {
    return new Promise((resolve) => target.once(event, (...args) => resolve(args)));
  }

  it('subscribes with the FrameworkInfo and resolves with the id from SUBSCRIBED', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const id = await connect(endpoint).subscribe(FRAMEWORK);
    expect(id).toEqual({ value: 'fw-in-process' });
    expect(endpoint.subscribeCalls).toEqual([
      { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } },
    ]);
  });

  it('emits connected, then subscribed with the SUBSCRIBED payload', async () => {
    const scheduler = connect(new FakeSchedulerEndpoint());
    const seen: string[] = [];
    scheduler.on('connected', () => {
      seen.push('connected');
    });
    scheduler.on('subscribed', (subscribed) => {
      seen.push(`subscribed ${subscribed.framework_id.value}`);
    });
    await scheduler.subscribe(FRAMEWORK);
    expect(seen).toEqual(['connected', 'subscribed fw-in-process']);
  });

  it('subscribes with a persisted framework id as a failover', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const id = await connect(endpoint).subscribe({ ...FRAMEWORK, id: { value: 'fw-old' } });
    expect(id).toEqual({ value: 'fw-old' });
    expect(endpoint.latest.call.framework_id).toEqual({ value: 'fw-old' });
  });

  const calls: Array<
    [string, (c: SchedulerClient) => Promise<void>, Omit<SchedulerCall, 'framework_id'>]
  > = [
    [
      'accept',
      (c) =>
        c.accept(
          [OFFER.id],
          [
            {
              type: 'LAUNCH',
              launch: { task_infos: [{ name: 't', task_id: TASK, agent_id: AGENT }] },
            },
          ],
          { refuse_seconds: 5 },
        ),
      {
        type: 'ACCEPT',
        accept: {
          offer_ids: [OFFER.id],
          operations: [
            {
              type: 'LAUNCH',
              launch: { task_infos: [{ name: 't', task_id: TASK, agent_id: AGENT }] },
            },
          ],
          filters: { refuse_seconds: 5 },
        },
      },
    ],
    [
      'decline',
      (c) => c.decline([OFFER.id]),
      { type: 'DECLINE', decline: { offer_ids: [OFFER.id] } },
    ],
    ['revive (all roles)', (c) => c.revive(), { type: 'REVIVE' }],
    ['revive (roles)', (c) => c.revive(['web']), { type: 'REVIVE', revive: { roles: ['web'] } }],
    ['suppress (all roles)', (c) => c.suppress(), { type: 'SUPPRESS' }],
    [
      'suppress (roles)',
      (c) => c.suppress(['batch']),
      { type: 'SUPPRESS', suppress: { roles: ['batch'] } },
    ],
    [
      'kill',
      (c) => c.kill(TASK, AGENT, { grace_period: { nanoseconds: 5e9 } }),
      {
        type: 'KILL',
        kill: {
          task_id: TASK,
          agent_id: AGENT,
          kill_policy: { grace_period: { nanoseconds: 5e9 } },
        },
      },
    ],
    ['kill (task only)', (c) => c.kill(TASK), { type: 'KILL', kill: { task_id: TASK } }],
    [
      'shutdown',
      (c) => c.shutdown({ value: 'executor-1' }, AGENT),
      { type: 'SHUTDOWN', shutdown: { executor_id: { value: 'executor-1' }, agent_id: AGENT } },
    ],
    [
      'acknowledge',
      (c) => c.acknowledge(AGENT, TASK, 'dXVpZC0x'),
      { type: 'ACKNOWLEDGE', acknowledge: { agent_id: AGENT, task_id: TASK, uuid: 'dXVpZC0x' } },
    ],
    ['reconcile (implicit)', (c) => c.reconcile(), { type: 'RECONCILE', reconcile: { tasks: [] } }],
    [
      'reconcile (explicit)',
      (c) => c.reconcile([{ task_id: TASK, agent_id: AGENT }]),
      { type: 'RECONCILE', reconcile: { tasks: [{ task_id: TASK, agent_id: AGENT }] } },
    ],
    [
      'message',
      (c) => c.message(AGENT, { value: 'executor-1' }, 'aGk='),
      {
        type: 'MESSAGE',
        message: { agent_id: AGENT, executor_id: { value: 'executor-1' }, data: 'aGk=' },
      },
    ],
    [
      'updateFramework',
      (c) => c.updateFramework({ ...FRAMEWORK, name: 'renamed' }, ['web']),
      {
        type: 'UPDATE_FRAMEWORK',
        update_framework: {
          framework_info: { ...FRAMEWORK, name: 'renamed', id: { value: 'fw-in-process' } },
          suppressed_roles: ['web'],
        },
      },
    ],
    ['teardown', (c) => c.teardown(), { type: 'TEARDOWN' }],
  ];

  it.each(calls)('sends %s with the framework id on the stream', async (_name, send, expected) => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    await send(scheduler);
    expect(endpoint.calls).toEqual([
      { call: { ...expected, framework_id: { value: 'fw-in-process' } }, streamId: 'stream-1' },
    ]);
  });

  const events: Array<[keyof SchedulerClientEvents, SchedulerEvent, unknown[]]> = [
    ['offers', { type: 'OFFERS', offers: { offers: [OFFER] } }, [[OFFER]]],
    ['rescind', { type: 'RESCIND', rescind: { offer_id: OFFER.id } }, [OFFER.id]],
    ['update', { type: 'UPDATE', update: { status: RUNNING } }, [RUNNING]],
    [
      'message',
      {
        type: 'MESSAGE',
        message: { agent_id: AGENT, executor_id: { value: 'e' }, data: 'aGk=' },
      },
      [{ agent_id: AGENT, executor_id: { value: 'e' }, data: 'aGk=' }],
    ],
    [
      'failure',
      { type: 'FAILURE', failure: { agent_id: AGENT, executor_id: { value: 'e' }, status: 1 } },
      [{ agent_id: AGENT, executor_id: { value: 'e' }, status: 1 }],
    ],
    ['heartbeat', { type: 'HEARTBEAT' }, []],
    [
      'error',
      { type: 'ERROR', error: { message: 'Framework failed over' } },
      ['Framework failed over'],
    ],
  ];

  it.each(events)("delivers the master's event to '%s' listeners", async (name, event, args) => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    const received = next(scheduler, name);
    endpoint.send(event);
    expect(await received).toEqual(args);
  });

  it('hands listeners copies, so they cannot change what the master holds', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    scheduler.on('offers', (offers) => {
      offers.length = 0;
    });
    const event: SchedulerEvent = { type: 'OFFERS', offers: { offers: [OFFER] } };
    const delivered = next(scheduler, 'offers');
    endpoint.send(event);
    await delivered;
    expect(event.offers?.offers).toEqual([OFFER]);
  });

  it('rejects a call before the framework is subscribed', async () => {
    const scheduler = connect(new FakeSchedulerEndpoint());
    await expect(scheduler.decline([OFFER.id])).rejects.toBeInstanceOf(NotSubscribedError);
  });

  it("surfaces the master's refusal as a SchedulerCallError with its status and text", async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    endpoint.callFailure = new MesoliteError(
      'MESOLITE_ERR_BAD_CALL',
      'Offer offer-1 is no longer valid',
      400,
    );
    const failure = scheduler.accept([OFFER.id], []);
    await expect(failure).rejects.toBeInstanceOf(SchedulerCallError);
    await expect(failure).rejects.toMatchObject({
      code: 'MESOLITE_ERR_SCHEDULER_CALL_REJECTED',
      statusCode: 400,
      masterMessage: 'Offer offer-1 is no longer valid',
    });
  });

  it('does not acknowledge updates by default', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    const delivered = next(scheduler, 'update');
    endpoint.send({ type: 'UPDATE', update: { status: RUNNING } });
    await delivered;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(endpoint.calls).toEqual([]);
  });

  it('acknowledges automatically once the update listeners have resolved', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint, { autoAcknowledge: true });
    await scheduler.subscribe(FRAMEWORK);
    let persisted = false;
    scheduler.on('update', async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      persisted = true;
    });
    endpoint.send({ type: 'UPDATE', update: { status: RUNNING } });
    await vi.waitFor(() => expect(endpoint.calls).toHaveLength(1));
    expect(persisted).toBe(true);
    expect(endpoint.calls[0]?.call.acknowledge).toEqual({
      agent_id: AGENT,
      task_id: TASK,
      uuid: RUNNING.uuid,
    });
  });

  it('does not acknowledge an update without a uuid (one the master made)', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint, { autoAcknowledge: true });
    await scheduler.subscribe(FRAMEWORK);
    const { uuid: _uuid, ...reconciled } = RUNNING;
    const delivered = next(scheduler, 'update');
    endpoint.send({ type: 'UPDATE', update: { status: reconciled } });
    await delivered;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(endpoint.calls).toEqual([]);
  });

  it('does not acknowledge automatically when an update listener fails', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint, { autoAcknowledge: true });
    await scheduler.subscribe(FRAMEWORK);
    const failed = new Promise<void>((resolve) => {
      scheduler.on('update', async () => {
        resolve();
        throw new Error('store is down');
      });
    });
    endpoint.send({ type: 'UPDATE', update: { status: RUNNING } });
    await failed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(endpoint.calls).toEqual([]);
  });

  it('keeps delivering events after a listener throws', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    scheduler.once('heartbeat', () => {
      throw new Error('listener bug');
    });
    const offers = next(scheduler, 'offers');
    endpoint.send({ type: 'HEARTBEAT' });
    endpoint.send({ type: 'OFFERS', offers: { offers: [OFFER] } });
    expect(await offers).toEqual([[OFFER]]);
  });

  it("lets a 'subscribed' listener send calls right away", async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    const reconciled = new Promise<void>((resolve, reject) => {
      scheduler.on('subscribed', () => scheduler.reconcile().then(resolve, reject));
    });
    await scheduler.subscribe(FRAMEWORK);
    await reconciled;
    expect(endpoint.calls.map(({ call }) => call.type)).toEqual(['RECONCILE']);
  });

  it('subscribes again with its framework id when the master closes the stream', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    const disconnected = next(scheduler, 'disconnected');
    const resubscribed = next(scheduler, 'subscribed');
    endpoint.end();
    const [info] = await disconnected;
    expect(info.reconnecting).toBe(true);
    await resubscribed;
    expect(endpoint.streams).toHaveLength(2);
    expect(endpoint.latest.call).toEqual({
      type: 'SUBSCRIBE',
      framework_id: { value: 'fw-in-process' },
      subscribe: { framework_info: { ...FRAMEWORK, id: { value: 'fw-in-process' } } },
    });
  });

  it('keeps suppressed roles suppressed across a re-subscription', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    await scheduler.suppress();
    await scheduler.revive(['web']);
    const resubscribed = next(scheduler, 'subscribed');
    endpoint.end();
    await resubscribed;
    expect(endpoint.latest.call.subscribe?.suppressed_roles).toEqual(['batch']);
  });

  it('re-subscribes with the FrameworkInfo given to updateFramework', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    await scheduler.updateFramework({ ...FRAMEWORK, name: 'renamed' });
    const resubscribed = next(scheduler, 'subscribed');
    endpoint.end();
    await resubscribed;
    expect(endpoint.latest.call.subscribe?.framework_info.name).toBe('renamed');
  });

  it('retries SUBSCRIBE while the master answers 503', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const recovering = new MesoliteError(
      'MESOLITE_ERR_MASTER_RECOVERING',
      'Master has not finished recovery',
      503,
    );
    endpoint.subscribeFailures.push(recovering, recovering);
    const id = await connect(endpoint).subscribe(FRAMEWORK);
    expect(id).toEqual({ value: 'fw-in-process' });
    expect(endpoint.subscribeFailures).toEqual([]);
  });

  it('gives up and rejects subscribe() when the master refuses SUBSCRIBE with a 4xx', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    endpoint.subscribeFailures.push(
      new MesoliteError('MESOLITE_ERR_BAD_CALL', "Role '/bad' is invalid", 400),
    );
    const scheduler = connect(endpoint);
    await expect(scheduler.subscribe(FRAMEWORK)).rejects.toMatchObject({
      statusCode: 400,
      masterMessage: "Role '/bad' is invalid",
    });
    expect(scheduler.state).toBe('closed');
  });

  it('stops without reconnecting after an ERROR event', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    const closed = next(scheduler, 'closed');
    endpoint.send({ type: 'ERROR', error: { message: 'Framework has been removed' } });
    const [reason] = await closed;
    expect(reason).toMatchObject({ code: 'MESOLITE_ERR_FRAMEWORK_ERROR' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(endpoint.streams).toHaveLength(1);
    expect(endpoint.latest.closedByClient).toBe(true);
  });

  it('does not reconnect after teardown, even when the master closes the stream first', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    const teardown = scheduler.teardown();
    endpoint.end();
    await teardown;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(scheduler.state).toBe('closed');
    expect(endpoint.streams).toHaveLength(1);
  });

  it('close() closes the stream and delivers nothing after it', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    const scheduler = connect(endpoint);
    await scheduler.subscribe(FRAMEWORK);
    const heartbeat = vi.fn();
    scheduler.on('heartbeat', heartbeat);
    scheduler.close();
    endpoint.send({ type: 'HEARTBEAT' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(endpoint.latest.closedByClient).toBe(true);
    expect(heartbeat).not.toHaveBeenCalled();
  });

  it('close() rejects a subscribe() that is still waiting for the master', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    endpoint.confirmSubscriptions = false;
    const scheduler = connect(endpoint);
    const subscribed = scheduler.subscribe(FRAMEWORK);
    scheduler.close();
    await expect(subscribed).rejects.toBeInstanceOf(SchedulerClosedError);
  });

  it('re-subscribes when no event arrives for heartbeat interval × factor', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    endpoint.heartbeatIntervalSeconds = 0.02;
    const scheduler = connect(endpoint, { heartbeatTimeoutFactor: 2 });
    await scheduler.subscribe(FRAMEWORK);
    // The next stream gets the usual interval, so that it is not dropped in turn.
    endpoint.heartbeatIntervalSeconds = 15;
    const [info] = await next(scheduler, 'disconnected');
    expect(info.reason).toMatchObject({ code: 'MESOLITE_ERR_SCHEDULER_HEARTBEAT_TIMEOUT' });
    await vi.waitFor(() => expect(endpoint.streams).toHaveLength(2));
    expect(endpoint.streams[0]?.closedByClient).toBe(true);
    expect(endpoint.latest.call.framework_id).toEqual({ value: 'fw-in-process' });
  });

  it('retries a SUBSCRIBE the master never confirms', async () => {
    const endpoint = new FakeSchedulerEndpoint();
    endpoint.confirmSubscriptions = false;
    connect(endpoint, { subscribeTimeoutMs: 20 })
      .subscribe(FRAMEWORK)
      .catch(() => {});
    await vi.waitFor(() => expect(endpoint.streams.length).toBeGreaterThanOrEqual(2));
    expect(endpoint.streams[0]?.closedByClient).toBe(true);
  });

  it('refuses a second subscribe()', async () => {
    const scheduler = connect(new FakeSchedulerEndpoint());
    await scheduler.subscribe(FRAMEWORK);
    await expect(scheduler.subscribe(FRAMEWORK)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_SCHEDULER_ALREADY_SUBSCRIBED',
    });
  });
});
