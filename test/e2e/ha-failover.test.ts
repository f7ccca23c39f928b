import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliDaemon, startCliDaemon } from '../support/daemon.js';
import { type ZooKeeperServer, zookeeperServer } from '../support/real-services.js';
import { waitFor } from '../support/wait.js';

/**
 * The "done": ZooKeeper, three `mesolite master --zk` processes and an agent
 * following them; a Marathon app created through a follower runs; kill -9 of the
 * leader gives a new leader that has the agent and the same tasks (same ids, same
 * processes); the app scales through a follower; the old master, restarted, follows.
 */
const APP_ID = '/ha-sleepers';

interface MasterProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  child: ChildProcess;
}

interface V1Task {
  task_id: { value: string };
  state: string;
  statuses: Array<{ state: string; container_status?: { executor_pid?: number } }>;
}

interface MasterState {
  pid?: string;
  leader?: string;
  elected_time?: number;
  slaves: Array<{ id: string; active: boolean }>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('three highly available masters and an agent, on one machine', () => {
  let zk: ZooKeeperServer;
  let zkUrl: string;
  const masters: MasterProcess[] = [];
  const children: ChildProcess[] = [];
  const taskPids: number[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    zk = await zookeeperServer({ tickTime: 500 });
    zkUrl = `zk://${zk.connectionString}/mesolite-e2e`;
  });
  afterAll(async () => {
    await zk?.stop();
  });
  afterEach(async () => {
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
    masters.splice(0);
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function workDir(name: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `mesolite-ha-${name}-`));
    dirs.push(dir);
    return dir;
  }

  async function startMaster(name: string, port = 0, dir?: string): Promise<MasterProcess> {
    const started: CliDaemon = await startCliDaemon([
      'master',
      '--zk',
      zkUrl,
      '--port',
      String(port),
      '--work-dir',
      dir ?? (await workDir(name)),
      '--plugins',
      'marathon',
    ]);
    children.push(started.child);
    const url = started.url;
    const master = { name, url, port: Number(new URL(url).port), child: started.child };
    return master;
  }

  async function leaderOf(candidates: readonly MasterProcess[]): Promise<MasterProcess> {
    return waitFor('a leading master', async () => {
      const any = candidates.find((master) => master.child.exitCode === null);
      if (!any) return undefined;
      const redirect = await fetch(`${any.url}/master/redirect`, { redirect: 'manual' });
      const location = redirect.headers.get('location');
      return candidates.find((master) => location === `//127.0.0.1:${master.port}`);
    });
  }

  async function state(master: MasterProcess): Promise<MasterState> {
    return (await (await fetch(`${master.url}/master/state`)).json()) as MasterState;
  }

  /** The running tasks as the leader knows them (the v1 operator API): task id -> pid. */
  async function runningTasks(leader: MasterProcess): Promise<Map<string, number>> {
    const response = await fetch(`${leader.url}/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'GET_TASKS' }),
    });
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

  async function appInstances(through: MasterProcess, instances: number): Promise<Response> {
    return fetch(`${through.url}/service/marathon/v2/apps${APP_ID}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances }),
    });
  }

  it('fails over to a master with the same agent and the same task processes', async () => {
    const a = await startMaster('a');
    await leaderOf([a]);
    const b = await startMaster('b');
    const c = await startMaster('c');
    const all = [a, b, c];
    const agent = await startCliDaemon(
      [
        'agent',
        '--master',
        zkUrl,
        '--work-dir',
        await workDir('agent'),
        '--port',
        '0',
        '--resources',
        'cpus:4;mem:2048;disk:4096;ports:[31000-31100]',
      ],
      /mesolite agent (\S+) joined/,
    );
    children.push(agent.child);
    const agentId = agent.url;

    const leader = await leaderOf(all);
    const follower = all.find((master) => master !== leader) as MasterProcess;
    const created = await fetch(`${follower.url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: APP_ID,
        cmd: 'sleep 600',
        cpus: 0.1,
        mem: 16,
        instances: 2,
        // No service port: another test's Marathon on this machine may hold 10000.
        portDefinitions: [],
      }),
    });
    expect(created.status).toBe(201);
    const before = await waitFor('two running instances', async () => {
      const tasks = await runningTasks(leader);
      return tasks.size === 2 ? tasks : undefined;
    });
    taskPids.push(...before.values());

    leader.child.kill('SIGKILL');
    await once(leader.child, 'exit');
    const survivors = all.filter((master) => master !== leader);
    const next = await leaderOf(survivors);
    const after = await waitFor('the new leader to have the agent and both tasks', async () => {
      const known = await state(next);
      const registered = known.slaves.some((slave) => slave.id === agentId && slave.active);
      const tasks = await runningTasks(next);
      return registered && tasks.size === 2 ? tasks : undefined;
    });
    expect([...after.entries()].sort()).toEqual([...before.entries()].sort());
    for (const pid of after.values()) expect(alive(pid)).toBe(true);

    const otherFollower = survivors.find((master) => master !== next) as MasterProcess;
    // The creation's deployment, if it was still open at the kill, ends on the new leader.
    await waitFor('no deployment in progress', async () => {
      const response = await fetch(`${otherFollower.url}/service/marathon/v2/deployments`);
      return ((await response.json()) as unknown[]).length === 0 ? true : undefined;
    });
    expect((await appInstances(otherFollower, 3)).status).toBe(200);
    const scaled = await waitFor('three running instances', async () => {
      const tasks = await runningTasks(next);
      return tasks.size === 3 ? tasks : undefined;
    });
    taskPids.push(...scaled.values());
    for (const [id, pid] of before) expect(scaled.get(id)).toBe(pid);

    const restarted = await startMaster('a-again', leader.port);
    const redirect = await fetch(`${restarted.url}/master/redirect`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe(`//127.0.0.1:${next.port}`);
    const proxied = await fetch(`${restarted.url}/service/marathon/v2/apps${APP_ID}`);
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get('x-marathon-leader')).toBe(`http://127.0.0.1:${next.port}`);
  });
});
