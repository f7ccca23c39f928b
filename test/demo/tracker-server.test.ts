import type { WorldFrame } from '@mesolite/zombies-tracker/protocol';
import { startTracker, type TrackerHandle } from '@mesolite/zombies-tracker/server';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';

const opened: TrackerHandle[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await Promise.all(opened.splice(0).map((tracker) => tracker.close()));
});

async function tracker(overrides: { chaos?: boolean; instanceId?: string; seed?: number } = {}) {
  const handle = await startTracker({
    port: 0,
    host: '127.0.0.1',
    seed: overrides.seed ?? 7,
    instanceId: overrides.instanceId ?? 'test-1',
    chaos: overrides.chaos ?? false,
    zombies: 20,
    survivors: 5,
  });
  opened.push(handle);
  return handle;
}

function connect(url: string): Socket {
  const socket = io(url, { transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  return socket;
}

/** Collects frames until `enough` says stop. */
function frames(socket: Socket, enough: (all: WorldFrame[]) => boolean): Promise<WorldFrame[]> {
  return new Promise((resolve) => {
    const all: WorldFrame[] = [];
    const onFrame = (frame: WorldFrame) => {
      all.push(frame);
      if (enough(all)) {
        socket.off('world', onFrame);
        resolve(all);
      }
    };
    socket.on('world', onFrame);
  });
}

describe('the Zombies Tracker server', () => {
  it('serves the page, its module and Leaflet', async () => {
    const { url } = await tracker();
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="map"');
    expect(html).toContain('/app/main.js');
    for (const path of ['/app/main.js', '/protocol.js', '/vendor/leaflet/leaflet-src.esm.js']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain('javascript');
    }
    expect((await fetch(`${url}/vendor/leaflet/leaflet.css`)).status).toBe(200);
    expect((await fetch(`${url}/app/..%2Fserver.js`)).status).toBe(404);
  });

  it('serves the town as named GeoJSON streets and areas', async () => {
    const { url } = await tracker();
    const response = await fetch(`${url}/world.geojson`);
    expect(response.status).toBe(200);
    const town = (await response.json()) as {
      type: string;
      features: { geometry: { type: string }; properties: { name?: string } }[];
    };
    expect(town.type).toBe('FeatureCollection');
    const types = new Set(town.features.map((feature) => feature.geometry.type));
    expect(types).toEqual(new Set(['LineString', 'Polygon']));
    for (const feature of town.features) expect(feature.properties.name).toBeTruthy();
  });

  it('answers /health and /instance', async () => {
    const { url } = await tracker({ instanceId: 'zombies.abc' });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    expect(await (await fetch(`${url}/instance`)).json()).toMatchObject({
      instance: 'zombies.abc',
      chaos: false,
      healthy: true,
    });
  });

  it('hides the chaos endpoints unless chaos is enabled', async () => {
    const { url } = await tracker();
    expect((await fetch(`${url}/chaos/unhealthy`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/chaos/kill`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('turns unhealthy on request when chaos is enabled', async () => {
    const { url } = await tracker({ chaos: true });
    expect((await fetch(`${url}/chaos/unhealthy`, { method: 'POST' })).status).toBe(200);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(503);
  });

  it('kills itself after answering, when chaos is enabled', async () => {
    let killed = false;
    const handle = await startTracker({
      port: 0,
      host: '127.0.0.1',
      seed: 1,
      instanceId: 'doomed',
      chaos: true,
      onKill: () => {
        killed = true;
      },
    });
    opened.push(handle);
    const response = await fetch(`${handle.url}/chaos/kill`, { method: 'POST' });
    expect(response.status).toBe(200);
    await expect.poll(() => killed).toBe(true);
  });

  it('broadcasts the same world from two instances with the same seed', async () => {
    const first = await tracker({ instanceId: 'a' });
    const second = await tracker({ instanceId: 'b' });
    const [fromFirst, fromSecond] = await Promise.all(
      [first, second].map((handle) => frames(connect(handle.url), (all) => all.length >= 6)),
    );
    const byTime = new Map((fromSecond ?? []).map((frame) => [frame.t, frame]));
    const shared = (fromFirst ?? []).filter((frame) => byTime.has(frame.t));
    // Both tick on the same 100 ms grid, so most instants are broadcast by both.
    expect(shared.length).toBeGreaterThan(2);
    for (const frame of shared) {
      const other = byTime.get(frame.t);
      expect(frame.instance).toBe('a');
      expect(other?.instance).toBe('b');
      expect(other?.zombies).toEqual(frame.zombies);
      expect(other?.survivors).toEqual(frame.survivors);
      expect(other?.counters.infected).toBe(frame.counters.infected);
      expect(frame.zombies).toHaveLength(20);
      expect(frame.t % 100).toBe(0);
    }
  });

  it('relays a sighting to every connected client', async () => {
    const { url } = await tracker({ instanceId: 'relay' });
    const reporter = connect(url);
    const watcher = connect(url);
    await Promise.all(
      [reporter, watcher].map(
        (socket) => new Promise((resolve) => socket.once('sightings', resolve)),
      ),
    );
    const seen = new Promise((resolve) => watcher.once('sighting', resolve));
    reporter.emit('sighting', { lat: 52.006, lng: 4.01 });
    expect(await seen).toMatchObject({ id: 'relay-1', lat: 52.006, lng: 4.01 });
    // A latecomer gets what was already reported.
    const late = connect(url);
    const earlier = await new Promise((resolve) => late.once('sightings', resolve));
    expect(earlier).toMatchObject([{ id: 'relay-1' }]);
  });

  it('ignores sightings outside the town', async () => {
    const { url } = await tracker();
    const socket = connect(url);
    await new Promise((resolve) => socket.once('sightings', resolve));
    let relayed = false;
    socket.on('sighting', () => {
      relayed = true;
    });
    socket.emit('sighting', { lat: 0, lng: 0 });
    const frame = await frames(socket, (all) => all.length >= 3);
    expect(relayed).toBe(false);
    expect(frame.at(-1)?.counters.sightings).toBe(0);
  });
});
