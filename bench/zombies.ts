/**
 * How many zombies one Zombies Tracker instance can stream at 10 Hz to 50 socket.io
 * clients within one core. The tracker runs in a child process, so its CPU time
 * (process.cpuUsage, reported over IPC) excludes the clients driving it from here.
 * The zombie count doubles until a step goes over one core, then bisects between
 * the last step that fit and the first that did not.
 *
 * A step also fails when the clients get fewer than 9 frames/s. The clients speak the
 * Engine.IO websocket protocol themselves and count each `world` frame by its first bytes,
 * never decoding or parsing it: 50 socket.io clients that parse every frame saturate the
 * other core long before the tracker reaches its own. `limited_by` says which limit ended
 * the search.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_AGENTS } from '@mesolite/zombies-tracker/world';
import WebSocket from 'ws';
import type { BenchFigures } from './run.ts';

const CLIENTS = 50;
const HZ = 10;
const WARMUP_MS = 1000;
const MEASURE_MS = 3000;
const START_ZOMBIES = 1000;
const MAX_STEPS = 12;
const ONE_CORE = 1;

const CHILD = `
import { startTracker } from ${JSON.stringify(new URL('../demo/zombies-tracker/dist/server.js', import.meta.url).href)};
const tracker = await startTracker({ port: 0, host: '127.0.0.1', seed: 1, instanceId: 'bench',
  zombies: Number(process.env.ZOMBIES_COUNT) });
process.send({ url: tracker.url });
process.on('message', (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
  if (message === 'stop') tracker.close().then(() => process.exit(0));
});
`;

// Engine.IO v4 text packets start with their type; socket.io's EVENT is "4" then "2".
const WORLD_FRAME = Buffer.from('42["world"');
const PING = 0x32;
const MESSAGE = 0x34;
const CONNECT = 0x30;

/**
 * A socket.io client reduced to what the bench needs: it joins the default namespace,
 * answers pings so the server keeps it, and counts world frames by their prefix.
 */
function rawClient(url: string, counter: { frames: number }): WebSocket {
  const socket = new WebSocket(
    `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`,
  );
  socket.on('message', (data: Buffer) => {
    if (data[0] === MESSAGE && data[1] === CONNECT) socket.emit('connected');
    else if (data[0] === MESSAGE) {
      if (data.subarray(0, WORLD_FRAME.length).equals(WORLD_FRAME)) counter.frames++;
    } else if (data[0] === CONNECT) socket.send('40');
    else if (data[0] === PING) socket.send('3');
  });
  return socket;
}

interface CpuReport {
  cpu: { user: number; system: number };
}

/** Cores used by a tracker streaming `zombies` to the clients, and the frames they got. */
async function measure(zombies: number): Promise<{ cores: number; framesPerClient: number }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: { ...process.env, ZOMBIES_COUNT: String(zombies) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const sockets: WebSocket[] = [];
  try {
    const [ready] = (await once(child, 'message')) as [{ url: string }];
    const counter = { frames: 0 };
    for (let i = 0; i < CLIENTS; i++) sockets.push(rawClient(ready.url, counter));
    await Promise.all(sockets.map((socket) => once(socket, 'connected')));
    await sleep(WARMUP_MS);
    const cpu = async () => {
      child.send('cpu');
      const [report] = (await once(child, 'message')) as [CpuReport];
      return report.cpu.user + report.cpu.system;
    };
    const before = await cpu();
    const framesBefore = counter.frames;
    const started = performance.now();
    await sleep(MEASURE_MS);
    const used = (await cpu()) - before;
    const elapsedMs = performance.now() - started;
    return {
      cores: used / 1000 / elapsedMs,
      framesPerClient: (counter.frames - framesBefore) / CLIENTS / (elapsedMs / 1000),
    };
  } finally {
    for (const socket of sockets) socket.terminate();
    if (child.exitCode === null) {
      child.send('stop');
      await Promise.race([once(child, 'exit'), sleep(2000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }
}

export default async function bench(): Promise<BenchFigures> {
  let fits = 0;
  let fails: number | undefined;
  let zombies = START_ZOMBIES;
  let limitedBy = 'none';
  for (let step = 0; step < MAX_STEPS; step++) {
    const { cores, framesPerClient } = await measure(zombies);
    // Falling behind 10 Hz means the event loop is saturated, even if cpuUsage reads under 1.
    const ok = cores <= ONE_CORE && framesPerClient >= HZ * 0.9;
    process.stdout.write(
      `${zombies} zombies: ${cores.toFixed(2)} cores, ${framesPerClient.toFixed(1)} frames/s ` +
        `per client${ok ? '' : ' (over)'}\n`,
    );
    if (ok) fits = zombies;
    else {
      fails = zombies;
      limitedBy = cores > ONE_CORE ? 'server_cpu' : 'frame_rate';
    }
    if (fits === MAX_AGENTS) {
      limitedBy = 'world_max';
      break;
    }
    if (fails === undefined) zombies = Math.min(zombies * 2, MAX_AGENTS);
    else if (fails - fits <= Math.max(250, fits * 0.1)) break;
    else zombies = Math.round((fits + fails) / 2);
  }
  return { clients: CLIENTS, hz: HZ, max_zombies: fits, limited_by: limitedBy };
}
