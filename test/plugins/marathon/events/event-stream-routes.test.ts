import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { buildServer, type MesoliteServer } from '@mesolite/daemon/server/app';
import {
  apiPostEvent,
  appTerminatedEvent,
  groupChangeSuccessEvent,
} from '@mesolite/plugin-marathon/events/event-builders';
import { EventBus } from '@mesolite/plugin-marathon/events/event-bus';
import {
  type EventStreamRoutesOptions,
  eventStreamRoutes,
} from '@mesolite/plugin-marathon/events/event-stream-routes';
import type { MarathonEvent } from '@mesolite/plugin-marathon/events/marathon-events';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SseClient } from './sse-client.js';

let app: MesoliteServer | undefined;
let bus: EventBus;
let baseUrl: string;
const clients: SseClient[] = [];
const sockets: Socket[] = [];
const logLines: Array<{ level: number; msg: string }> = [];

async function serve(options: EventStreamRoutesOptions = {}): Promise<void> {
  bus = new EventBus();
  const logSink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') logLines.push(JSON.parse(line) as { level: number; msg: string });
      }
      done();
    },
  });
  app = buildServer({ logger: pino({ level: 'info' }, logSink) });
  app.register(eventStreamRoutes(bus, options));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  baseUrl = `http://127.0.0.1:${address.port}`;
}

async function attach(query = '', headers: Record<string, string> = {}): Promise<SseClient> {
  const client = await SseClient.connect(`${baseUrl}/v2/events${query}`, headers);
  clients.push(client);
  return client;
}

/** The events the bus carries from now on, for checking what the route published. */
function record(): MarathonEvent[] {
  const seen: MarathonEvent[] = [];
  bus.subscribe((event) => seen.push(event));
  return seen;
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const socket of sockets.splice(0)) socket.destroy();
  await app?.close();
  app = undefined;
  logLines.length = 0;
});

describe('GET /v2/events', () => {
  it('answers 405, as Marathon’s servlet does, without Accept: text/event-stream', async () => {
    await serve();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${baseUrl}/v2/events`, { headers: { accept: 'application/json' } });
      req.once('response', (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      req.once('error', reject);
      req.end();
    });
    expect(status).toBe(405);
  });

  it('opens a text/event-stream whose first event is the client’s own attach', async () => {
    await serve();
    const client = await attach();
    expect(client.response.statusCode).toBe(200);
    expect(client.response.headers['content-type']).toBe('text/event-stream;charset=utf-8');
    const first = await client.next();
    expect(first.event).toBe('event_stream_attached');
    expect(JSON.parse(first.data)).toEqual({
      remoteAddress: '127.0.0.1',
      eventType: 'event_stream_attached',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('frames events exactly as Marathon does: event line, data line, CRLF endings', async () => {
    await serve();
    const client = await attach();
    await client.next();
    const event = appTerminatedEvent({ appId: '/a' }, new Date('2020-01-01T00:00:00.000Z'));
    bus.publish(event);
    const frame = `event: app_terminated_event\r\ndata: ${JSON.stringify(event)}\r\n\r\n`;
    await client.waitForRaw((raw) => raw.endsWith(frame));
  });

  it('sends every published event, named by its eventType, with its JSON as data', async () => {
    await serve();
    const client = await attach();
    await client.next();
    const event = groupChangeSuccessEvent({ groupId: '/g', version: 'v1' });
    bus.publish(event);
    const received = await client.next();
    expect(received.event).toBe('group_change_success');
    expect(JSON.parse(received.data)).toEqual(event);
  });

  it('sends only the types named by repeated event_type parameters', async () => {
    await serve();
    const client = await attach('?event_type=app_terminated_event&event_type=group_change_success');
    bus.publish(apiPostEvent({ clientIp: '::1', uri: '/v2/apps/a', appDefinition: {} }));
    bus.publish(appTerminatedEvent({ appId: '/a' }));
    bus.publish(groupChangeSuccessEvent({ groupId: '/g', version: 'v1' }));
    expect((await client.next()).event).toBe('app_terminated_event');
    expect((await client.next()).event).toBe('group_change_success');
  });

  it('announces a client’s detach and unsubscribes it when the client goes away', async () => {
    await serve();
    const seen = record();
    const client = await attach();
    await client.next();
    const subscribersWhileAttached = bus.subscriberCount;
    client.close();
    await until(() => seen.some((event) => event.eventType === 'event_stream_detached'));
    expect(bus.subscriberCount).toBe(subscribersWhileAttached - 1);
  });

  it('shows other clients each attach', async () => {
    await serve();
    const watcher = await attach();
    await watcher.next();
    await attach();
    expect((await watcher.next()).event).toBe('event_stream_attached');
  });

  it('writes a bare line end as keep-alive while nothing happens', async () => {
    await serve({ heartbeatIntervalMs: 20 });
    const client = await attach();
    await client.next();
    const afterAttach = client.raw.length;
    await client.waitForRaw((raw) => raw.length >= afterAttach + 4);
    expect(client.raw.slice(afterAttach, afterAttach + 4)).toBe('\r\n\r\n');
  });

  it('drops a client that stops reading, with a warning, and keeps serving the others', async () => {
    await serve({ maxOutstandingEvents: 8 });
    const reader = await attach();
    await reader.next();

    // A raw client that sends its request and then never reads a byte of the answer.
    const stalled = connect({ host: '127.0.0.1', port: Number(new URL(baseUrl).port) });
    sockets.push(stalled);
    stalled.write('GET /v2/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    stalled.pause();
    const subscribersBefore = bus.subscriberCount + 1;
    await until(() => bus.subscriberCount === subscribersBefore);

    const dropped = () =>
      logLines.some((line) => line.msg === 'Closing connection for slow event consumer');
    // Large events fill the socket buffers of the stalled client quickly; the reader
    // keeps up because each publish is followed by a turn of the event loop.
    const appDefinition = { id: '/big', cmd: 'x'.repeat(64 * 1024) };
    for (let i = 0; i < 2_000 && !dropped(); i += 1) {
      bus.publish(apiPostEvent({ clientIp: '::1', uri: '/v2/apps/big', appDefinition }));
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(dropped()).toBe(true);
    expect(logLines.find((line) => line.msg.includes('slow event consumer'))?.level).toBe(40);
    expect(bus.subscriberCount).toBe(subscribersBefore - 1);
    bus.publish(appTerminatedEvent({ appId: '/still-here' }));
    await reader.waitForRaw((raw) => raw.includes('/still-here'), 10_000);
  });

  it('ends open streams cleanly when the server closes', async () => {
    await serve();
    const client = await attach();
    await client.next();
    await app?.close();
    app = undefined;
    await client.ended;
    expect(client.response.complete).toBe(true);
  });
});
