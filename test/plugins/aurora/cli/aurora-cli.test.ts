import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startTestDaemon, type TestDaemon } from '../../../support/daemon.js';
import { waitFor } from '../../../support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected field by field.
type Json = any;

const SEED = join(import.meta.dirname, '../config/fixtures/seed');
const HELLO = join(SEED, 'aurora-hello_world.aurora');
const SERVICE = join(SEED, 'aurora-hello_world_service.aurora');

/**
 * `mesolite aurora` with the talk's two examples against a real daemon with the Aurora
 * plugin: the configuration is evaluated by the client, the job runs as a real task.
 */
describe('mesolite aurora', () => {
  let daemon: TestDaemon;
  let dir: string;

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['aurora'] });
    dir = await mkdtemp(join(tmpdir(), 'mesolite-aurora-cli-'));
  });

  afterEach(async () => {
    const base = `${daemon.url}/service/aurora`;
    const { jobs } = (await (await fetch(`${base}/jobs`)).json()) as { jobs: Json[] };
    for (const { key } of jobs) await fetch(`${base}/jobs/${key}`, { method: 'DELETE' });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const aurora = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['aurora', ...args, '--master', daemon.url], { USER: 'workshop', ...env });

  async function processesOf(key: string, until: (processes: Json[]) => boolean) {
    return waitFor(`the processes of ${key}`, async () => {
      const status = (await (
        await fetch(`${daemon.url}/service/aurora/jobs/${key}`)
      ).json()) as Json;
      const task = [...(status.activeTasks ?? []), ...(status.inactiveTasks ?? [])][0];
      if (!task) return undefined;
      const details = (await (
        await fetch(`${daemon.url}/service/aurora/tasks/${encodeURIComponent(task.taskId)}`)
      ).json()) as Json;
      return until(details.processes ?? []) ? (details.processes as Json[]) : undefined;
    });
  }

  const readLog = async (url: string) =>
    ((await (await fetch(url)).json()) as { data: string }).data;

  it('lists the jobs a configuration defines, with the role from $USER', async () => {
    const result = await runCli(['aurora', 'config', 'list', HELLO], { USER: 'workshop' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('jobs=[cluster1/workshop/devel/hello_world]\n');
  });

  it("creates the talk's hello_world job, whose process prints into its Thermos log", async () => {
    const key = 'cluster1/workshop/devel/hello_world';
    const result = await aurora(['job', 'create', key, HELLO]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Job create succeeded: job url=http:\/\/127\.0\.0\.1:\d+\//);
    const [hello] = await processesOf(key, (processes) => processes[0]?.state === 'SUCCESS');
    expect(hello.name).toBe('hello_world');
    expect(await readLog(hello.runs[0].stdout)).toBe('hello world\n');
  });

  it('refuses the service example until pkg_path and pkg_checksum are bound, with exit code 3', async () => {
    const result = await aurora([
      'job',
      'create',
      'devcluster/www-data/devel/hello_world',
      SERVICE,
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /aurora-hello_world_service\.aurora:\d+:\d+: .*'pkg_path'.*'pkg_checksum'/,
    );
  });

  it('runs the service example with its package bound: the fetch first, then the script', async () => {
    const script = join(dir, 'hello_world.py');
    await writeFile(script, 'import time\nprint("Hello world!", flush=True)\ntime.sleep(600)\n');
    const key = 'devcluster/www-data/devel/hello_world';
    const result = await aurora([
      'job',
      'create',
      key,
      SERVICE,
      '--bind',
      `pkg_path=${script}`,
      '--bind',
      'pkg_checksum=0123abcd',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const processes = await processesOf(
      key,
      (list) => list.find((p: Json) => p.name === 'hello_world')?.state === 'RUNNING',
    );
    const fetch = processes.find((p: Json) => p.name === 'fetch_package');
    const hello = processes.find((p: Json) => p.name === 'hello_world');
    expect(fetch.state).toBe('SUCCESS');
    expect(await readLog(fetch.runs[0].stdout)).toBe('0123abcd\n');
    await waitFor('the script to print', async () =>
      (await readLog(hello.runs[0].stdout)) === 'Hello world!\n' ? true : undefined,
    );
  });

  it('answers a second create of the same job with the scheduler’s refusal and exit code 4', async () => {
    const key = 'cluster1/workshop/devel/hello_world';
    expect((await aurora(['job', 'create', key, HELLO])).code).toBe(0);
    const again = await aurora(['job', 'create', key, HELLO]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/^mesolite aurora: /);
  });

  it('refuses a key the file does not define, naming the jobs it does', async () => {
    const result = await aurora(['job', 'create', 'cluster1/someone/devel/hello_world', HELLO]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('it defines cluster1/workshop/devel/hello_world');
  });
});
