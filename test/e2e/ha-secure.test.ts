import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { masterFetch } from '@mesolite/daemon/auth/master-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, workDirWithUsers } from '../daemon/auth/secure-daemon.js';
import {
  agentIsActive,
  createApp,
  HaCluster,
  killLeader,
  leaderOf,
  type MasterProcess,
  runningTaskPids,
} from '../support/ha-cluster.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 10 and 11 together: three `mesolite master --zk … --auth` processes (HTTPS and a
 * login on every master, one CA and one join token for the cluster, through ZooKeeper),
 * an agent that follows the leader with `--master zk://… --token`, a Marathon app
 * created through a follower with a login token, kill -9 of the leader, the agent and
 * its task on the new leader over TLS, and a join token that every master refuses.
 */
const APP_ID = '/ha-secure-sleeper';
const AGENT_RESOURCES = 'cpus:2;mem:1024;disk:1024;ports:[31200-31300]';

describe('highly available masters with TLS and authentication', () => {
  const cluster = new HaCluster('ha-secure');
  let zkUrl: string;
  let ca: string;
  let login: string;

  beforeAll(async () => {
    await cluster.startZooKeeper();
    zkUrl = cluster.zkUrl('mesolite-secure');
  });
  afterAll(() => cluster.stop());

  async function startMaster(name: string): Promise<MasterProcess> {
    // Each master's first admin, made in its work dir before the first start as on one
    // machine; the first master to start copies it into the cluster.
    const workDir = await workDirWithUsers([ADMIN]);
    cluster.ownDir(workDir);
    return cluster.master(zkUrl, name, { auth: true, workDir });
  }

  /** A fetch trusting the cluster CA, with the login token. */
  function secure(): typeof fetch {
    return masterFetch({ ca, token: login });
  }

  /** A fetch trusting the cluster CA, with no credentials. */
  function anonymous(): typeof fetch {
    return masterFetch({ ca });
  }

  async function joinToken(through: MasterProcess): Promise<string> {
    const response = await secure()(`${through.url}/mesolite/v1/join-token`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
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

    const leader = await leaderOf(all, secure());
    const follower = all.find((master) => master !== leader) as MasterProcess;
    const otherFollower = all.find((master) => master !== leader && master !== follower);
    if (!otherFollower) throw new Error('no second follower');

    // One join token for the cluster, whichever master is asked.
    const token = await joinToken(follower);
    expect(await joinToken(leader)).toBe(token);
    expect(await joinToken(otherFollower)).toBe(token);

    const { id: agentId } = await cluster.agent(zkUrl, { token, resources: AGENT_RESOURCES });
    await waitFor('the agent on the leader', async () =>
      (await agentIsActive(leader.url, agentId, secure())) ? true : undefined,
    );

    // Through a follower: forwarded to the leader over HTTPS, the login going along.
    const created = await createApp(
      `${follower.url}/service/marathon`,
      { id: APP_ID, cmd: 'sleep 600', instances: 1 },
      secure(),
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('x-marathon-leader')).toBe(`https://127.0.0.1:${leader.port}`);
    // Without a login the follower refuses before anything reaches the leader.
    const withoutLogin = await anonymous()(`${follower.url}/service/marathon/v2/apps`);
    expect(withoutLogin.status).toBe(401);
    const before = await waitFor('the task running', async () => {
      const tasks = await runningTaskPids(leader.url, secure());
      return tasks.size === 1 ? tasks : undefined;
    });
    cluster.ownTasks(before.values());

    const { next, survivors } = await killLeader(leader, all, secure());
    const after = await waitFor('the new leader to have the agent and its task', async () => {
      const tasks = await runningTaskPids(next.url, secure());
      return (await agentIsActive(next.url, agentId, secure())) && tasks.size === 1
        ? tasks
        : undefined;
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
      const result = await cluster.run(
        await cluster.agentArgs(master, { token: refused, resources: AGENT_RESOURCES }),
      );
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('rejected the join token');
    }
  });
});
