import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@mesolite/daemon/logger';
import type { FrameworkInfo, Offer } from '@mesolite/daemon/protocol/mesos';
import { encodeRecord } from '@mesolite/daemon/protocol/recordio';
import { SchedulerClient, type SchedulerClientEvents } from '@mesolite/daemon/scheduler/client';
import {
  MasterUnreachableError,
  SchedulerCallError,
  SchedulerStreamError,
} from '@mesolite/daemon/scheduler/errors';
import {
  HttpSchedulerTransport,
  type HttpSchedulerTransportOptions,
} from '@mesolite/daemon/scheduler/http-transport';
import type { SchedulerStream } from '@mesolite/daemon/scheduler/transport';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeMesosMaster } from './fake-mesos-master.js';

const FRAMEWORK: FrameworkInfo = { user: 'root', name: 'http-framework', failover_timeout: 60 };
const OFFER: Offer = {
  id: { value: 'offer-1' },
  framework_id: { value: 'fw-http' },
  agent_id: { value: 'agent-1' },
  hostname: 'localhost',
  resources: [{ name: 'mem', type: 'SCALAR', scalar: { value: 128 } }],
};

describe('HttpSchedulerTransport', () => {
  const masters: FakeMesosMaster[] = [];
  const clients: SchedulerClient[] = [];
  const streams: SchedulerStream[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const stream of streams.splice(0)) stream.close();
    await Promise.all(masters.splice(0).map((master) => master.close()));
  });

  async function startMaster(): Promise<FakeMesosMaster> {
    const master = await FakeMesosMaster.start();
    masters.push(master);
    return master;
  }

  function clientFor(
    options: HttpSchedulerTransportOptions,
    heartbeatTimeoutFactor = 5,
  ): SchedulerClient {
    const client = new SchedulerClient({
      transport: new HttpSchedulerTransport(options),
      backoff: { initialDelayMs: 5, maxDelayMs: 20 },
      heartbeatTimeoutFactor,
      logger: createLogger('silent'),
    });
    clients.push(client);
    return client;
  }

  function next<K extends keyof SchedulerClientEvents>(
    client: SchedulerClient,
    event: K,
  ): Promise<SchedulerClientEvents[K]> {
    return new Promise((resolve) => client.once(event, (...args) => resolve(args)));
  }

  it.each([
    ['http://master:5050', 'http://master:5050/api/v1/scheduler'],
    ['http://master:5050/', 'http://master:5050/api/v1/scheduler'],
    ['https://dcos.example/mesos', 'https://dcos.example/mesos/api/v1/scheduler'],
    ['http://master:5050/api/v1/scheduler', 'http://master:5050/api/v1/scheduler'],
  ])('derives the scheduler endpoint from %s', (master, endpoint) => {
    expect(new HttpSchedulerTransport({ master }).url).toBe(endpoint);
  });

  it('sends SUBSCRIBE as a JSON POST to /api/v1/scheduler and reads SUBSCRIBED from the stream', async () => {
    const master = await startMaster();
    const id = await clientFor({ master: master.url }).subscribe(FRAMEWORK);
    expect(id).toEqual({ value: 'fw-http' });
    const [request] = master.subscribes;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/api/v1/scheduler',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      call: { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } },
    });
    expect(request?.headers['mesos-stream-id']).toBeUndefined();
  });

  it('delivers RecordIO-framed events from the open SUBSCRIBE response', async () => {
    const master = await startMaster();
    const client = clientFor({ master: master.url });
    await client.subscribe(FRAMEWORK);
    const offers = next(client, 'offers');
    master.send({ type: 'OFFERS', offers: { offers: [OFFER] } });
    expect(await offers).toEqual([[OFFER]]);
  });

  it('reassembles an event split across writes', async () => {
    const master = await startMaster();
    const client = clientFor({ master: master.url });
    await client.subscribe(FRAMEWORK);
    const rescind = next(client, 'rescind');
    const record = encodeRecord({ type: 'RESCIND', rescind: { offer_id: OFFER.id } });
    master.write(record.subarray(0, 7));
    await new Promise((resolve) => setTimeout(resolve, 10));
    master.write(record.subarray(7));
    expect(await rescind).toEqual([OFFER.id]);
  });

  it('sends the Mesos-Stream-Id on later calls and resolves on 202', async () => {
    const master = await startMaster();
    const client = clientFor({ master: master.url });
    await client.subscribe(FRAMEWORK);
    await client.decline([OFFER.id], { refuse_seconds: 10 });
    expect(master.calls).toHaveLength(1);
    expect(master.calls[0]?.headers['mesos-stream-id']).toBe(master.streamId);
    expect(master.calls[0]?.call).toEqual({
      type: 'DECLINE',
      framework_id: { value: 'fw-http' },
      decline: { offer_ids: [OFFER.id], filters: { refuse_seconds: 10 } },
    });
  });

  it('accepts a master URL with a path prefix, as behind a proxy', async () => {
    const master = await startMaster();
    master.interceptor = (request, response) => {
      if (request.path !== '/mesos/api/v1/scheduler') return false;
      response.writeHead(307, { location: `//127.0.0.1:${master.port}/api/v1/scheduler` });
      response.end();
      return true;
    };
    await clientFor({ master: `${master.url}/mesos` }).subscribe(FRAMEWORK);
    expect(master.requests[0]?.path).toBe('/mesos/api/v1/scheduler');
  });

  it('follows a 307 to the leading master and sends later calls there', async () => {
    const leader = await startMaster();
    const follower = await startMaster();
    follower.interceptor = (_request, response) => {
      // What a non-leading Mesos master answers: a scheme-relative Location.
      response.writeHead(307, { location: `//127.0.0.1:${leader.port}/api/v1/scheduler` });
      response.end();
      return true;
    };
    const client = clientFor({ master: follower.url });
    await client.subscribe(FRAMEWORK);
    await client.reconcile();
    expect(follower.requests.map((request) => request.call.type)).toEqual(['SUBSCRIBE']);
    expect(leader.requests.map((request) => request.call.type)).toEqual(['SUBSCRIBE', 'RECONCILE']);
  });

  it('keeps the credentials when a redirect leads to another origin', async () => {
    const leader = await startMaster();
    const follower = await startMaster();
    follower.interceptor = (_request, response) => {
      response.writeHead(307, { location: `//127.0.0.1:${leader.port}/api/v1/scheduler` });
      response.end();
      return true;
    };
    const credentials = { principal: 'marathon', secret: 's3cret' };
    await clientFor({ master: follower.url, credentials }).subscribe(FRAMEWORK);
    const expected = `Basic ${Buffer.from('marathon:s3cret').toString('base64')}`;
    expect(follower.requests[0]?.headers.authorization).toBe(expected);
    expect(leader.requests[0]?.headers.authorization).toBe(expected);
  });

  it("surfaces a 400 as a SchedulerCallError carrying the status and the master's text", async () => {
    const master = await startMaster();
    master.interceptor = (request, response) => {
      if (request.call.type !== 'KILL') return false;
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end("Failed to validate scheduler::Call: Expecting 'kill' to be present");
      return true;
    };
    const client = clientFor({ master: master.url });
    await client.subscribe(FRAMEWORK);
    const failure = client.kill({ value: 'task-1' });
    await expect(failure).rejects.toBeInstanceOf(SchedulerCallError);
    await expect(failure).rejects.toMatchObject({
      statusCode: 400,
      callType: 'KILL',
      masterMessage: "Failed to validate scheduler::Call: Expecting 'kill' to be present",
    });
  });

  it('re-subscribes with the same framework id when the stream stops heartbeating', async () => {
    const master = await startMaster();
    master.heartbeatIntervalSeconds = 0.05;
    const client = clientFor({ master: master.url }, 2);
    await client.subscribe(FRAMEWORK);
    master.heartbeatIntervalSeconds = 15;
    const [info] = await next(client, 'disconnected');
    expect(info.reason).toMatchObject({ code: 'MESOLITE_ERR_SCHEDULER_HEARTBEAT_TIMEOUT' });
    await next(client, 'subscribed');
    expect(master.subscribes).toHaveLength(2);
    expect(master.subscribes[1]?.call).toEqual({
      type: 'SUBSCRIBE',
      framework_id: { value: 'fw-http' },
      subscribe: { framework_info: { ...FRAMEWORK, id: { value: 'fw-http' } } },
    });
  });

  it('stays subscribed while heartbeats arrive', async () => {
    const master = await startMaster();
    master.heartbeatIntervalSeconds = 0.05;
    const client = clientFor({ master: master.url }, 2);
    await client.subscribe(FRAMEWORK);
    const beats = setInterval(() => master.send({ type: 'HEARTBEAT' }), 50);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      clearInterval(beats);
    }
    expect(client.state).toBe('subscribed');
    expect(master.subscribes).toHaveLength(1);
  });

  it('reports a stream the master ended through onClose', async () => {
    const master = await startMaster();
    const transport = new HttpSchedulerTransport({ master: master.url });
    const closed = vi.fn();
    streams.push(
      await transport.subscribe(
        { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } },
        { onEvent: () => {}, onClose: closed },
      ),
    );
    master.endStream();
    await vi.waitFor(() => expect(closed).toHaveBeenCalledOnce());
    expect(closed.mock.calls[0]?.[0]).toBeInstanceOf(SchedulerStreamError);
  });

  it('rejects a 200 to SUBSCRIBE without a Mesos-Stream-Id', async () => {
    const master = await startMaster();
    master.interceptor = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end();
      return true;
    };
    const transport = new HttpSchedulerTransport({ master: master.url });
    const subscribing = transport.subscribe(
      { type: 'SUBSCRIBE', subscribe: { framework_info: FRAMEWORK } },
      { onEvent: () => {}, onClose: () => {} },
    );
    await expect(subscribing).rejects.toMatchObject({ code: 'MESOLITE_ERR_MISSING_STREAM_ID' });
  });

  it('reports a master nobody listens for as unreachable', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    server.close();
    await once(server, 'close');
    const transport = new HttpSchedulerTransport({ master: `http://127.0.0.1:${port}` });
    const calling = transport.call({ type: 'RECONCILE', reconcile: {} }, 'stream-1');
    await expect(calling).rejects.toBeInstanceOf(MasterUnreachableError);
  });
});
