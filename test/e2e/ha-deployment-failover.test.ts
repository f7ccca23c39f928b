import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createApp,
  HaCluster,
  killLeader,
  leaderOf,
  type MasterProcess,
  masterTasks,
} from '../support/ha-cluster.js';
import { waitFor } from '../support/wait.js';

/**
 * The failover during a deployment: three `mesolite master --zk` processes with
 * Marathon and an agent; a rolling restart (minimumHealthCapacity 1, one extra instance
 * at a time) whose new tasks become healthy only when the test says so; kill -9 of the
 * leader with the deployment half done. The new leader must resume that deployment
 * (same id), finish it, and neither launch a task twice nor lose one.
 */
const APP_ID = '/ha-rolling';

interface Deployment {
  id: string;
  currentStep: number;
  totalSteps: number;
}

describe('a Marathon deployment across a failover of the leading master', () => {
  const cluster = new HaCluster('ha-deploy');

  beforeAll(() => cluster.startZooKeeper());
  afterEach(() => cluster.stopProcesses());
  afterAll(() => cluster.stop());

  /** Every task the master knows of this app: running ones and ended ones, with pids. */
  async function tasksOf(master: MasterProcess) {
    const tasks = (await masterTasks(master.url)).filter((task) =>
      task.id.startsWith('ha-rolling.'),
    );
    cluster.ownTasks(tasks.map((task) => task.pid));
    return tasks;
  }

  async function deployments(master: MasterProcess): Promise<Deployment[]> {
    const response = await fetch(`${master.url}/service/marathon/v2/deployments`);
    return (await response.json()) as Deployment[];
  }

  it('is resumed by the new leader under the same id and finished, with no task launched twice or lost', async () => {
    const zkUrl = cluster.zkUrl('ha-deployment');
    const gateDir = await cluster.workDir('gate');
    const gate = join(gateDir, 'open');
    await writeFile(gate, '');
    const first = await cluster.master(zkUrl, 'a');
    await leaderOf([first]);
    const all = [first, await cluster.master(zkUrl, 'b'), await cluster.master(zkUrl, 'c')];
    await cluster.agent(zkUrl, { resources: 'cpus:4;mem:2048;disk:4096;ports:[31000-31100]' });
    const leader = await leaderOf(all);

    // A task is healthy once its sandbox has `ready`, which it writes once the gate is open.
    const created = await createApp(`${leader.url}/service/marathon`, {
      id: APP_ID,
      cmd: `while [ ! -f ${gate} ]; do sleep 0.2; done; touch ready; exec sleep 600`,
      instances: 2,
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

    const { next } = await killLeader(leader, all);
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
