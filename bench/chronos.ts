/**
 * Chronos's timing against a real daemon (master, agent, Chronos plugin), in two phases,
 * each on a fresh daemon so one does not inherit the other's backlog:
 *
 * 1. 1,000 jobs that repeat every second (`R/start/PT1S`, starts spread over one second)
 *    for 15 s. jitter: how late a run reaches the master (TASK_ADDED) after the instant
 *    it was due; the due instant is in Chronos's task id, `ct:<dueMillis>:<attempt>:<job>:`.
 * 2. A 100-job dependency chain started by hand. hop: from a parent's TASK_FINISHED to its
 *    child's TASK_ADDED.
 *
 * Every run is a real `true` task. Beside the figures, this machine's own limit: how many
 * processes Node starts per second directly. 1,000 runs a second asks more than two cores
 * give, so phase 1 shows how mesolite behaves past saturation: read `runs_per_s` against
 * `raw_spawn_per_s`. Times are taken where the operator API's events arrive, on loopback,
 * so both ends of each interval are read on the same clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createLogger,
  type RunningDaemon,
  resolveDaemonOptions,
  startDaemon,
} from '@mesolite/daemon';
import { readRecords } from '@mesolite/daemon/protocol/recordio';
import { bestRawSpawnRate } from './_machine.js';
import type { BenchFigures } from './run.ts';

const JOBS = 1000;
const CHAIN = 100;
const LOAD_SECONDS = 15;
const CHAIN_TIMEOUT_MS = 180_000;
const FIRST_RUN_DELAY_MS = 5000;
const LATER = '2099-01-01T00:00:00.000Z';

const tiny = { cpus: 0.01, mem: 8, disk: 0, command: 'true', epsilon: 'PT30S', retries: 0 };
const everySecond = (index: number) => `every-second-${String(index).padStart(4, '0')}`;
const link = (index: number) => `chain-${String(index).padStart(3, '0')}`;

interface OperatorEvent {
  type: string;
  task_added?: { task: { task_id: { value: string } } };
  task_updated?: { status: { task_id: { value: string } }; state: string };
}

/** What the operator API says happened to Chronos's runs, with when it was heard. */
interface RunEvent {
  kind: 'added' | 'finished';
  due: number;
  job: string;
  at: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/** Chronos's task id: `ct:<dueMillis>:<attempt>:<jobName>:<arguments>`. */
function parseTaskId(id: string): { due: number; job: string } | undefined {
  const match = /^ct:(\d+):\d+:([^:]+):/.exec(id);
  return match ? { due: Number(match[1]), job: String(match[2]) } : undefined;
}

async function send(url: string, method: string, body?: unknown): Promise<void> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  }
}

/** A fresh daemon with Chronos, the operator event stream feeding `onRun`, torn down after. */
async function withChronos<T>(
  onRun: (event: RunEvent) => void,
  work: (chronos: string) => Promise<T>,
): Promise<T> {
  const workDir = await mkdtemp(join(tmpdir(), 'mesolite-bench-chronos-'));
  const daemon: RunningDaemon = await startDaemon(
    resolveDaemonOptions({
      port: 0,
      workDir,
      logLevel: 'silent',
      agent: true,
      plugins: ['chronos'],
    }),
    createLogger('silent'),
  );
  const subscription = new AbortController();
  const events = (async () => {
    const response = await fetch(`${daemon.url}/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'SUBSCRIBE' }),
      signal: subscription.signal,
    });
    if (!response.body) throw new Error('the operator API gave no event stream');
    for await (const record of readRecords(response.body)) {
      const at = Date.now();
      const event = JSON.parse(record) as OperatorEvent;
      const taskId =
        event.task_added?.task.task_id.value ?? event.task_updated?.status.task_id.value;
      const run = taskId ? parseTaskId(taskId) : undefined;
      if (!run) continue;
      if (event.type === 'TASK_ADDED') onRun({ kind: 'added', ...run, at });
      else if (event.task_updated?.state === 'TASK_FINISHED')
        onRun({ kind: 'finished', ...run, at });
    }
  })().catch((err: unknown) => {
    if (!subscription.signal.aborted) throw err;
  });
  try {
    return await work(`${daemon.url}/service/chronos`);
  } finally {
    subscription.abort();
    await events;
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Phase 1: the jitter of 1,000 jobs due every second. */
async function periodicLoad(): Promise<{ jitters: number[]; runsPerSecond: number }> {
  const jitters: number[] = [];
  let measuring = false;
  return withChronos(
    (event) => {
      if (measuring && event.kind === 'added') jitters.push(event.at - event.due);
    },
    async (chronos) => {
      // Added with a start far away, then moved to the real start in a second pass timed
      // from the first: runs that start while jobs are being added would slow the adding.
      process.stdout.write(`adding ${JOBS} jobs repeating every second...\n`);
      const addingFrom = Date.now();
      for (let index = 0; index < JOBS; index++) {
        await send(`${chronos}/scheduler/iso8601`, 'POST', {
          ...tiny,
          name: everySecond(index),
          schedule: `R/${LATER}/PT1S`,
        });
      }
      const addingMs = Date.now() - addingFrom;
      const start = Date.now() + addingMs + FIRST_RUN_DELAY_MS;
      process.stdout.write(
        `  took ${(addingMs / 1000).toFixed(1)} s; first runs due at ${new Date(start).toISOString()}\n`,
      );
      for (let index = 0; index < JOBS; index++) {
        const offset = Math.floor((index * 1000) / JOBS);
        await send(`${chronos}/scheduler/iso8601`, 'PUT', {
          ...tiny,
          name: everySecond(index),
          schedule: `R/${new Date(start + offset).toISOString()}/PT1S`,
        });
      }
      const wait = start - Date.now();
      if (wait > 0) await sleep(wait);
      measuring = true;
      const from = Date.now();
      for (let second = 1; second <= LOAD_SECONDS; second++) {
        await sleep(1000);
        process.stdout.write(`  ${second}s: ${jitters.length} runs launched\n`);
      }
      measuring = false;
      const runsPerSecond = jitters.length / ((Date.now() - from) / 1000);
      return { jitters: [...jitters].sort((a, b) => a - b), runsPerSecond };
    },
  );
}

/** Phase 2: the hops of a 100-job chain on a quiet daemon. */
async function dependencyChain(): Promise<number[]> {
  const hops: number[] = [];
  const finished = new Map<string, number>();
  return withChronos(
    (event) => {
      if (event.kind === 'finished') finished.set(event.job, event.at);
      else if (event.job.startsWith('chain-')) {
        const parentDone = finished.get(link(Number(event.job.slice(6)) - 1));
        if (parentDone !== undefined) hops.push(event.at - parentDone);
      }
    },
    async (chronos) => {
      process.stdout.write(`adding a ${CHAIN}-job dependency chain and starting it...\n`);
      await send(`${chronos}/scheduler/iso8601`, 'POST', {
        ...tiny,
        name: link(0),
        schedule: `R1/${LATER}/PT1H`,
      });
      for (let index = 1; index < CHAIN; index++) {
        await send(`${chronos}/scheduler/dependency`, 'POST', {
          ...tiny,
          name: link(index),
          parents: [link(index - 1)],
        });
      }
      await send(`${chronos}/scheduler/job/${link(0)}`, 'PUT');
      const deadline = Date.now() + CHAIN_TIMEOUT_MS;
      while (!finished.has(link(CHAIN - 1))) {
        if (Date.now() > deadline) {
          throw new Error(`the chain stopped after ${hops.length} of ${CHAIN - 1} hops`);
        }
        await sleep(200);
      }
      return [...hops].sort((a, b) => a - b);
    },
  );
}

export default async function bench(): Promise<BenchFigures> {
  const rawBest = await bestRawSpawnRate(1000);
  const { jitters, runsPerSecond } = await periodicLoad();
  const hops = await dependencyChain();
  process.stdout.write(
    `periodic: ${runsPerSecond.toFixed(0)} runs/s launched of ${JOBS}/s due; this machine ` +
      `spawns ${rawBest.toFixed(0)} processes/s directly\n` +
      `jitter: p50 ${percentile(jitters, 50)} ms, p99 ${percentile(jitters, 99)} ms\n` +
      `chain: ${hops.length} hops, p50 ${percentile(hops, 50)} ms, p99 ${percentile(hops, 99)} ms\n`,
  );
  return {
    jobs: JOBS,
    jitter_p50_ms: percentile(jitters, 50),
    jitter_p99_ms: percentile(jitters, 99),
    hop_ms: percentile(hops, 50),
    hop_p99_ms: percentile(hops, 99),
    runs_per_s: Number(runsPerSecond.toFixed(1)),
    raw_spawn_per_s: Number(rawBest.toFixed(1)),
  };
}
