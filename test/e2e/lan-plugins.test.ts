import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  type SecureDaemon,
  startSecureDaemon,
  workDirWithUsers,
} from '../daemon/auth/secure-daemon.js';
import { runCli } from '../support/daemon.js';
import { type LanAgent, startLanAgent, TestLan } from '../support/test-lan.js';
import { waitFor } from '../support/wait.js';

const REPO = resolve(import.meta.dirname, '../..');
const CHRONOS = join(REPO, 'plugins/chronos');
const JOB = 'lan-hello';
const RUN_MS = 120_000;

interface ChronosJob {
  name: string;
  successCount: number;
}

interface JobHistory {
  runs: { taskId: string; status: string; agentId?: string; logs?: string }[];
}

/**
 * The chronos plugin deployed at run time on a LAN master, as an operator would: packed
 * with `mesolite plugin pack`, installed with `mesolite plugin install` on a TLS master
 * with auth that was started with only the marathon plugin, then running a job on an
 * agent on another host, before and after the master restarts.
 */
describe('the chronos plugin, installed at run time on a LAN master', () => {
  const lan = new TestLan();
  const dirs: string[] = [];
  let masterWorkDir: string;
  let port: number;
  let daemon: SecureDaemon | undefined;
  let token: string;
  let agent: LanAgent;
  let tgz: string;

  /** The master, as `mesolite up --plugins marathon` runs it, on the LAN address and `port`. */
  async function startMaster(): Promise<SecureDaemon> {
    daemon = await startSecureDaemon({
      host: lan.masterAddress,
      port,
      workDir: masterWorkDir,
      agent: true,
      plugins: ['marathon'],
    });
    token = await daemon.login(ADMIN);
    return daemon;
  }

  const master = (): SecureDaemon => {
    if (!daemon) throw new Error('the master is not running');
    return daemon;
  };
  const call = (path: string, method = 'GET', body?: unknown) =>
    master().fetch(token)(`${master().url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const chronos = (path: string, method = 'GET', body?: unknown) =>
    call(`/service/chronos${path}`, method, body);

  /** Waits for the job's `count`th success and answers that run, from the job's history. */
  async function successfulRun(count: number): Promise<JobHistory['runs'][number]> {
    await waitFor(
      `run #${count} of ${JOB} to succeed`,
      async () => {
        const jobs = (await (await chronos('/scheduler/jobs')).json()) as ChronosJob[];
        return jobs.find((job) => job.name === JOB && job.successCount === count);
      },
      RUN_MS,
    );
    const history = (await (
      await chronos(`/mesolite/v1/jobs/${JOB}/history`)
    ).json()) as JobHistory;
    const run = history.runs.at(-1);
    if (!run) throw new Error(`${JOB} has no run in its history`);
    return run;
  }

  /** The run's stdout, read through the master from the remote agent's sandbox. */
  async function stdoutOf(run: JobHistory['runs'][number]): Promise<string> {
    const path = encodeURIComponent(`${run.logs}/stdout`);
    const response = await call(`/agent/${run.agentId}/files/read?path=${path}&offset=0`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: string }).data;
  }

  beforeAll(async () => {
    // Packing bundles the plugin's built entry.
    await promisify(execFile)('npx', ['tsc', '-b', CHRONOS], { cwd: REPO });
    const packDir = await mkdtemp(join(tmpdir(), 'mesolite-lan-pack-'));
    dirs.push(packDir);
    tgz = join(packDir, 'chronos.tgz');
    await lan.create(1);
    masterWorkDir = await workDirWithUsers([ADMIN]);
    dirs.push(masterWorkDir);
    port = 0;
    const first = await startMaster();
    // A restart must come back on the same port: the agents were given the master's URL.
    port = Number(new URL(first.url).port);
    const agentDir = await mkdtemp(join(tmpdir(), 'mesolite-lan-agent-'));
    dirs.push(agentDir);
    agent = await startLanAgent(lan.host(0), {
      master: first.url,
      joinToken: first.joinToken ?? '',
      workDir: agentDir,
    });
  }, 240_000);

  afterAll(async () => {
    await lan.remove();
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('packs the chronos plugin with `mesolite plugin pack`', async () => {
    const packed = await runCli(['plugin', 'pack', CHRONOS, '-o', tgz]);
    expect(packed.code).toBe(0);
    expect(packed.stdout).toMatch(new RegExp(`^packed chronos \\S+ into ${tgz}\\n$`));
  });

  it('is installed with `mesolite plugin install` on the master, which then serves /service/chronos/', async () => {
    expect((await chronos('/scheduler/jobs')).status).toBe(404);
    const installed = await runCli(
      [
        'plugin',
        'install',
        tgz,
        '--master',
        master().url,
        '--token',
        token,
        '--ca-cert',
        master().caFile ?? '',
      ],
      { MESOLITE_CREDENTIALS: '/nonexistent/credentials' },
    );
    expect(installed).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^chronos \S+: active\n$/),
    });
    const jobs = await chronos('/scheduler/jobs');
    expect(jobs.status).toBe(200);
    expect(await jobs.json()).toEqual([]);
  });

  it(
    'runs a job constrained to a LAN host on that host, its output read through the master',
    async () => {
      const host = lan.host(0);
      const added = await chronos('/scheduler/iso8601', 'POST', {
        name: JOB,
        command: 'echo "ran on $HOST"',
        schedule: 'R/2030-01-01T00:00:00Z/P1D',
        cpus: 0.1,
        mem: 32,
        constraints: [['hostname', 'EQUALS', host.address]],
      });
      expect(added.status).toBe(204);
      expect((await chronos(`/scheduler/job/${JOB}`, 'PUT')).status).toBe(204);
      const run = await successfulRun(1);
      expect(run).toMatchObject({ status: 'success', agentId: agent.id });
      expect(run.logs).toContain(`/executors/${run.taskId}/`);
      expect(await stdoutOf(run)).toBe(`ran on ${host.address}\n`);
    },
    RUN_MS + 30_000,
  );

  it('is still served, with its job, after the master restarts on the same work dir and port', async () => {
    await master().stop();
    daemon = undefined;
    const restarted = await startMaster();
    expect(Number(new URL(restarted.url).port)).toBe(port);
    const jobs = (await (await chronos('/scheduler/jobs')).json()) as ChronosJob[];
    expect(jobs).toEqual([expect.objectContaining({ name: JOB, successCount: 1 })]);
  });

  it(
    'has the LAN agent come back by itself and run the job there again',
    async () => {
      await waitFor(
        'the LAN agent to re-register',
        async () => (master().master.agents.get(agent.id)?.connected ? true : undefined),
        RUN_MS,
      );
      // The same process, under the id it had: it waited for its master and came back.
      expect(agent.child.exitCode).toBeNull();
      expect((await chronos(`/scheduler/job/${JOB}`, 'PUT')).status).toBe(204);
      const run = await successfulRun(2);
      expect(run).toMatchObject({ status: 'success', agentId: agent.id });
      expect(await stdoutOf(run)).toBe(`ran on ${lan.host(0).address}\n`);
    },
    2 * RUN_MS + 30_000,
  );
});
