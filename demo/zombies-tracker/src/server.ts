import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import type {
  ClientToServerEvents,
  Counters,
  InstanceInfo,
  LatLngTuple,
  ServerToClientEvents,
  Sighting,
  WorldFrame,
} from './protocol.js';
import { FRAME_MS, TOWN_BOUNDS } from './protocol.js';
import { DEFAULT_SURVIVORS, DEFAULT_ZOMBIES, townWorld } from './town.js';
import { type AgentPosition, outbreakCount, validateWorldConfig, worldAt } from './world.js';

export interface TrackerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly seed: number;
  /** Shown on every page, so the audience sees which instance serves it. */
  readonly instanceId: string;
  /** Enables POST /chaos/*; off by default because it lets anyone break the instance. */
  readonly chaos?: boolean;
  readonly zombies?: number;
  readonly survivors?: number;
  readonly logger?: boolean;
  /** What POST /chaos/kill does after answering; the default ends the process. */
  readonly onKill?: () => void;
}

export interface TrackerHandle {
  readonly url: string;
  readonly instanceId: string;
  close(): Promise<void>;
}

/** Sightings kept in memory; older ones are dropped so a long demo cannot grow memory. */
export const MAX_SIGHTINGS = 50;

// src/ and dist/ are both one level under the package, so this finds the package whether
// the tracker runs from TypeScript sources (tests) or from the build (Marathon).
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const PUBLIC_DIR = join(PACKAGE_ROOT, 'public');
const BROWSER_DIR = join(PACKAGE_ROOT, 'dist', 'browser');
// Leaflet is served from the installed package, never from a CDN: the demo must work offline.
const LEAFLET_DIST = dirname(
  createRequire(import.meta.url).resolve('leaflet/dist/leaflet-src.esm.js'),
);

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function tuples(agents: readonly AgentPosition[]): LatLngTuple[] {
  return agents.map((agent) => [round6(agent.lat), round6(agent.lng)]);
}

/** The instant on the shared 100 ms grid at or before now, identical on every instance. */
export function frameTime(now: number): number {
  return Math.floor(now / FRAME_MS) * FRAME_MS;
}

function parseReport(body: unknown): { lat: number; lng: number } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { lat, lng } = body as { lat?: unknown; lng?: unknown };
  if (typeof lat !== 'number' || typeof lng !== 'number') return undefined;
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) return undefined;
  // A sighting outside the town could only come from a broken or hostile client.
  const { south, west, north, east } = TOWN_BOUNDS;
  if (lat < south || lat > north || lng < west || lng > east) return undefined;
  return { lat: round6(lat), lng: round6(lng) };
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json',
};

function contentType(file: string): string {
  const dot = file.lastIndexOf('.');
  return CONTENT_TYPES[file.slice(dot)] ?? 'application/octet-stream';
}

/**
 * Serves the files of one directory by exact name. The list is read once at start, so a
 * request can only name a file that was there: no path from the URL reaches the disk.
 */
async function serveDirectory(
  app: FastifyInstance,
  prefix: string,
  dir: string,
  accept: (file: string) => boolean,
): Promise<void> {
  const files = new Set((await readdir(dir).catch(() => [])).filter(accept));
  app.get<{ Params: { file: string } }>(`${prefix}/:file`, async (request, reply) => {
    const { file } = request.params;
    if (!files.has(file)) return reply.code(404).send({ error: `no file ${prefix}/${file}` });
    return reply
      .type(contentType(file))
      .header('cache-control', 'no-cache')
      .send(await readFile(join(dir, file)));
  });
}

export async function startTracker(options: TrackerOptions): Promise<TrackerHandle> {
  const { seed, instanceId } = options;
  const chaos = options.chaos ?? false;
  const world = townWorld(
    seed,
    options.zombies ?? DEFAULT_ZOMBIES,
    options.survivors ?? DEFAULT_SURVIVORS,
  );
  validateWorldConfig(world);
  const onKill = options.onKill ?? (() => process.exit(137));

  let healthy = true;
  let sightingSeq = 0;
  const sightings: Sighting[] = [];

  const app = Fastify({
    logger: options.logger ? { base: { instance: instanceId } } : false,
    // A page left open keeps a socket.io connection; close() must not wait for it.
    forceCloseConnections: true,
  });

  const indexHtml = await readFile(join(PUBLIC_DIR, 'index.html'), 'utf8');
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(indexHtml));
  app.get('/world.geojson', async (_request, reply) =>
    reply
      .type('application/geo+json')
      .send(await readFile(join(PUBLIC_DIR, 'world.geojson'), 'utf8')),
  );
  await serveDirectory(app, '/static', PUBLIC_DIR, (file) => /\.(css|js)$/.test(file));
  await serveDirectory(app, '/app', join(BROWSER_DIR, 'page'), (file) =>
    /\.js(\.map)?$/.test(file),
  );
  // The page module imports '../protocol.js' (shared constants), which the browser
  // resolves against /app/ to /protocol.js.
  app.get('/protocol.js', async (_request, reply) =>
    reply.type(contentType('.js')).send(await readFile(join(BROWSER_DIR, 'protocol.js'), 'utf8')),
  );
  await serveDirectory(app, '/vendor/leaflet', LEAFLET_DIST, (file) =>
    /^leaflet(-src\.esm\.js|\.css)$/.test(file),
  );
  await serveDirectory(app, '/vendor/leaflet/images', join(LEAFLET_DIST, 'images'), () => true);

  app.get('/health', async (_request, reply) =>
    healthy
      ? reply.type('text/plain').send('ok')
      : reply.code(503).type('text/plain').send('unhealthy'),
  );
  app.get(
    '/instance',
    async (): Promise<InstanceInfo> => ({ instance: instanceId, seed, chaos, healthy }),
  );

  app.post('/chaos/unhealthy', async (request, reply) => {
    if (!chaos) return reply.code(404).send({ error: 'chaos is off (start with ZOMBIES_CHAOS=1)' });
    healthy = false;
    request.log.warn('chaos: marked unhealthy');
    return { instance: instanceId, healthy };
  });
  app.post('/chaos/kill', async (request, reply) => {
    if (!chaos) return reply.code(404).send({ error: 'chaos is off (start with ZOMBIES_CHAOS=1)' });
    request.log.warn('chaos: killing the instance');
    // Answer first, so the presenter sees which instance is going down.
    reply.raw.on('finish', () => setImmediate(onKill));
    return { instance: instanceId, killed: true };
  });

  const io = new Server<ClientToServerEvents, ServerToClientEvents>(app.server, {
    // The page is served by this same origin; no CORS needed.
    serveClient: true,
  });

  io.on('connection', (socket) => {
    socket.emit('sightings', sightings);
    socket.on('sighting', (report) => {
      const point = parseReport(report);
      if (point === undefined) return;
      sightingSeq += 1;
      // Ids name the instance and a sequence, so they are reproducible and never collide
      // between instances that pages hop across.
      const sighting: Sighting = { id: `${instanceId}-${sightingSeq}`, ...point, at: Date.now() };
      sightings.push(sighting);
      if (sightings.length > MAX_SIGHTINGS) sightings.splice(0, sightings.length - MAX_SIGHTINGS);
      io.emit('sighting', sighting);
    });
  });

  const frameAt = (t: number): WorldFrame => {
    const snapshot = worldAt(world, t);
    const counters: Counters = {
      zombies: world.zombies,
      survivors: world.survivors,
      infected: outbreakCount(t, world.epochMs),
      sightings: sightings.length,
      clients: io.engine.clientsCount,
    };
    return {
      t,
      instance: instanceId,
      zombies: tuples(snapshot.zombies),
      survivors: tuples(snapshot.survivors),
      counters,
    };
  };

  // Ticks are aligned to the shared 100 ms grid rather than to this instance's start, so
  // every instance broadcasts the same instants and a page switching instances sees none
  // out of order.
  let tickTimer: NodeJS.Timeout | undefined;
  let lastT = 0;
  const tick = () => {
    const now = Date.now();
    const t = frameTime(now);
    if (t > lastT && io.engine.clientsCount > 0) io.emit('world', frameAt(t));
    lastT = Math.max(lastT, t);
    tickTimer = setTimeout(tick, t + FRAME_MS - now + 1);
  };
  tick();

  await app.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  const address = app.server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? '127.0.0.1' : shownHost}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    instanceId,
    close() {
      closing ??= (async () => {
        if (tickTimer !== undefined) clearTimeout(tickTimer);
        io.disconnectSockets(true);
        io.engine.close();
        await app.close();
      })();
      return closing;
    },
  };
}
