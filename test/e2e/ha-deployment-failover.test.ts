import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCliDaemon } from '../support/daemon.js';
import { type ZooKeeperServer, zookeeperServer } from '../support/real-services.js';
import { waitFor } from '../support/wait.js';

/**
 * The failover during a deployment: three `mesolite master --zk` processes with
 * Marathon and an agent; a rolling restart (minimumHealthCapacity 1, one extra instance
 * at a time) whose new tasks become healthy only when the test says so; kill -9 of the
 * leader with the deployment half done. The new leader must resume that deployment
 * (same id), finish it, and neither launch a task twice nor lose one.
 */
const APP_ID = '/ha-rolling';

interface MasterProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
}

interface V1Task {
  task_id: { value: string };
  state: string;
  statuses: Array<{ state: string; container_status?: { executor_pid?: number } }>;
}

interface Deployment {
  id: string;
  currentStep: number;
  totalSteps: number;
}

describe('a Marathon deployment across a failover of the leading master', () => {
  let zk: ZooKeeperServer;
  const children: ChildProcess[] = [];
  const taskPids = new Set<number>();
  const dirs: string[] = [];

  beforeAll(async () => {
    zk = await zookeeperServer({ tickTime: 500 });
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
    for (const pid of taskPids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    taskPids.clear();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function workDir(name: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `mesolite-ha-deploy-${name}-`));
    dirs.push(dir);
    return dir;
  }

  async function startMaster(zkUrl: string, name: string): Promise<MasterProcess> {
    const started = await startCliDaemon([
      'master',
      '--zk',
      zkUrl,
      '--port',
      '0',
      '--work-dir',
      await workDir(name),
      '--plugins',
      'marathon',
    ]);
    children.push(started.child);
    return { url: started.url, port: Number(new URL(started.url).port), child: started.child };
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

  /** Every task the master knows of this app: running ones and ended ones, with pids. */
  async function tasksOf(
    master: MasterProcess,
  ): Promise<Array<{ id: string; state: string; pid: number | undefined }>> {
    const response = await fetch(`${master.url}/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'GET_TASKS' }),
    });
    const body = (await response.json()) as {
      get_tasks: { tasks?: V1Task[]; completed_tasks?: V1Task[] };
    };
    const all = [...(body.get_tasks.tasks ?? []), ...(body.get_tasks.completed_tasks ?? [])];
    return all
      .filter((task) => task.task_id.value.startsWith('ha-rolling.'))
      .map((task) => {
        const pid = task.statuses.findLast((status) => status.container_status?.executor_pid)
          ?.container_status?.executor_pid;
        if (pid !== undefined) taskPids.add(pid);
        return { id: task.task_id.value, state: task.state, pid };
      });
  }

  async function deployments(master: MasterProcess): Promise<Deployment[]> {
    const response = await fetch(`${master.url}/service/marathon/v2/deployments`);
    return (await response.json()) as Deployment[];
  }

  it('is resumed by the new leader under the same id and finished, with no task launched twice or lost', async () => {
    const zkUrl = `zk://${zk.connectionString}/ha-deployment`;
    const gateDir = await workDir('gate');
    const gate = join(gateDir, 'open');
    await writeFile(gate, '');
    const first = await startMaster(zkUrl, 'a');
    await leaderOf([first]);
    const all = [first, await startMaster(zkUrl, 'b'), await startMaster(zkUrl, 'c')];
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
    const leader = await leaderOf(all);

    // A task is healthy once its sandbox has `ready`, which it writes once the gate is open.
    const created = await fetch(`${leader.url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: APP_ID,
        cmd: `while [ ! -f ${gate} ]; do sleep 0.2; done; touch ready; exec sleep 600`,
        cpus: 0.1,
        mem: 16,
        instances: 2,
        portDefinitions: [],
        upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0.5 },
        healthChecks: [
          {
            protocol: 'COMMAND',
            command: { value: 'test -f ready' },
            // Mesos waits delaySeconds (15 by default) before a command check's first run.
            delaySeconds: 1,
            gracePeriodSeconds: 300,
            intervalSeconds: 1,
            timeoutSeconds: 5,
            maxConsecutiveFailures: 0,
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    await waitFor('two healthy instances and no deployment', async () => {
      const app = (await (
        await fetch(`${leader.url}/service/marathon/v2/apps${APP_ID}`)
      ).json()) as { app: { tasksHealthy: number } };
      return app.app.tasksHealthy === 2 && (await deployments(leader)).length === 0
        ? true
        : undefined;
    });
    const old = await tasksOf(leader);
    expect(old.map((task) => task.state)).toEqual(['TASK_RUNNING', 'TASK_RUNNING']);

    // The new tasks of the restart wait at the gate: unhealthy, so the deployment waits too.
    await rm(gate);
    const restart = await fetch(`${leader.url}/service/marathon/v2/apps${APP_ID}/restart`, {
      method: 'POST',
    });
    expect(restart.status).toBe(200);
    const { deploymentId } = (await restart.json()) as { deploymentId: string };
    const midway = await waitFor('the first new task running, unhealthy', async () => {
      const tasks = await tasksOf(leader);
      const fresh = tasks.filter(
        (task) => task.state === 'TASK_RUNNING' && !old.some((o) => o.id === task.id),
      );
      return fresh.length === 1 ? tasks : undefined;
    });
    expect((await deployments(leader)).map((deployment) => deployment.id)).toEqual([deploymentId]);
    const inFlight = midway.find((task) => !old.some((o) => o.id === task.id));

    leader.child.kill('SIGKILL');
    await once(leader.child, 'exit');
    const survivors = all.filter((master) => master !== leader);
    const next = await leaderOf(survivors);
    const resumed = await waitFor('the deployment on the new leader', async () => {
      const listed = await deployments(next);
      return listed.length > 0 ? listed : undefined;
    });
    expect(resumed.map((deployment) => deployment.id)).toEqual([deploymentId]);
    // Nothing moved while the new tasks were unhealthy: the old ones still run, the new one too.
    const before = await waitFor('the agent and the three tasks on the new leader', async () => {
      const tasks = await tasksOf(next);
      return tasks.filter((task) => task.state === 'TASK_RUNNING').length === 3 ? tasks : undefined;
    });
    expect(before.find((task) => task.id === inFlight?.id)?.pid).toBe(inFlight?.pid);

    await writeFile(gate, '');
    await waitFor('the deployment to finish', async () =>
      (await deployments(next)).length === 0 ? true : undefined,
    );
    const after = await waitFor('two running instances', async () => {
      const tasks = await tasksOf(next);
      const running = tasks.filter((task) => task.state === 'TASK_RUNNING');
      return running.length === 2 ? tasks : undefined;
    });
    const running = after.filter((task) => task.state === 'TASK_RUNNING');
    // The task launched before the failover is kept, same process; one more was launched
    // after it; both old ones were killed; four tasks in all, none launched twice.
    expect(running.map((task) => task.id)).toContain(inFlight?.id);
    expect(running.find((task) => task.id === inFlight?.id)?.pid).toBe(inFlight?.pid);
    expect(running.some((task) => old.some((o) => o.id === task.id))).toBe(false);
    expect(after.filter((task) => old.some((o) => o.id === task.id)).map((t) => t.state)).toEqual([
      'TASK_KILLED',
      'TASK_KILLED',
    ]);
    expect(new Set(after.map((task) => task.id)).size).toBe(4);
    expect(after).toHaveLength(4);
    const app = (await (await fetch(`${next.url}/service/marathon/v2/apps${APP_ID}`)).json()) as {
      app: { instances: number; tasksHealthy: number; deployments: unknown[] };
    };
    expect(app.app).toMatchObject({ instances: 2, tasksHealthy: 2, deployments: [] });
  });
});
