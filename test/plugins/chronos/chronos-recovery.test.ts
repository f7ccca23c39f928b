import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLI_PATH,
  startCliDaemon,
  startTestDaemon,
  type TestDaemon,
} from '../../support/daemon.js';
import { waitFor } from '../../support/wait.js';
import { ChronosClient, type Json, startIn } from './support/chronos-client.js';

/**
 * Chronos's fault tolerance: the schedule's state is in the store, so a restarted daemon
 * (stopped, or killed with -9) runs no run twice, and runs missed while it was down
 * follow the epsilon rule: skipped when missed by more than epsilon.
 */

/** A job that runs every second and lets runs be at most one second late. */
const everySecond = (name: string) => ({
  name,
  command: 'true',
  cpus: 0.05,
  mem: 16,
  disk: 0,
  retries: 0,
  epsilon: 'PT1S',
  schedule: `R/${startIn(300)}/PT1S`,
});

const DOWNTIME_MS = 4000;

/** Every run's due time appears once, and none falls where the daemon was down for longer than epsilon. */
function expectEpsilonHonoured(runs: Json[], downFrom: number, upFrom: number) {
  const dues = runs.map((run) => Date.parse(run.dueAt));
  expect(new Set(runs.map((run) => run.taskId)).size).toBe(runs.length);
  expect(new Set(dues).size).toBe(dues.length);
  const skippedWindow = dues.filter((due) => due > downFrom + 50 && due < upFrom - 1000 - 50);
  expect(skippedWindow, JSON.stringify(runs.map((run) => run.dueAt))).toEqual([]);
  expect(dues.filter((due) => due >= upFrom).length).toBeGreaterThan(0);
}

describe('Chronos across restarts', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('keeps jobs and counters across a restart, skips runs missed by more than epsilon and repeats none', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-chronos-restart-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const start = () => startTestDaemon({}, { agent: true, plugins: ['chronos'], workDir });
    let daemon: TestDaemon = await start();
    let chronos = new ChronosClient(`${daemon.url}/service/chronos`);
    await chronos.add(everySecond('steady'));
    const before = await chronos.until('steady', 'two successes', (job) => job.successCount >= 2);

    await daemon.agent?.agent.killAll();
    await daemon.stop();
    const downFrom = Date.now();
    await sleep(DOWNTIME_MS);
    const upFrom = Date.now();
    daemon = await start();
    cleanups.push(async () => {
      await chronos.deleteAll();
      await daemon.agent?.agent.killAll();
      await daemon.stop();
    });
    chronos = new ChronosClient(`${daemon.url}/service/chronos`);
    const after = await chronos.until(
      'steady',
      'two more successes',
      (job) => job.successCount >= before.successCount + 2,
    );
    expect(after.lastSuccess > before.lastSuccess).toBe(true);
    expectEpsilonHonoured((await chronos.history('steady')).runs, downFrom, upFrom);
  });

  it('makes a retry that was pending when the daemon stopped, once, after the restart', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-chronos-retry-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const start = () =>
      startTestDaemon(
        { pluginConfig: { chronos: { failureRetrySeconds: 3 } } },
        { agent: true, plugins: ['chronos'], workDir },
      );
    let daemon: TestDaemon = await start();
    let chronos = new ChronosClient(`${daemon.url}/service/chronos`);
    await chronos.add({
      ...everySecond('second-try'),
      retries: 2,
      command: 'test "$CHRONOS_JOB_RUN_ATTEMPT" = 1',
      schedule: `R1/${startIn(200)}/PT1H`,
    });
    await waitFor('the first attempt failed', async () => {
      const { runs } = await chronos.history('second-try');
      return runs.length === 1 ? true : undefined;
    });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    daemon = await start();
    cleanups.push(async () => {
      await chronos.deleteAll();
      await daemon.agent?.agent.killAll();
      await daemon.stop();
    });
    chronos = new ChronosClient(`${daemon.url}/service/chronos`);
    const job = await chronos.until('second-try', 'one success', (job) => job.successCount === 1);
    expect(job.errorCount).toBe(0);
    const { runs } = await chronos.history('second-try');
    expect(runs.map((run: Json) => [run.attempt, run.status])).toEqual([
      [0, 'failure'],
      [1, 'success'],
    ]);
  });

  it('loses nothing and repeats no run when the daemon is killed with -9', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-chronos-kill-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    await installChronosIfNotBuiltIn(workDir);
    const children: ChildProcess[] = [];
    cleanups.push(async () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    });
    const start = (port: number) =>
      startCliDaemon(['up', '--port', String(port), '--work-dir', workDir, '--plugins', 'chronos']);
    const first = await start(0);
    children.push(first.child);
    const port = Number(new URL(first.url).port);
    let chronos = new ChronosClient(`${first.url}/service/chronos`);
    await chronos.add(everySecond('survivor'));
    const before = await chronos.until('survivor', 'two successes', (job) => job.successCount >= 2);

    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const downFrom = Date.now();
    await sleep(DOWNTIME_MS);
    const upFrom = Date.now();
    const second = await start(port);
    children.push(second.child);
    chronos = new ChronosClient(`${second.url}/service/chronos`);
    await chronos.until(
      'survivor',
      'two more successes',
      (job) => job.successCount >= before.successCount + 2,
    );
    const { runs } = await chronos.history('survivor');
    expectEpsilonHonoured(
      runs.filter((run: Json) => run.status === 'success'),
      downFrom,
      upFrom,
    );
    await chronos.deleteAll();
  }, 120_000);
});

/**
 * The `mesolite` binary runs the built daemon; until it is rebuilt with Chronos among its
 * built-in plugins, the test installs the plugin in the work dir, as an operator would.
 */
async function installChronosIfNotBuiltIn(workDir: string): Promise<void> {
  const discovery = await readFile(resolve(CLI_PATH, '../../plugins/discovery.js'), 'utf8');
  if (discovery.includes('@mesolite/plugin-chronos')) return;
  await mkdir(join(workDir, 'plugins'), { recursive: true });
  await symlink(
    resolve(import.meta.dirname, '../../../plugins/chronos'),
    join(workDir, 'plugins', 'chronos'),
  );
}
