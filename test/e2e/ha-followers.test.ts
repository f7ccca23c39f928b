import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCliDaemon } from '../support/daemon.js';
import { type ZooKeeperServer, zookeeperServer } from '../support/real-services.js';
import { waitFor } from '../support/wait.js';

/** `mesolite up --zk` and `mesolite plugin run NAME --master zk://…` following the leader. */
interface V1Task {
  task_id: { value: string };
  framework_id: { value: string };
  state: string;
  statuses: Array<{ container_status?: { executor_pid?: number } }>;
}

const UP_LINE = /mesolite is up: (http:\/\/\S+?)\/?\s/;

describe('processes that follow the leading master through ZooKeeper', () => {
  let zk: ZooKeeperServer;
  let run = 0;
  const children: ChildProcess[] = [];
  const taskPids: number[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    zk = await zookeeperServer({ tickTime: 500 });
  });
  afterAll(async () => {
    await zk?.stop();
  });
  afterEach(async () => {
    for (const child of children.splice(0).reverse()) {
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
  });

  async function workDir(name: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `mesolite-ha-${name}-`));
    dirs.push(dir);
    return dir;
  }

  function zkUrl(): string {
    run += 1;
    return `zk://${zk.connectionString}/followers-${run}`;
  }

  async function cli(args: string[], pattern: RegExp = UP_LINE): Promise<string> {
    const started = await startCliDaemon(args, pattern);
    children.push(started.child);
    return started.url;
  }

  async function runningTasks(master: string): Promise<V1Task[]> {
    const response = await fetch(`${master}/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'GET_TASKS' }),
    });
    const body = (await response.json()) as { get_tasks: { tasks?: V1Task[] } };
    return (body.get_tasks.tasks ?? []).filter((task) => task.state === 'TASK_RUNNING');
  }

  function pidOf(task: V1Task): number | undefined {
    return task.statuses.findLast((status) => status.container_status?.executor_pid)
      ?.container_status?.executor_pid;
  }

  it('`up --zk` leads with its local agent registered', async () => {
    const url = await cli([
      'up',
      '--zk',
      zkUrl(),
      '--port',
      '0',
      '--work-dir',
      await workDir('up'),
      '--plugins',
      '',
    ]);
    const state = await waitFor('the local agent on the leader', async () => {
      const response = await fetch(`${url}/master/state`);
      if (response.status !== 200) return undefined;
      const body = (await response.json()) as {
        leader?: string;
        slaves: Array<{ active: boolean }>;
      };
      return body.slaves.some((slave) => slave.active) ? body : undefined;
    });
    expect(state.leader).toBe(`master@127.0.0.1:${new URL(url).port}`);
  });

  it("`up --zk` serves its local agent's sandboxes at its /files, and every master at /agent/<id>/files", async () => {
    const zkPath = zkUrl();
    const greeting = 'hello from the sandbox of up --zk';
    const up = await cli([
      'up',
      '--zk',
      zkPath,
      '--port',
      '0',
      '--work-dir',
      await workDir('up-files'),
      '--plugins',
      'marathon',
    ]);
    // It prints its address before it is elected and Marathon has started.
    await waitFor('Marathon on the leader', async () =>
      (await fetch(`${up}/service/marathon/v2/info`)).ok ? true : undefined,
    );
    const created = await fetch(`${up}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'sandboxed',
        cmd: `echo '${greeting}'; sleep 1000`,
        cpus: 0.1,
        mem: 16,
        instances: 1,
        portDefinitions: [],
      }),
    });
    expect(created.status).toBe(201);
    const [running] = await waitFor('the task running on the local agent', async () => {
      const tasks = await runningTasks(up);
      return tasks.length === 1 ? tasks : undefined;
    });
    const pid = running && pidOf(running);
    if (pid !== undefined) taskPids.push(pid);
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
    const follower = await cli([
      'master',
      '--zk',
      zkPath,
      '--port',
      '0',
      '--work-dir',
      await workDir('files-follower'),
      '--plugins',
      '',
    ]);
    const proxied = await fetch(
      `${follower}/agent/${task.slaveId}/files/read?path=${encodeURIComponent(stdout)}&offset=0`,
    );
    expect(proxied.status).toBe(200);
    expect(((await proxied.json()) as { data: string }).data).toContain(greeting);
  });

  it('runs Marathon on its own, and it re-subscribes to the new leader with its task after a failover', async () => {
    const zkPath = zkUrl();
    const master = (name: string) =>
      cli(['master', '--zk', zkPath, '--port', '0', '--work-dir', name, '--plugins', '']);
    const first = await master(await workDir('m1'));
    const second = await master(await workDir('m2'));
    await cli(
      ['agent', '--master', zkPath, '--work-dir', await workDir('agent'), '--port', '0'],
      /mesolite agent (\S+) joined/,
    );
    const marathon = await cli(
      [
        'plugin',
        'run',
        'marathon',
        '--master',
        zkPath,
        '--port',
        '0',
        '--work-dir',
        await workDir('marathon'),
      ],
      /marathon is up: (http:\/\/\S+?)\/ /,
    );

    const created = await fetch(`${marathon}/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'remote',
        cmd: 'sleep 1000',
        cpus: 0.1,
        mem: 16,
        instances: 1,
        // No service port: another test's Marathon on this machine may hold 10000.
        portDefinitions: [],
      }),
    });
    expect(created.status).toBe(201);
    const [task] = await waitFor('one running task', async () => {
      const tasks = await runningTasks(first);
      return tasks.length === 1 ? tasks : undefined;
    });
    const pid = task && pidOf(task);
    if (pid !== undefined) taskPids.push(pid);

    const leaderChild = children[0] as ChildProcess;
    leaderChild.kill('SIGKILL');
    await once(leaderChild, 'exit');
    await waitFor('the framework and the agent back on the new leader, with the task', async () => {
      const tasks = await runningTasks(second);
      const state = await fetch(`${second}/master/state`).then(
        (response) =>
          response.json() as Promise<{
            frameworks: Array<{ id: string; active: boolean }>;
            slaves: Array<{ active: boolean }>;
          }>,
      );
      const active = state.frameworks.some(
        (framework) => framework.id === task?.framework_id.value && framework.active,
      );
      const agentBack = state.slaves.some((slave) => slave.active);
      return active && agentBack && tasks.length === 1 && pidOf(tasks[0] as V1Task) === pid
        ? true
        : undefined;
    });

    // Marathon revives its offers on every subscription, so a scale-up right after the
    // failover is launched by the new leader at once, not after a decline filter runs out.
    await waitFor('no deployment in progress', async () => {
      const response = await fetch(`${marathon}/v2/deployments`);
      return ((await response.json()) as unknown[]).length === 0 ? true : undefined;
    });
    const scaled = await fetch(`${marathon}/v2/apps/remote`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: 2 }),
    });
    expect(scaled.status).toBe(200);
    const both = await waitFor('two running tasks on the new leader', async () => {
      const tasks = await runningTasks(second);
      return tasks.length === 2 ? tasks : undefined;
    });
    for (const each of both) {
      const eachPid = pidOf(each);
      if (eachPid !== undefined) taskPids.push(eachPid);
    }
    expect(both.map(pidOf)).toContain(pid);
  });
});
