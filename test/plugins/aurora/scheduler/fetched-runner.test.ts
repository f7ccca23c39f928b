import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@mesolite/plugin-aurora/job-config';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, type SecureDaemon, startSecureDaemon } from '../../../daemon/auth/secure-daemon.js';
import { CLI_PATH, startTestDaemon, type TestDaemon } from '../../../support/daemon.js';
import { waitFor } from '../../../support/wait.js';
import { job, process as proc, task } from '../thermos/task-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected field by field.
type Json = any;

/** What `npm run build` bundles into the Aurora plugin and the master serves. */
const ARTIFACTS = join(import.meta.dirname, '../../../../plugins/aurora/dist/artifacts');
const RUNNER = join(ARTIFACTS, 'thermos-runner.mjs');

const keyOf = (j: Job) => `${j.cluster}/${j.role}/${j.environment}/${j.name}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A job whose process proves it runs next to the fetched runner, on the agent's Node. */
const probe = job(
  'probe',
  task([
    proc(
      'look',
      'test -x "$MESOS_SANDBOX/thermos-runner.mjs" && echo "node=$MESOLITE_NODE" && echo "cwd=$(pwd)"',
    ),
  ]),
);

/** Runs `probe` through the Aurora API with `call`, then reads what the agent did. */
async function runProbe(
  base: string,
  call: (url: string, init?: RequestInit) => Promise<Response>,
): Promise<{ task: Json; details: Json; read: (path: string) => Promise<string> }> {
  const key = keyOf(probe);
  const created = await call(`${base}/service/aurora/jobs/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ job: probe }),
  });
  expect(created.status).toBe(201);
  const finished = await waitFor('the probe task to end', async () => {
    const status = (await (await call(`${base}/service/aurora/jobs/${key}`)).json()) as Json;
    return [...(status.activeTasks ?? []), ...(status.inactiveTasks ?? [])].find((t: Json) =>
      ['FINISHED', 'FAILED', 'LOST'].includes(t.status),
    );
  });
  const details = (await (
    await call(`${base}/service/aurora/tasks/${finished.taskId}`)
  ).json()) as Json;
  // The whole file through the master's files API, page after page.
  const read = async (path: string) => {
    const file = `${base}/agent/${encodeURIComponent(finished.agentId)}/files/read?path=${encodeURIComponent(`${details.sandbox}/${path}`)}`;
    const pages: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const response = await call(`${file}&offset=${offset}`);
      expect(response.status, file).toBe(200);
      const page = Buffer.from(((await response.json()) as { data: string }).data);
      if (page.length === 0) return Buffer.concat(pages).toString();
      pages.push(page);
      offset += page.length;
    }
  };
  return { task: finished, details, read };
}

describe('Aurora tasks fetch their runner from the master', () => {
  let daemon: TestDaemon | undefined;
  afterEach(async () => {
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    daemon = undefined;
  });

  it('puts the runner’s artifact URI in the TaskInfo, fetches it into the sandbox and runs the job through it', async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['aurora'] });
    const runner = await readFile(RUNNER, 'utf8');
    const uri = `${daemon.url}/mesolite/v1/plugins/aurora/artifacts/${sha256(runner)}/thermos-runner.mjs`;

    const { task: ended, details, read } = await runProbe(daemon.url, fetch);
    expect(ended.status).toBe('FINISHED');
    expect(details.processes.map((p: Json) => [p.name, p.state])).toEqual([['look', 'SUCCESS']]);
    const look = details.processes[0].runs[0];
    const stdout = (await (await fetch(look.stdout)).json()) as { data: string };
    expect(stdout.data).toContain(`node=${process.execPath}\n`);

    // The fetcher's log in the sandbox names each of the TaskInfo's URIs as it fetches it.
    const fetchLog = await read('stderr');
    expect(fetchLog).toContain(`Fetching URI '${uri}'`);
    expect(fetchLog).not.toContain('aurora-http-check.mjs');
    expect(await read('thermos-runner.mjs')).toBe(runner);
    // Fetched through the agent's cache (`cache: true`).
    expect(await readdir(join(daemon.workDir, 'fetcher-cache'))).not.toEqual([]);
  });
});

describe('Aurora tasks on a remote agent of a master with auth on', () => {
  let daemon: SecureDaemon | undefined;
  let agent: ChildProcess | undefined;
  let agentWorkDir: string | undefined;
  afterEach(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      await once(agent, 'exit');
    }
    agent = undefined;
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    daemon = undefined;
    if (agentWorkDir) await rm(agentWorkDir, { recursive: true, force: true });
    agentWorkDir = undefined;
  });

  it('fetch the runner over HTTPS with the agent’s join token, and run', async () => {
    daemon = await startSecureDaemon({ plugins: ['aurora'] });
    const d = daemon;
    agentWorkDir = await mkdtemp(join(tmpdir(), 'mesolite-remote-agent-'));
    agent = spawn(
      process.execPath,
      [
        CLI_PATH,
        'agent',
        '--master',
        d.url,
        '--token',
        d.joinToken ?? '',
        '--work-dir',
        agentWorkDir,
        '--port',
        '0',
        '--hostname',
        'remote-1',
        '--resources',
        'cpus:2;mem:1024;disk:1024;ports:[31000-31010]',
        '--log-level',
        'silent',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await waitFor('the remote agent to register', async () =>
      [...d.master.agents.values()].find((a) => a.info.hostname === 'remote-1'),
    );
    const call = d.fetch(await d.login(ADMIN));

    const { task: ended, details, read } = await runProbe(d.url, call);
    expect(ended.status).toBe('FINISHED');
    expect(details.processes.map((p: Json) => [p.name, p.state])).toEqual([['look', 'SUCCESS']]);
    const runner = await readFile(RUNNER, 'utf8');
    expect(await read('thermos-runner.mjs')).toBe(runner);
    expect(await read('stderr')).toContain(
      `${d.url}/mesolite/v1/plugins/aurora/artifacts/${sha256(runner)}/thermos-runner.mjs`,
    );
    // The agent's copy came through its own fetcher cache, in its own work dir.
    expect(await readdir(join(agentWorkDir, 'fetcher-cache'))).not.toEqual([]);
  });

  it('fetch the runner on the master’s own agent too, which joins with the same token', async () => {
    daemon = await startSecureDaemon({ plugins: ['aurora'], agent: true });
    const { task: ended, details } = await runProbe(
      daemon.url,
      daemon.fetch(await daemon.login(ADMIN)),
    );
    expect(ended.status).toBe('FINISHED');
    expect(details.processes.map((p: Json) => [p.name, p.state])).toEqual([['look', 'SUCCESS']]);
  });
});
