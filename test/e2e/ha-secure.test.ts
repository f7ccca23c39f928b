import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { masterFetch } from '@mesolite/daemon/auth/master-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, workDirWithUsers } from '../daemon/auth/secure-daemon.js';
import { CLI_PATH, startCliDaemon } from '../support/daemon.js';
import { type ZooKeeperServer, zookeeperServer } from '../support/real-services.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 10 and 11 together: three `mesolite master --zk … --auth` processes (HTTPS and a
 * login on every master, one CA and one join token for the cluster, through ZooKeeper),
 * an agent that follows the leader with `--master zk://… --token`, a Marathon app
 * created through a follower with a login token, kill -9 of the leader, the agent and
 * its task on the new leader over TLS, and a join token that every master refuses.
 */
const APP_ID = '/ha-secure-sleeper';
const HTTPS_UP_LINE = /mesolite is up: (https:\/\/\S+?)\/?\s/;

interface MasterProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly workDir: string;
  readonly child: ChildProcess;
}

interface V1Task {
  task_id: { value: string };
  state: string;
  statuses: Array<{ state: string; container_status?: { executor_pid?: number } }>;
}

describe('highly available masters with TLS and authentication', () => {
  let zk: ZooKeeperServer;
  let zkUrl: string;
  let ca: string;
  let login: string;
  const children: ChildProcess[] = [];
  const taskPids: number[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    zk = await zookeeperServer({ tickTime: 500 });
    zkUrl = `zk://${zk.connectionString}/mesolite-secure`;
  });
  afterAll(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
    for (const pid of taskPids.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    await zk?.stop();
  });

  async function startMaster(name: string): Promise<MasterProcess> {
    // Each master's first admin, made in its work dir before the first start as on one
    // machine; the first master to start copies it into the cluster.
    const workDir = await workDirWithUsers([ADMIN]);
    dirs.push(workDir);
    const started = await startCliDaemon(
      [
        'master',
        '--zk',
        zkUrl,
        '--auth',
        '--port',
        '0',
        '--work-dir',
        workDir,
        '--plugins',
        'marathon',
      ],
      HTTPS_UP_LINE,
    );
    children.push(started.child);
    return {
      name,
      url: started.url,
      port: Number(new URL(started.url).port),
      workDir,
      child: started.child,
    };
  }

  /** A fetch trusting the cluster CA, with the login token. */
  function secure(): typeof fetch {
    return masterFetch({ ca, token: login });
  }

  /** A fetch trusting the cluster CA, with no credentials. */
  function anonymous(): typeof fetch {
    return masterFetch({ ca });
  }

  async function leaderOf(candidates: readonly MasterProcess[]): Promise<MasterProcess> {
    return waitFor('a leading master', async () => {
      const any = candidates.find((master) => master.child.exitCode === null);
      if (!any) return undefined;
      const redirect = await secure()(`${any.url}/master/redirect`, { redirect: 'manual' });
      const location = redirect.headers.get('location');
      return candidates.find((master) => location === `//127.0.0.1:${master.port}`);
    });
  }

  async function runningTasks(leader: MasterProcess): Promise<Map<string, number>> {
    const response = await secure()(`${leader.url}/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'GET_TASKS' }),
    });
    if (!response.ok) return new Map();
    const body = (await response.json()) as { get_tasks: { tasks?: V1Task[] } };
    const tasks = new Map<string, number>();
    for (const task of body.get_tasks.tasks ?? []) {
      if (task.state !== 'TASK_RUNNING') continue;
      const pid = task.statuses.findLast((status) => status.container_status?.executor_pid)
        ?.container_status?.executor_pid;
      if (pid !== undefined) tasks.set(task.task_id.value, pid);
    }
    return tasks;
  }

  async function agentIsActive(leader: MasterProcess, agentId: string): Promise<boolean> {
    const response = await secure()(`${leader.url}/master/state`);
    if (!response.ok) return false;
    const state = (await response.json()) as { slaves: Array<{ id: string; active: boolean }> };
    return state.slaves.some((slave) => slave.id === agentId && slave.active);
  }

  async function joinToken(through: MasterProcess): Promise<string> {
    const response = await secure()(`${through.url}/mesolite/v1/join-token`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  }

  async function agentArgs(token: string, master = zkUrl): Promise<string[]> {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-ha-secure-agent-'));
    dirs.push(workDir);
    return [
      'agent',
      '--master',
      master,
      '--token',
      token,
      '--work-dir',
      workDir,
      '--port',
      '0',
      '--resources',
      'cpus:2;mem:1024;disk:1024;ports:[31200-31300]',
    ];
  }

  /** Runs an agent that should be refused; resolves with its exit code and stderr. */
  function refusedAgent(args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI_PATH, ...args, '--log-level', 'silent'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('runs, fails over and keeps its agent and task, all over HTTPS with logins', async () => {
    const a = await startMaster('a');
    ca = await readFile(join(a.workDir, 'tls', 'ca.crt'), 'utf8');
    const b = await startMaster('b');
    const c = await startMaster('c');
    const all = [a, b, c];

    // One CA for the cluster: every master's copy is the first master's.
    for (const master of [b, c]) {
      expect(await readFile(join(master.workDir, 'tls', 'ca.crt'), 'utf8')).toBe(ca);
    }
    // Authentication on every master: nothing without a login, followers included.
    for (const master of all) {
      expect((await anonymous()(`${master.url}/master/state`)).status).toBe(401);
    }

    // A login made on one master is good on every master: they share the signing secret.
    const response = await anonymous()(`${c.url}/acs/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: ADMIN.uid, password: ADMIN.password }),
    });
    expect(response.status).toBe(200);
    login = ((await response.json()) as { token: string }).token;
    for (const master of all) {
      expect((await secure()(`${master.url}/mesolite/v1/join-token`)).status).toBe(200);
    }

    const leader = await leaderOf(all);
    const follower = all.find((master) => master !== leader) as MasterProcess;
    const otherFollower = all.find((master) => master !== leader && master !== follower);
    if (!otherFollower) throw new Error('no second follower');

    // One join token for the cluster, whichever master is asked.
    const token = await joinToken(follower);
    expect(await joinToken(leader)).toBe(token);
    expect(await joinToken(otherFollower)).toBe(token);

    const agent = await startCliDaemon(await agentArgs(token), /mesolite agent (\S+) joined/);
    children.push(agent.child);
    const agentId = agent.url;
    await waitFor('the agent on the leader', async () =>
      (await agentIsActive(leader, agentId)) ? true : undefined,
    );

    // Through a follower: forwarded to the leader over HTTPS, the login going along.
    const created = await secure()(`${follower.url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: APP_ID,
        cmd: 'sleep 600',
        cpus: 0.1,
        mem: 16,
        instances: 1,
        portDefinitions: [],
      }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-marathon-leader')).toBe(`https://127.0.0.1:${leader.port}`);
    // Without a login the follower refuses before anything reaches the leader.
    const withoutLogin = await anonymous()(`${follower.url}/service/marathon/v2/apps`);
    expect(withoutLogin.status).toBe(401);
    const before = await waitFor('the task running', async () => {
      const tasks = await runningTasks(leader);
      return tasks.size === 1 ? tasks : undefined;
    });
    taskPids.push(...before.values());

    leader.child.kill('SIGKILL');
    await once(leader.child, 'exit');
    const survivors = all.filter((master) => master !== leader);
    const next = await leaderOf(survivors);
    const after = await waitFor('the new leader to have the agent and its task', async () => {
      const tasks = await runningTasks(next);
      return (await agentIsActive(next, agentId)) && tasks.size === 1 ? tasks : undefined;
    });
    expect([...after.entries()]).toEqual([...before.entries()]);

    // Rotated through a master that does not lead: the leader writes the new token and
    // every master reads it from ZooKeeper at once.
    const standby = survivors.find((master) => master !== next) as MasterProcess;
    const rotated = await secure()(`${standby.url}/mesolite/v1/join-token/rotate`, {
      method: 'POST',
    });
    expect(rotated.status).toBe(200);
    const fresh = ((await rotated.json()) as { token: string }).token;
    expect(fresh).not.toBe(token);
    expect(await joinToken(next)).toBe(fresh);
    expect(await joinToken(standby)).toBe(fresh);

    // The old token, and one with a secret no master made, are refused: by the leader
    // an agent following zk:// reaches, and by each master asked directly.
    const wrong = token.replace(/:[^:]+$/, ':a-secret-no-master-ever-made');
    const attempts = [
      { refused: token, master: zkUrl },
      { refused: wrong, master: zkUrl },
      ...survivors.map((master) => ({ refused: wrong, master: master.url })),
    ];
    for (const { refused, master } of attempts) {
      const result = await refusedAgent(await agentArgs(refused, master));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('rejected the join token');
    }
  });
});
