import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type SecureDaemon, startSecureDaemon } from '../daemon/auth/secure-daemon.js';
import { runCli } from '../support/daemon.js';
import { type LanHost, lanAgentArgs, TestLan } from '../support/test-lan.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

const SEEN_MS = 120_000;

describe('a LAN cluster: a TLS master and agents on other hosts joined by token', () => {
  const lan = new TestLan();
  let daemon: SecureDaemon;
  let token: string;
  const agents: ChildProcess[] = [];
  const workDirs: string[] = [];

  async function agentArgs(host: LanHost, joinToken: string): Promise<string[]> {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-lan-agent-'));
    workDirs.push(workDir);
    return lanAgentArgs(host, { master: daemon.url, joinToken, workDir });
  }

  beforeAll(async () => {
    await lan.create(2);
    daemon = await startSecureDaemon({
      host: lan.masterAddress,
      auth: false,
      agent: true,
      plugins: ['marathon'],
    });
    token = await daemon.login(ADMIN);
  });

  afterAll(async () => {
    if (daemon) {
      await daemon
        .fetch(token)(`${daemon.url}/service/marathon/v2/apps/lan-web?force=true`, {
          method: 'DELETE',
        })
        .catch(() => undefined);
    }
    for (const agent of agents) agent.kill('SIGKILL');
    await lan.remove();
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    for (const dir of workDirs) await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS on the LAN address, with authentication on', async () => {
    expect(daemon.url).toMatch(new RegExp(`^https://${lan.masterAddress.replaceAll('.', '\\.')}:`));
    expect((await daemon.fetch()(`${daemon.url}/master/state`)).status).toBe(401);
  });

  it('refuses an agent with a wrong token: it exits non-zero and nothing registers', async () => {
    const host = lan.hosts[0];
    if (!host) throw new Error('the LAN has no host');
    const wrong = (daemon.joinToken ?? '').replace(/:[^:]+$/, ':a-secret-this-master-never-made');
    const [command, ...args] = ['ip', ...(await agentArgs(host, wrong))];
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(command ?? 'ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('rejected the join token');
    expect([...daemon.master.agents.values()].map((a) => a.info.hostname)).not.toContain(
      host.address,
    );
  });

  it('joins the agents of both hosts by token', async () => {
    for (const host of lan.hosts) {
      const child = spawn('ip', await agentArgs(host, daemon.joinToken ?? ''), {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      agents.push(child);
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      expect(line.toString()).toContain('joined');
    }
    const hostnames = await waitFor('three agents', async () => {
      const names = [...daemon.master.agents.values()].map((agent) => agent.info.hostname);
      return names.length === 3 ? names : undefined;
    });
    expect(hostnames).toEqual(expect.arrayContaining(lan.hosts.map((host) => host.address)));
  });

  it('runs one instance of a hostname-UNIQUE app on each of the three hosts', async () => {
    const created = await daemon.fetch(token)(`${daemon.url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: '/lan-web',
        // Each instance answers with the host Marathon placed it on.
        cmd: 'echo "$HOST" > index.html && exec busybox httpd -f -p "$PORT0" -h .',
        instances: 3,
        cpus: 0.1,
        mem: 32,
        constraints: [['hostname', 'UNIQUE']],
        portDefinitions: [{ port: 0 }],
      }),
    });
    expect(created.status).toBe(201);
    const tasks = await waitFor(
      'three running instances',
      async () => {
        const response = await daemon.fetch(token)(
          `${daemon.url}/service/marathon/v2/apps/lan-web/tasks`,
        );
        const body = (await response.json()) as {
          tasks: {
            host: string;
            ipAddresses: { ipAddress: string }[];
            state?: string;
            startedAt?: string;
          }[];
        };
        const running = body.tasks.filter((task) => task.startedAt !== undefined);
        return running.length === 3 ? running : undefined;
      },
      SEEN_MS,
    );
    expect(new Set(tasks.map((task) => task.host)).size).toBe(3);
    expect(tasks.map((task) => task.host)).toEqual(
      expect.arrayContaining(lan.hosts.map((host) => host.address)),
    );
  });

  it('reports each LAN task at its agent’s address, as Marathon’s ipAddresses do', async () => {
    const response = await daemon.fetch(token)(
      `${daemon.url}/service/marathon/v2/apps/lan-web/tasks`,
    );
    const { tasks } = (await response.json()) as {
      tasks: { host: string; ipAddresses: { ipAddress: string; protocol: string }[] }[];
    };
    for (const host of lan.hosts) {
      const task = tasks.find((candidate) => candidate.host === host.address);
      expect(task?.ipAddresses).toEqual([{ ipAddress: host.address, protocol: 'IPv4' }]);
    }
  });

  it('is reachable through its service port from another host, reaching every instance', async () => {
    const response = await daemon.fetch(token)(`${daemon.url}/service/marathon/v2/apps/lan-web`);
    const { app } = (await response.json()) as { app: { portDefinitions: { port: number }[] } };
    const servicePort = app.portDefinitions[0]?.port;
    expect(servicePort).toBeGreaterThan(0);
    const from = lan.hosts[1];
    if (!from) throw new Error('the LAN has no second host');
    const seen = new Set<string>();
    await waitFor(
      'an answer from every instance through the service port',
      async () => {
        const { stdout } = await run('ip', [
          'netns',
          'exec',
          from.netns,
          'curl',
          '-sf',
          '--max-time',
          '5',
          `http://${lan.masterAddress}:${servicePort}/`,
        ]);
        seen.add(stdout.trim());
        return seen.size === 3 ? seen : undefined;
      },
      SEEN_MS,
    );
    expect(seen).toContain(lan.hosts[0]?.address);
    expect(seen).toContain(lan.hosts[1]?.address);
  });

  it('gives the join token only to an admin, through the CLI', async () => {
    const result = await runCli(
      ['token', 'show', '--master', daemon.url, '--token', token, '--ca-cert', daemon.caFile ?? ''],
      { MESOLITE_CREDENTIALS: '/nonexistent/credentials' },
    );
    expect(result.stdout.trim()).toBe(daemon.joinToken);
  });

  describe('when an agent is killed with -9', () => {
    const get = async <T>(path: string): Promise<T> =>
      (await daemon.fetch(token)(`${daemon.url}${path}`)).json() as Promise<T>;
    let lost: { agentId: string; taskId: string; killedAt: number };

    beforeAll(async () => {
      const host = lan.host(0);
      const pid = agents[0]?.pid;
      if (pid === undefined) throw new Error(`no agent runs on ${host.address}`);
      // `ip netns exec` execs in place: the spawned process is the agent itself.
      expect(await lan.pids(host)).toContain(pid);
      expect(await readFile(`/proc/${pid}/cmdline`, 'utf8')).toContain('agent');
      const agentId = [...daemon.master.agents.values()].find(
        (agent) => agent.info.hostname === host.address,
      )?.id;
      const { tasks } = await get<{ tasks: MarathonTask[] }>(
        '/service/marathon/v2/apps/lan-web/tasks',
      );
      const taskId = tasks.find((task) => task.host === host.address)?.id;
      if (agentId === undefined || taskId === undefined) {
        throw new Error(`no agent or no lan-web instance on ${host.address}`);
      }
      lost = { agentId, taskId, killedAt: Date.now() };
      process.kill(pid, 'SIGKILL');
    });

    it('is marked unreachable by the master, with the default timeout, within 30 s', async () => {
      const state = await waitFor(
        'the master to mark the killed agent unreachable',
        async () => {
          const body = await get<MasterState>('/master/state');
          return body.unreachable_slaves === 1 ? body : undefined;
        },
        SEEN_MS,
      );
      expect(state.slaves.map((slave) => slave.id)).not.toContain(lost.agentId);
      // The master's own record of when: the unreachable_time of the task's last status.
      const tasks = await daemon.fetch(token)(`${daemon.url}/api/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ type: 'GET_TASKS' }),
      });
      const { get_tasks } = (await tasks.json()) as {
        get_tasks: { unreachable_tasks?: OperatorTask[] };
      };
      const task = get_tasks.unreachable_tasks?.find((t) => t.task_id.value === lost.taskId);
      const unreachableAt = (task?.statuses.at(-1)?.unreachable_time?.nanoseconds ?? 0) / 1e6;
      expect(unreachableAt - lost.killedAt).toBeGreaterThan(0);
      expect(unreachableAt - lost.killedAt).toBeLessThanOrEqual(30_000);
    }, 150_000);

    it("reports the agent's instance TASK_UNREACHABLE and has Marathon queue a replacement", async () => {
      const state = await get<MasterState>('/master/state');
      const marathon = state.frameworks.find((framework) => framework.name === 'marathon');
      expect(marathon?.unreachable_tasks).toEqual([
        expect.objectContaining({ id: lost.taskId, state: 'TASK_UNREACHABLE' }),
      ]);
      const entry = await waitFor('the replacement in /v2/queue', async () => {
        const { queue } = await get<{ queue: QueueItem[] }>('/service/marathon/v2/queue');
        return queue.find((item) => item.app.id === '/lan-web');
      });
      expect(entry.count).toBe(1);
    });

    it('says in /v2/queue that the hosts left already run an instance (UnfulfilledConstraint)', async () => {
      const others = [...daemon.master.agents.values()]
        .filter((agent) => agent.id !== lost.agentId)
        .map((agent) => agent.info.hostname);
      expect(others).toHaveLength(2);
      const entry = await waitFor(
        'the last offer of both remaining hosts declined',
        async () => {
          const { queue } = await get<{ queue: QueueItem[] }>(
            '/service/marathon/v2/queue?embed=lastUnusedOffers',
          );
          const item = queue.find((found) => found.app.id === '/lan-web');
          return (item?.lastUnusedOffers ?? []).length === 2 ? item : undefined;
        },
        SEEN_MS,
      );
      expect(
        entry.lastUnusedOffers?.map((unused) => [unused.offer.hostname, unused.reason]),
      ).toEqual(
        expect.arrayContaining(
          others.map((hostname) => [hostname, expect.arrayContaining(['UnfulfilledConstraint'])]),
        ),
      );
      expect(entry.processedOffersSummary.rejectSummaryLastOffers).toContainEqual({
        reason: 'UnfulfilledConstraint',
        declined: 2,
        processed: 2,
      });
      const { app } = await get<{ app: { tasksRunning: number } }>(
        '/service/marathon/v2/apps/lan-web',
      );
      expect(app.tasksRunning).toBe(2);
    }, 150_000);
  });
});

interface MarathonTask {
  id: string;
  host: string;
}

interface MasterState {
  unreachable_slaves: number;
  slaves: { id: string }[];
  frameworks: { name: string; unreachable_tasks: { id: string; state: string }[] }[];
}

interface OperatorTask {
  task_id: { value: string };
  statuses: { state: string; unreachable_time?: { nanoseconds: number } }[];
}

interface QueueItem {
  count: number;
  app: { id: string };
  processedOffersSummary: {
    rejectSummaryLastOffers: { reason: string; declined: number; processed: number }[];
  };
  lastUnusedOffers?: { offer: { hostname: string }; reason: string[] }[];
}
