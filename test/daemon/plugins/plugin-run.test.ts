import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { masterFetch } from '@mesolite/daemon/auth/master-fetch';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { waitFor } from '../../support/wait.js';
import { ADMIN, workDirWithUsers } from '../auth/secure-daemon.js';

describe('mesolite plugin run', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0).reverse()) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('runs Marathon on its own against a remote master over the HTTP scheduler API', async () => {
    const masterDir = await mkdtemp(join(tmpdir(), 'mesolite-run-master-'));
    const pluginDir = await mkdtemp(join(tmpdir(), 'mesolite-run-plugin-'));
    dirs.push(masterDir, pluginDir);
    const master = await startCliDaemon(
      ['up', '--port', '0', '--work-dir', masterDir, '--plugins', ''],
      /mesolite is up: (http:\/\/\S+?)\/?\s/,
    );
    children.push(master.child);
    const marathon = await startCliDaemon(
      ['plugin', 'run', 'marathon', '--master', master.url, '--port', '0', '--work-dir', pluginDir],
      /marathon is up: (http:\/\/\S+?)\/ /,
    );
    children.push(marathon.child);

    const created = await fetch(`${marathon.url}/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'remote', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 1 }),
    });
    expect(created.status).toBe(201);
    const deadline = Date.now() + 30_000;
    let running: Json[] = [];
    while (Date.now() < deadline) {
      const state = (await (await fetch(`${master.url}/master/state`)).json()) as Json;
      running = state.frameworks
        .filter((framework: Json) => framework.name === 'marathon')
        .flatMap((framework: Json) => framework.tasks)
        .filter((task: Json) => task.state === 'TASK_RUNNING');
      if (running.length === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(running).toHaveLength(1);
    // Tasks outlive a stopped daemon, as on a Mesos agent: remove the app and wait.
    await fetch(`${marathon.url}/v2/apps/remote?force=true`, { method: 'DELETE' });
    const gone = Date.now() + 20_000;
    while (Date.now() < gone) {
      const state = (await (await fetch(`${master.url}/master/state`)).json()) as Json;
      const left = state.frameworks.flatMap((framework: Json) => framework.tasks);
      if (left.every((task: Json) => task.state !== 'TASK_RUNNING')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 60_000);

  it('authenticates to a master with auth as a principal of its --credentials, trusting its CA', async () => {
    const masterDir = await workDirWithUsers([ADMIN]);
    const pluginDir = await mkdtemp(join(tmpdir(), 'mesolite-run-plugin-'));
    dirs.push(masterDir, pluginDir);
    const credentials = join(masterDir, 'credentials.json');
    await writeFile(
      credentials,
      JSON.stringify({ credentials: [{ principal: 'marathon', secret: 'marathon-secret' }] }),
    );
    const secretFile = join(pluginDir, 'secret');
    await writeFile(secretFile, 'marathon-secret\n', { mode: 0o600 });
    const master = await startCliDaemon(
      [
        'master',
        '--auth',
        '--credentials',
        credentials,
        '--port',
        '0',
        '--work-dir',
        masterDir,
        '--plugins',
        '',
      ],
      /mesolite is up: (https:\/\/\S+?)\/?\s/,
    );
    children.push(master.child);
    const caFile = join(masterDir, 'tls', 'ca.crt');
    const marathon = await startCliDaemon(
      [
        'plugin',
        'run',
        'marathon',
        '--master',
        master.url,
        '--principal',
        'marathon',
        '--secret-file',
        secretFile,
        '--ca-cert',
        caFile,
        '--port',
        '0',
        '--work-dir',
        pluginDir,
      ],
      /marathon is up: (http:\/\/\S+?)\/ /,
    );
    children.push(marathon.child);

    const ca = await readFile(caFile, 'utf8');
    const anonymous = masterFetch({ ca });
    const login = await anonymous(`${master.url}/acs/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: ADMIN.uid, password: ADMIN.password }),
    });
    const admin = masterFetch({ ca, token: ((await login.json()) as { token: string }).token });
    const registered = await waitFor('Marathon subscribed as its principal', async () => {
      const state = (await (await admin(`${master.url}/master/state`)).json()) as Json;
      return state.frameworks.find(
        (framework: Json) => framework.name === 'marathon' && framework.active,
      );
    });
    expect(registered).toBeDefined();
  }, 60_000);
});
