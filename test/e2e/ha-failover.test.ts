import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  agentIsActive,
  createApp,
  HaCluster,
  killLeader,
  leaderOf,
  type MasterProcess,
  noDeployments,
  runningTaskPids,
} from '../support/ha-cluster.js';
import { waitFor } from '../support/wait.js';

/**
 * The "done": ZooKeeper, three `mesolite master --zk` processes and an agent
 * following them; a Marathon app created through a follower runs; kill -9 of the
 * leader gives a new leader that has the agent and the same tasks (same ids, same
 * processes); the app scales through a follower; the old master, restarted, follows.
 */
const APP_ID = '/ha-sleepers';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('three highly available masters and an agent, on one machine', () => {
  const cluster = new HaCluster('ha');
  let zkUrl: string;

  beforeAll(async () => {
    await cluster.startZooKeeper();
    zkUrl = cluster.zkUrl('mesolite-e2e');
  });
  afterEach(() => cluster.stopProcesses());
  afterAll(() => cluster.stop());

  async function appInstances(through: MasterProcess, instances: number): Promise<Response> {
    return fetch(`${through.url}/service/marathon/v2/apps${APP_ID}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances }),
    });
  }

  it('fails over to a master with the same agent and the same task processes', async () => {
    const a = await cluster.master(zkUrl, 'a');
    await leaderOf([a]);
    const b = await cluster.master(zkUrl, 'b');
    const c = await cluster.master(zkUrl, 'c');
    const all = [a, b, c];
    const { id: agentId } = await cluster.agent(zkUrl, {
      resources: 'cpus:4;mem:2048;disk:4096;ports:[31000-31100]',
    });

    const leader = await leaderOf(all);
    const follower = all.find((master) => master !== leader) as MasterProcess;
    const created = await createApp(`${follower.url}/service/marathon`, {
      id: APP_ID,
      cmd: 'sleep 600',
      instances: 2,
    });
    expect(created.status).toBe(201);
    const before = await waitFor('two running instances', async () => {
      const tasks = await runningTaskPids(leader.url);
      return tasks.size === 2 ? tasks : undefined;
    });
    cluster.ownTasks(before.values());

    const { next, survivors } = await killLeader(leader, all);
    const after = await waitFor('the new leader to have the agent and both tasks', async () => {
      const registered = await agentIsActive(next.url, agentId);
      const tasks = await runningTaskPids(next.url);
      return registered && tasks.size === 2 ? tasks : undefined;
    });
    expect([...after.entries()].sort()).toEqual([...before.entries()].sort());
    for (const pid of after.values()) expect(alive(pid)).toBe(true);

    const otherFollower = survivors.find((master) => master !== next) as MasterProcess;
    // The creation's deployment, if it was still open at the kill, ends on the new leader.
    await waitFor('no deployment in progress', () =>
      noDeployments(`${otherFollower.url}/service/marathon`),
    );
    expect((await appInstances(otherFollower, 3)).status).toBe(200);
    const scaled = await waitFor('three running instances', async () => {
      const tasks = await runningTaskPids(next.url);
      return tasks.size === 3 ? tasks : undefined;
    });
    cluster.ownTasks(scaled.values());
    for (const [id, pid] of before) expect(scaled.get(id)).toBe(pid);

    const restarted = await cluster.master(zkUrl, 'a-again', { port: leader.port });
    const redirect = await fetch(`${restarted.url}/master/redirect`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe(`//127.0.0.1:${next.port}`);
    const proxied = await fetch(`${restarted.url}/service/marathon/v2/apps${APP_ID}`);
    expect(proxied.status).toBe(200);
    expect(proxied.headers.get('x-marathon-leader')).toBe(`http://127.0.0.1:${next.port}`);
  });
});
