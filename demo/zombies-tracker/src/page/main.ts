/**
 * The Zombies Tracker page. Runs in the browser as an ES module; the import map in
 * public/index.html points 'leaflet' and 'socket.io-client' at files the tracker serves,
 * so nothing is fetched from the internet.
 */
import * as L from 'leaflet';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  LatLngTuple,
  ServerToClientEvents,
  Sighting,
  WorldFrame,
} from '../protocol.js';
import { FRAME_MS, TOWN_BOUNDS } from '../protocol.js';

// Drawing a little in the past keeps two frames around the drawn instant, so markers glide
// between them instead of stepping at 10 Hz.
const RENDER_DELAY_MS = 2 * FRAME_MS;
const FRAMES_KEPT = 8;
const TRAIL_POINTS = 10;
const TRAIL_SAMPLE_MS = 500;
const HEAT_EVERY_MS = 1000;
const HEAT_GRID = 6;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const bounds = L.latLngBounds(
  [TOWN_BOUNDS.south, TOWN_BOUNDS.west],
  [TOWN_BOUNDS.north, TOWN_BOUNDS.east],
);
// Quarter zoom steps let the small town fill the window instead of a power-of-two share.
const map = L.map('map', { maxBounds: bounds.pad(0.5), zoomSnap: 0.25 }).fitBounds(bounds);
// The heat layer is redrawn every second; its own pane keeps it under markers and trails.
const heatPane = map.createPane('heat');
heatPane.style.zIndex = '350';

// Online tiles are a bonus: added only if one tile loads, so offline the town stays clean.
const probe = new Image();
probe.onload = () => {
  L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: 19,
    opacity: 0.35,
    attribution: '&copy; OpenStreetMap contributors',
  })
    .addTo(map)
    .bringToBack();
};
probe.src = 'https://tile.openstreetmap.org/0/0/0.png';

const STYLE: Readonly<Record<string, L.PathOptions>> = {
  main: { color: '#555', weight: 7 },
  street: { color: '#777', weight: 5 },
  path: { color: '#4a7fb0', weight: 3, dashArray: '4 4' },
  building: { color: '#6b5e4b', weight: 1, fillColor: '#a89a84', fillOpacity: 0.9 },
  park: { color: '#3f7a3f', weight: 1, fillColor: '#8cc08c', fillOpacity: 0.7 },
};

async function loadTown(): Promise<void> {
  const response = await fetch('/world.geojson');
  if (!response.ok) throw new Error(`GET /world.geojson answered ${response.status}`);
  const town = (await response.json()) as Parameters<typeof L.geoJSON>[0];
  L.geoJSON(town, {
    style: (feature) => STYLE[String(feature?.properties?.kind)] ?? {},
    onEachFeature: (feature, layer) => {
      const name: unknown = feature.properties?.name;
      if (typeof name === 'string') layer.bindTooltip(name);
    },
  }).addTo(map);
}
loadTown().catch((err: unknown) => {
  element('connection').textContent = `map failed: ${String(err)}`;
});

// Layers are stacked heat → trails → markers so markers stay clickable on top.
const heatLayer = L.layerGroup([], { pane: 'heat' }).addTo(map);
const trailLayer = L.layerGroup().addTo(map);
const agentLayer = L.layerGroup().addTo(map);
const sightingLayer = L.layerGroup().addTo(map);

interface Agent {
  readonly marker: L.CircleMarker;
  readonly trail: L.Polyline;
  readonly points: L.LatLng[];
}

function makeAgent(kind: 'zombie' | 'survivor', at: LatLngTuple): Agent {
  const zombie = kind === 'zombie';
  const marker = L.circleMarker(at, {
    radius: zombie ? 5 : 4,
    color: zombie ? '#3c1' : '#16c',
    fillColor: zombie ? '#7d3' : '#5af',
    fillOpacity: 0.95,
    weight: 1.5,
    className: `${kind}-marker`,
  }).addTo(agentLayer);
  const trail = L.polyline([], {
    color: zombie ? '#5a2' : '#38d',
    weight: 2,
    opacity: 0.45,
    interactive: false,
  }).addTo(trailLayer);
  return { marker, trail, points: [] };
}

const agents: Record<'zombie' | 'survivor', Agent[]> = { zombie: [], survivor: [] };
const frames: WorldFrame[] = [];
// The server's clock minus ours: the drawn instant follows the server's frames even when
// this machine's clock is off, and instances share the grid, so a switch shows no jump.
let clockOffset: number | undefined;
let lastTrailSample = 0;
let lastHeat = 0;

function addFrame(frame: WorldFrame): void {
  const offset = frame.t - Date.now();
  clockOffset = clockOffset === undefined ? offset : clockOffset * 0.9 + offset * 0.1;
  // Another instance may send an instant already held; keep one frame per instant, in order.
  const existing = frames.findIndex((held) => held.t >= frame.t);
  if (existing === -1) frames.push(frame);
  else if (frames[existing]?.t === frame.t) frames[existing] = frame;
  else frames.splice(existing, 0, frame);
  if (frames.length > FRAMES_KEPT) frames.splice(0, frames.length - FRAMES_KEPT);
  showCounters(frame);
}

function lerp(from: LatLngTuple | undefined, to: LatLngTuple, share: number): LatLngTuple {
  if (from === undefined) return to;
  return [from[0] + (to[0] - from[0]) * share, from[1] + (to[1] - from[1]) * share];
}

/** Positions at the drawn instant, interpolated between the two frames around it. */
function positionsAt(t: number): { zombie: LatLngTuple[]; survivor: LatLngTuple[] } | undefined {
  const after = frames.find((frame) => frame.t >= t);
  const before = [...frames].reverse().find((frame) => frame.t <= t);
  const to = after ?? before;
  if (to === undefined) return undefined;
  const from = before ?? to;
  const share = to.t === from.t ? 1 : (t - from.t) / (to.t - from.t);
  return {
    zombie: to.zombies.map((point, i) => lerp(from.zombies[i], point, share)),
    survivor: to.survivors.map((point, i) => lerp(from.survivors[i], point, share)),
  };
}

function draw(kind: 'zombie' | 'survivor', points: readonly LatLngTuple[], sample: boolean): void {
  const list = agents[kind];
  while (list.length > points.length) {
    const gone = list.pop();
    gone?.marker.remove();
    gone?.trail.remove();
  }
  points.forEach((point, i) => {
    let agent = list[i];
    if (agent === undefined) {
      agent = makeAgent(kind, point);
      list.push(agent);
    }
    agent.marker.setLatLng(point);
    if (sample) {
      agent.points.push(L.latLng(point));
      if (agent.points.length > TRAIL_POINTS) agent.points.shift();
      agent.trail.setLatLngs(agent.points);
    }
  });
}

/** Outbreak density: zombies binned on a grid, one circle per cell sized by its count. */
function drawHeat(zombies: readonly LatLngTuple[]): void {
  const counts = new Map<number, number>();
  const cellLat = (TOWN_BOUNDS.north - TOWN_BOUNDS.south) / HEAT_GRID;
  const cellLng = (TOWN_BOUNDS.east - TOWN_BOUNDS.west) / HEAT_GRID;
  for (const [lat, lng] of zombies) {
    const row = Math.min(HEAT_GRID - 1, Math.floor((lat - TOWN_BOUNDS.south) / cellLat));
    const col = Math.min(HEAT_GRID - 1, Math.floor((lng - TOWN_BOUNDS.west) / cellLng));
    const cell = row * HEAT_GRID + col;
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  const busiest = Math.max(1, ...counts.values());
  heatLayer.clearLayers();
  for (const [cell, count] of counts) {
    const row = Math.floor(cell / HEAT_GRID);
    const col = cell % HEAT_GRID;
    const share = count / busiest;
    L.circle(
      [TOWN_BOUNDS.south + (row + 0.5) * cellLat, TOWN_BOUNDS.west + (col + 0.5) * cellLng],
      {
        // Area, not radius, grows with the count, so big cells do not exaggerate.
        radius: 30 + 110 * Math.sqrt(share),
        stroke: false,
        fillColor: '#d22',
        fillOpacity: 0.1 + 0.3 * share,
        interactive: false,
        className: 'heat-cell',
        pane: 'heat',
      },
    ).addTo(heatLayer);
  }
}

function render(): void {
  if (clockOffset !== undefined) {
    const now = Date.now();
    const positions = positionsAt(now + clockOffset - RENDER_DELAY_MS);
    if (positions !== undefined) {
      const sample = now - lastTrailSample >= TRAIL_SAMPLE_MS;
      if (sample) lastTrailSample = now;
      draw('zombie', positions.zombie, sample);
      draw('survivor', positions.survivor, sample);
      if (now - lastHeat >= HEAT_EVERY_MS) {
        lastHeat = now;
        drawHeat(positions.zombie);
      }
    }
  }
  requestAnimationFrame(render);
}
requestAnimationFrame(render);

function showCounters(frame: WorldFrame): void {
  const { counters } = frame;
  element('count-zombies').textContent = counters.zombies.toLocaleString();
  element('count-survivors').textContent = counters.survivors.toLocaleString();
  element('count-infected').textContent = counters.infected.toLocaleString();
  element('count-sightings').textContent = counters.sightings.toLocaleString();
  element('count-clients').textContent = counters.clients.toLocaleString();
  element('instance').textContent = frame.instance;
}

const shownSightings = new Map<string, L.Marker>();
function showSighting(sighting: Sighting): void {
  if (shownSightings.has(sighting.id)) return;
  const marker = L.marker([sighting.lat, sighting.lng], {
    icon: L.divIcon({ className: 'sighting-marker', html: '⚠', iconSize: [18, 18] }),
    title: `Sighting ${sighting.id} at ${new Date(sighting.at).toLocaleTimeString()}`,
  }).addTo(sightingLayer);
  shownSightings.set(sighting.id, marker);
}

// socket.io reconnects on its own; behind Marathon's service port the next connection may
// land on another instance, which is fine because every instance shows the same world.
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
  transports: ['websocket', 'polling'],
});
const status = element('connection');
socket.on('connect', () => {
  status.textContent = 'live';
  status.className = 'status live';
});
socket.on('disconnect', () => {
  status.textContent = 'reconnecting';
  status.className = 'status down';
});
socket.on('world', addFrame);
socket.on('sightings', (all) => {
  for (const sighting of all) showSighting(sighting);
});
socket.on('sighting', showSighting);

// Reporting is two steps (arm, then click the map) so a sighting lands where it was seen.
const report = element<HTMLButtonElement>('report');
let armed = false;
report.addEventListener('click', () => {
  armed = !armed;
  report.classList.toggle('armed', armed);
  report.textContent = armed ? 'Click the map where you saw it' : 'Report a sighting';
});
map.on('click', (event: L.LeafletMouseEvent) => {
  if (!armed) return;
  armed = false;
  report.classList.remove('armed');
  report.textContent = 'Report a sighting';
  socket.emit('sighting', { lat: event.latlng.lat, lng: event.latlng.lng });
});

fetch('/instance')
  .then((response) => response.json() as Promise<{ instance: string }>)
  .then((info) => {
    element('instance').textContent = info.instance;
  })
  .catch(() => undefined);
