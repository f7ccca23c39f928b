/**
 * Chronos's timing against a real daemon (master, agent, Chronos plugin): 1,000 jobs that
 * repeat every second (`R/start/PT1S`, starts spread over one second) for 15 s, then a
 * 100-job dependency chain on the quieted machine. Every run is a real `true` task.
 *
 * - jitter: how late a run reaches the master (TASK_ADDED) after the instant it was due;
 *   the due instant is in Chronos's task id, `ct:<dueMillis>:<attempt>:<job>:`.
 * - hop: in the chain, from a parent's TASK_FINISHED to its child's TASK_ADDED.
 * - Beside them, this machine's own limit: how many processes Node starts per second
 *   directly. 1,000 runs a second asks more than that of two cores, so the figures show
 *   how mesolite behaves past saturation, with `runs_per_s` read against `raw_spawn_per_s`.
 *
 * Times are taken where the operator API's events arrive, on loopback, so both ends of
 * each interval are read on the same clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, resolveDaemonOptions, startDaemon } from '@mesolite/daemon';
import { readRecords } from '@mesolite/daemon/protocol/recordio';
import { bestRawSpawnRate } from './_machine.js';
import type { BenchFigures } from './run.ts';

const JOBS = 1000;
const CHAIN = 100;
const LOAD_SECONDS = 15;
const CHAIN_TIMEOUT_MS = 180_000;
const FIRST_RUN_DELAY_MS = 5000;

interface OperatorEvent {
  type: string;
  task_added?: { task: { task_id: { value: string } } };
  task_updated?: { status: { task_id: { value: string } }; state: string };
}

function percentile(sorted: number[], p: number): number {
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

const tiny = { cpus: 0.01, mem: 8, disk: 0, command: 'true', epsilon: 'PT30S', retries: 0 };

export default async function bench(): Promise<BenchFigures> {
  const rawBest = await bestRawSpawnRate(1000);
  const workDir = await mkdtemp(join(tmpdir(), 'mesolite-bench-chronos-'));
  const daemon = await startDaemon(
    resolveDaemonOptions({
      port: 0,
      workDir,
      logLevel: 'silent',
      agent: true,
      plugins: ['chronos'],
    }),
    createLogger('silent'),
  );
  const chronos = `${daemon.url}/service/chronos`;
  process.stdout.write(`daemon with a local agent and Chronos at ${daemon.url}\n`);

  const jitters: number[] = [];
  const hops: number[] = [];
  const finished = new Map<string, number>();
  let periodicRuns = 0;
  let measuring = false;
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
      const now = Date.now();
      const event = JSON.parse(record) as OperatorEvent;
      const taskId =
        event.task_added?.task.task_id.value ?? event.task_updated?.status.task_id.value;
      const run = taskId ? parseTaskId(taskId) : undefined;
      if (!run) continue;
      if (event.type === 'TASK_ADDED') {
        if (run.job.startsWith('chain-')) {
          const parent = `chain-${String(Number(run.job.slice(6)) - 1).padStart(3, '0')}`;
          const parentDone = finished.get(parent);
          if (parentDone !== undefined) hops.push(now - parentDone);
        } else if (measuring) {
          jitters.push(now - run.due);
          periodicRuns++;
        }
      } else if (event.task_updated?.state === 'TASK_FINISHED') {
        finished.set(run.job, now);
      }
    }
  })().catch((err: unknown) => {
    if (!subscription.signal.aborted) throw err;
  });

  try {
    // Jobs are added with a start far away, then moved to the real start in a second pass
    // timed from the first: a run that starts while jobs are still being added would load
    // the machine and slow the adding down.
    const everySecond = (index: number) => `every-second-${String(index).padStart(4, '0')}`;
    const link = (index: number) => `chain-${String(index).padStart(3, '0')}`;
    const later = '2099-01-01T00:00:00.000Z';
    process.stdout.write(
      `adding ${JOBS} jobs repeating every second, and a ${CHAIN}-job chain...\n`,
    );
    const addingFrom = Date.now();
    for (let index = 0; index < JOBS; index++) {
      await send(`${chronos}/scheduler/iso8601`, 'POST', {
        ...tiny,
        name: everySecond(index),
        schedule: `R/${later}/PT1S`,
      });
    }
    await send(`${chronos}/scheduler/iso8601`, 'POST', {
      ...tiny,
      name: link(0),
      schedule: `R1/${later}/PT1H`,
    });
    for (let index = 1; index < CHAIN; index++) {
      await send(`${chronos}/scheduler/dependency`, 'POST', {
        ...tiny,
        name: link(index),
        parents: [link(index - 1)],
      });
    }
    const addingMs = Date.now() - addingFrom;
    const start = Date.now() + addingMs + FIRST_RUN_DELAY_MS;
    process.stdout.write(
      `  took ${(addingMs / 1000).toFixed(1)} s; scheduling them from ${new Date(start).toISOString()}\n`,
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
    const measuredFrom = Date.now();
    for (let second = 1; second <= LOAD_SECONDS; second++) {
      await sleep(1000);
      process.stdout.write(`  ${second}s: ${periodicRuns} periodic runs launched\n`);
    }
    measuring = false;
    const measuredSeconds = (Date.now() - measuredFrom) / 1000;
    process.stdout.write('removing the periodic jobs...\n');
    for (let index = 0; index < JOBS; index++) {
      await send(`${chronos}/scheduler/job/${everySecond(index)}`, 'DELETE');
    }

    // The chain on a quiet machine: each hop is Chronos noticing a parent's success.
    process.stdout.write(`running the chain from ${link(0)}...\n`);
    await send(`${chronos}/scheduler/job/${link(0)}`, 'PUT');
    const chainDeadline = Date.now() + CHAIN_TIMEOUT_MS;
    while (!finished.has(link(CHAIN - 1))) {
      if (Date.now() > chainDeadline) {
        throw new Error(`the chain stopped after ${hops.length} of ${CHAIN - 1} hops`);
      }
      await sleep(200);
    }

    jitters.sort((a, b) => a - b);
    hops.sort((a, b) => a - b);
    const runsPerSecond = periodicRuns / measuredSeconds;
    process.stdout.write(
      `periodic: ${periodicRuns} runs in ${measuredSeconds.toFixed(1)} s (${runsPerSecond.toFixed(0)}/s ` +
        `of ${JOBS}/s asked; this machine spawns ${rawBest.toFixed(0)} processes/s directly)\n` +
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
  } finally {
    subscription.abort();
    await events;
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}
