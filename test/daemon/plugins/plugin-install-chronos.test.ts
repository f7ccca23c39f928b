import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { packPlugin } from '@mesolite/daemon/plugins/plugin-packer';
import { list as listTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDaemon } from '../../support/daemon.js';
import { waitFor } from '../../support/wait.js';
import { daemonPerTest } from './support/daemon-per-test.js';
import { upload } from './support/plugin-packages.js';

const REPO = resolve(import.meta.dirname, '../../..');
const CHRONOS = join(REPO, 'plugins/chronos');

interface ChronosJob {
  name: string;
  successCount: number;
}

describe('the chronos plugin, packed and installed at run time', () => {
  let packDir: string;
  let tgz: Buffer;
  const daemons = daemonPerTest('install');

  beforeAll(async () => {
    await promisify(execFile)('npx', ['tsc', '-b', CHRONOS], { cwd: REPO });
    packDir = await mkdtemp(join(tmpdir(), 'mesolite-pack-test-'));
    const { file } = await packPlugin(CHRONOS, join(packDir, 'chronos.tgz'));
    tgz = await readFile(file);
  }, 180_000);
  afterAll(async () => {
    await rm(packDir, { recursive: true, force: true });
  });
  /** A master and agent started with only the marathon plugin, as `mesolite up --plugins marathon`. */
  function start(): Promise<TestDaemon> {
    return daemons.start({ agent: true, plugins: ['marathon'] });
  }

  async function install(d: TestDaemon): Promise<void> {
    const response = await upload(d.url, tgz);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ name: 'chronos', status: 'active' });
  }

  const chronos = (d: TestDaemon, path: string, method = 'GET', body?: unknown) =>
    fetch(`${d.url}/service/chronos${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const chronosFrameworkIds = (d: TestDaemon) =>
    [...d.master.frameworks.entries()]
      .filter(([, framework]) => framework.info.name === 'chronos')
      .map(([id]) => id);

  it('packs into package/ with a bundled entry, the UI module, and nothing from node_modules', async () => {
    const paths: string[] = [];
    await listTar({ file: join(packDir, 'chronos.tgz'), onReadEntry: (e) => paths.push(e.path) });
    expect(paths).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/dist/index.js',
        'package/dist/ui/page.js',
      ]),
    );
    expect(paths.filter((path) => path.includes('node_modules'))).toEqual([]);
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-unpacked-'));
    try {
      const { x } = await import('tar');
      await x({ file: join(packDir, 'chronos.tgz'), cwd: dir });
      const manifest = JSON.parse(await readFile(join(dir, 'package/package.json'), 'utf8'));
      expect(manifest.mesolite).toMatchObject({
        name: 'chronos',
        entry: 'dist/index.js',
        ui: 'dist/ui/page.js',
      });
      const bundle = await readFile(join(dir, 'package/dist/index.js'), 'utf8');
      const imported = [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      expect(
        imported.filter((s) => !s?.startsWith('node:') && !s?.startsWith('@mesolite/daemon/')),
      ).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves /service/chronos/ on a master started without it and runs a job as a real task', async () => {
    const d = await start();
    expect((await fetch(`${d.url}/service/chronos/scheduler/jobs`)).status).toBe(404);
    await install(d);
    expect(await (await chronos(d, '/scheduler/jobs')).json()).toEqual([]);
    const add = await chronos(d, '/scheduler/iso8601', 'POST', {
      name: 'hello',
      command: 'echo hello',
      schedule: 'R/2030-01-01T00:00:00Z/P1D',
      cpus: 0.1,
      mem: 32,
    });
    expect(add.status).toBe(204);
    expect((await chronos(d, '/scheduler/job/hello', 'PUT')).status).toBe(204);
    await waitFor('a successful run of hello', async () => {
      const jobs = (await (await chronos(d, '/scheduler/jobs')).json()) as ChronosJob[];
      return jobs.find((job) => job.name === 'hello' && job.successCount === 1);
    });
    const history = (await (await chronos(d, '/mesolite/v1/jobs/hello/history')).json()) as {
      runs: Array<{ status: string; exitStatus: number; logs: string }>;
    };
    // The sandbox is the agent's: the run was a task the agent launched, not in-process work.
    expect(history.runs[0]).toMatchObject({ status: 'success', exitStatus: 0 });
    expect(history.runs[0]?.logs).toContain(`/executors/`);
  });

  it('is still installed, with its jobs, after the daemon restarts', async () => {
    const first = await start();
    await install(first);
    await chronos(first, '/scheduler/iso8601', 'POST', {
      name: 'kept',
      command: 'true',
      schedule: 'R/2030-01-01T00:00:00Z/P1D',
    });
    await first.stop();
    const second = await start();
    const jobs = (await (await chronos(second, '/scheduler/jobs')).json()) as ChronosJob[];
    expect(jobs.map((job) => job.name)).toEqual(['kept']);
  });

  it('keeps its framework id, jobs and running tasks through an upgrade', async () => {
    const d = await start();
    await install(d);
    await chronos(d, '/scheduler/iso8601', 'POST', {
      name: 'long',
      command: 'sleep 120',
      schedule: 'R/2030-01-01T00:00:00Z/P1D',
      cpus: 0.1,
      mem: 32,
    });
    const before = await waitFor('chronos registered', async () => chronosFrameworkIds(d)[0]);
    await chronos(d, '/scheduler/job/long', 'PUT');
    const running = () =>
      [...(d.master.tasks.get(before)?.values() ?? [])]
        .filter((task) => task.state === 'TASK_RUNNING')
        .map((task) => task.task_id.value);
    const [taskId] = await waitFor('the long task running', async () =>
      running().length === 1 ? running() : undefined,
    );
    try {
      const upgraded = await upload(d.url, tgz, 'PUT', '/mesolite/v1/plugins/chronos');
      expect(upgraded.status).toBe(200);
      expect(await upgraded.json()).toMatchObject({ name: 'chronos', status: 'active' });
      await waitFor('chronos connected again', async () =>
        d.master.frameworks.get(before)?.connected ? true : undefined,
      );
      expect(chronosFrameworkIds(d)).toEqual([before]);
      expect(running()).toEqual([taskId]);
      const jobs = (await (await chronos(d, '/scheduler/jobs')).json()) as ChronosJob[];
      expect(jobs.map((job) => job.name)).toEqual(['long']);
    } finally {
      await chronos(d, '/scheduler/task/kill/long', 'DELETE');
      await waitFor('the long task killed', async () =>
        running().length === 0 ? true : undefined,
      );
    }
  });

  it('is removed on DELETE and no longer served', async () => {
    const d = await start();
    await install(d);
    const removed = await fetch(`${d.url}/mesolite/v1/plugins/chronos`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect((await fetch(`${d.url}/service/chronos/scheduler/jobs`)).status).toBe(404);
    const marathon = await fetch(`${d.url}/service/marathon/v2/apps`);
    expect(marathon.status).toBe(200);
  });
});
