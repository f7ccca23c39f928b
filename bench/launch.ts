/**
 * Launch throughput: N `sleep 30` tasks with tiny resources launched through the v1
 * scheduler API against a real daemon (master + agent, process containerizer), timed
 * from the ACCEPT to the last TASK_RUNNING. Beside it, this machine's limit measured
 * in the same run: Node spawning the same N processes directly (best of 3, since one
 * raw run varies by a quarter on two cores).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, resolveDaemonOptions, startDaemon } from '@mesolite/daemon';
import type { Offer, TaskInfo } from '@mesolite/daemon/protocol/mesos';
import { SchedulerClient } from '@mesolite/daemon/scheduler/client';
import { HttpSchedulerTransport } from '@mesolite/daemon/scheduler/http-transport';
import { bestRawSpawnRate } from './_machine.js';
import type { BenchFigures } from './run.ts';

const DEFAULT_TASKS = 1000;

function scalar(name: string, value: number) {
  return { name, type: 'SCALAR' as const, scalar: { value } };
}

export default async function bench(args: string[]): Promise<BenchFigures> {
  const count = Number(args[0] ?? DEFAULT_TASKS);
  // The machine's limit first, from a process that holds nothing else yet.
  const rawBest = await bestRawSpawnRate(count);

  const workDir = await mkdtemp(join(tmpdir(), 'mesolite-bench-launch-'));
  const daemon = await startDaemon(
    resolveDaemonOptions({ port: 0, workDir, logLevel: 'silent', agent: true }),
    createLogger('silent'),
  );
  process.stdout.write(`daemon with a local agent at ${daemon.url}\n`);
  const client = new SchedulerClient({
    transport: new HttpSchedulerTransport({ master: daemon.url }),
    autoAcknowledge: true,
    logger: createLogger('silent'),
  });
  try {
    const offer = await new Promise<Offer>((resolve, reject) => {
      client.once('offers', (offers) =>
        offers[0] ? resolve(offers[0]) : reject(new Error('empty offers')),
      );
      client.subscribe({ user: 'root', name: 'launch-bench', failover_timeout: 60 }).catch(reject);
    });
    const tasks: TaskInfo[] = Array.from({ length: count }, (_, index) => ({
      name: `sleep-${index}`,
      task_id: { value: `sleep-${index}` },
      agent_id: offer.agent_id,
      resources: [scalar('cpus', 0.001), scalar('mem', 1)],
      command: { value: 'sleep 30' },
    }));
    const running = new Set<string>();
    const failed: string[] = [];
    const allRunning = new Promise<void>((resolve) => {
      client.on('update', (status) => {
        if (status.state === 'TASK_RUNNING') running.add(status.task_id.value);
        else if (status.state !== 'TASK_STARTING')
          failed.push(`${status.task_id.value}: ${status.state} ${status.message ?? ''}`);
        if (running.size + failed.length === count) resolve();
      });
    });
    process.stdout.write(`launching ${count} tasks in one ACCEPT...\n`);
    const started = performance.now();
    await client.accept([offer.id], [{ type: 'LAUNCH', launch: { task_infos: tasks } }]);
    const progress = setInterval(
      () => process.stdout.write(`  ${running.size}/${count} running\n`),
      1000,
    );
    await allRunning;
    clearInterval(progress);
    const seconds = (performance.now() - started) / 1000;
    if (failed.length > 0) throw new Error(`${failed.length} tasks did not run, e.g. ${failed[0]}`);
    const tasksPerSecond = count / seconds;
    process.stdout.write(
      `  all ${count} RUNNING in ${seconds.toFixed(2)} s: ${tasksPerSecond.toFixed(0)} tasks/s\n`,
    );

    process.stdout.write('tearing down...\n');
    await client.teardown();
    await daemon.agent?.agent.killAll();

    return {
      tasks: count,
      seconds: Number(seconds.toFixed(3)),
      tasks_per_s: Number(tasksPerSecond.toFixed(1)),
      raw_spawn_per_s: Number(rawBest.toFixed(1)),
      ratio: Number((tasksPerSecond / rawBest).toFixed(2)),
    };
  } finally {
    client.close();
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}
