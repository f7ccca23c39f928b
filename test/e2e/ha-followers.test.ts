import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createApp,
  HaCluster,
  killLeader,
  masterState,
  masterTasks,
  noDeployments,
  zkMasterArgs,
} from '../support/ha-cluster.js';
import { waitFor } from '../support/wait.js';

/** `mesolite up --zk` and `mesolite plugin run NAME --master zk://…` following the leader. */
describe('processes that follow the leading master through ZooKeeper', () => {
  const cluster = new HaCluster('ha');
  let run = 0;

  beforeAll(() => cluster.startZooKeeper());
  afterEach(() => cluster.stopProcesses());
  afterAll(() => cluster.stop());

  function zkUrl(): string {
    run += 1;
    return cluster.zkUrl(`followers-${run}`);
  }

  async function runningTasks(master: string) {
    const tasks = await masterTasks(master);
    return tasks.filter((task) => task.state === 'TASK_RUNNING');
  }

  it('`up --zk` leads with its local agent registered', async () => {
    const { url } = await cluster.cli(
      zkMasterArgs('up', zkUrl(), await cluster.workDir('up'), { plugins: '' }),
    );
    const state = await waitFor('the local agent on the leader', async () => {
      const body = await masterState(url);
      return body.slaves.some((slave) => slave.active) ? body : undefined;
    });
    expect(state.leader).toBe(`master@127.0.0.1:${new URL(url).port}`);
  });

  it("`up --zk` serves its local agent's sandboxes at its /files, and every master at /agent/<id>/files", async () => {
    const zkPath = zkUrl();
    const greeting = 'hello from the sandbox of up --zk';
    const { url: up } = await cluster.cli(
      zkMasterArgs('up', zkPath, await cluster.workDir('up-files'), { plugins: 'marathon' }),
    );
    // It prints its address before it is elected and Marathon has started.
    await waitFor('Marathon on the leader', async () =>
      (await fetch(`${up}/service/marathon/v2/info`)).ok ? true : undefined,
    );
    const created = await createApp(`${up}/service/marathon`, {
      id: 'sandboxed',
      cmd: `echo '${greeting}'; sleep 1000`,
      instances: 1,
    });
    expect(created.status).toBe(201);
    const [running] = await waitFor('the task running on the local agent', async () => {
      const tasks = await runningTasks(up);
      return tasks.length === 1 ? tasks : undefined;
    });
    cluster.ownTasks([running?.pid]);
    const { tasks } = (await (
      await fetch(`${up}/service/marathon/v2/apps/sandboxed/tasks`)
    ).json()) as { tasks: Array<{ id: string; slaveId: string }> };
    const task = tasks[0] as { id: string; slaveId: string };
    const info = (await (await fetch(`${up}/service/marathon/v2/info`)).json()) as {
      frameworkId: string;
    };
    const stdout = `/frameworks/${info.frameworkId}/executors/${task.id}/runs/latest/stdout`;
    const read = (base: string) =>
      waitFor(`${base} to read the task's stdout`, async () => {
        const response = await fetch(`${base}/read?path=${encodeURIComponent(stdout)}&offset=0`);
        if (response.status !== 200) return undefined;
        const { data } = (await response.json()) as { data: string };
        return data.includes(greeting) ? data : undefined;
      });

    expect(await read(`${up}/agent/${task.slaveId}/files`)).toContain(greeting);
    expect(await read(`${up}/files`)).toContain(greeting);
    // A master that does not lead forwards it to the leader, which holds the agent's link.
    const { url: follower } = await cluster.cli(
      zkMasterArgs('master', zkPath, await cluster.workDir('files-follower'), { plugins: '' }),
    );
    const proxied = await fetch(
      `${follower}/agent/${task.slaveId}/files/read?path=${encodeURIComponent(stdout)}&offset=0`,
    );
    expect(proxied.status).toBe(200);
    expect(((await proxied.json()) as { data: string }).data).toContain(greeting);
  });

  it('runs Marathon on its own, and it re-subscribes to the new leader with its task after a failover', async () => {
    const zkPath = zkUrl();
    const first = await cluster.master(zkPath, 'm1', { plugins: '' });
    const second = await cluster.master(zkPath, 'm2', { plugins: '' });
    await cluster.agent(zkPath);
    const { url: marathon } = await cluster.cli(
      [
        'plugin',
        'run',
        'marathon',
        '--master',
        zkPath,
        '--port',
        '0',
        '--work-dir',
        await cluster.workDir('marathon'),
      ],
      /marathon is up: (http:\/\/\S+?)\/ /,
    );

    const created = await createApp(marathon, { id: 'remote', cmd: 'sleep 1000', instances: 1 });
    expect(created.status).toBe(201);
    const [task] = await waitFor('one running task', async () => {
      const tasks = await runningTasks(first.url);
      return tasks.length === 1 ? tasks : undefined;
    });
    const pid = task?.pid;
    cluster.ownTasks([pid]);

    const { next } = await killLeader(first, [first, second]);
    await waitFor('the framework and the agent back on the new leader, with the task', async () => {
      const tasks = await runningTasks(next.url);
      const state = await masterState(next.url);
      const active = state.frameworks.some(
        (framework) => framework.id === task?.frameworkId && framework.active,
      );
      const agentBack = state.slaves.some((slave) => slave.active);
      return active && agentBack && tasks.length === 1 && tasks[0]?.pid === pid ? true : undefined;
    });

    // Marathon revives its offers on every subscription, so a scale-up right after the
    // failover is launched by the new leader at once, not after a decline filter runs out.
    await waitFor('no deployment in progress', () => noDeployments(marathon));
    const scaled = await fetch(`${marathon}/v2/apps/remote`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: 2 }),
    });
    expect(scaled.status).toBe(200);
    const both = await waitFor('two running tasks on the new leader', async () => {
      const tasks = await runningTasks(next.url);
      return tasks.length === 2 ? tasks : undefined;
    });
    cluster.ownTasks(both.map((each) => each.pid));
    expect(both.map((each) => each.pid)).toContain(pid);
  });
});
