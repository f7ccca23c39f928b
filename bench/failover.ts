/**
 * Failover: a real ZooKeeper (tickTime 500), three `mesolite master --zk` processes
 * with Marathon, one `mesolite agent --master zk://…` and a Marathon app of N `sleep`
 * tasks (100 by default). The leader is killed with -9 K times (10 by default); each
 * time it measures, from the kill, the time until a surviving master leads and the
 * time until the new leader has the agent back and every task RUNNING with the same
 * process, then restarts the killed master as a follower. Nothing is launched again:
 * a changed pid or a lost task fails the bench.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zookeeperServer } from '../test/support/real-services.js';
import { spawnCli, until } from './cli-process.js';
import type { BenchFigures } from './run.ts';

const APP_ID = '/failover-bench';

interface Master {
  readonly name: string;
  readonly port: number;
  readonly workDir: string;
  child: ChildProcess;
}

interface V1Task {
  task_id: { value: string };
  state: string;
  statuses: Array<{ container_status?: { executor_pid?: number } }>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

export default async function bench(args: string[]): Promise<BenchFigures> {
  const taskCount = Number(args[0] ?? 100);
  const kills = Number(args[1] ?? 10);
  const zk = await zookeeperServer({ tickTime: 500 });
  const zkUrl = `zk://${zk.connectionString}/mesolite-bench`;
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const taskPids: number[] = [];
  const workDir = async (name: string) => {
    const dir = await mkdtemp(join(tmpdir(), `mesolite-bench-failover-${name}-`));
    dirs.push(dir);
    return dir;
  };

  const startMaster = async (name: string, port: number, dir: string): Promise<Master> => {
    const [child, url] = await spawnCli(
      ['master', '--zk', zkUrl, '--port', String(port), '--work-dir', dir, '--plugins', 'marathon'],
      /mesolite is up: (http:\/\/\S+?)\/?\s/,
    );
    children.push(child);
    return { name, port: Number(new URL(url).port), workDir: dir, child };
  };

  // Which master leads, asked of `asked`; undefined while none does.
  const leaderPort = async (asked: Master): Promise<number | undefined> => {
    const response = await fetch(`http://127.0.0.1:${asked.port}/master/redirect`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(1000),
    });
    const location = response.headers.get('location');
    return response.status === 307 && location ? Number(location.split(':').pop()) : undefined;
  };

  const runningTasks = async (port: number): Promise<Map<string, number>> => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'GET_TASKS' }),
      signal: AbortSignal.timeout(2000),
    });
    const body = (await response.json()) as { get_tasks: { tasks?: V1Task[] } };
    const tasks = new Map<string, number>();
    for (const task of body.get_tasks.tasks ?? []) {
      const pid = task.statuses.findLast((status) => status.container_status?.executor_pid)
        ?.container_status?.executor_pid;
      if (task.state === 'TASK_RUNNING' && pid !== undefined) tasks.set(task.task_id.value, pid);
    }
    return tasks;
  };

  // The agent re-registered and Marathon re-subscribed (same framework id) with the new leader.
  const rejoined = async (port: number, agentId: string, frameworkId: string) => {
    const response = await fetch(`http://127.0.0.1:${port}/master/state`, {
      redirect: 'manual',
      signal: AbortSignal.timeout(2000),
    });
    const state = (await response.json()) as {
      slaves: Array<{ id: string; active: boolean }>;
      frameworks: Array<{ id: string; active: boolean }>;
    };
    return (
      state.slaves.some((slave) => slave.id === agentId && slave.active) &&
      state.frameworks.some((framework) => framework.id === frameworkId && framework.active)
    );
  };

  const leaderSeconds: number[] = [];
  const reconciledSeconds: number[] = [];
  try {
    const masters: Master[] = [];
    for (const name of ['a', 'b', 'c'])
      masters.push(await startMaster(name, 0, await workDir(name)));
    const [agentChild, agentId] = await spawnCli(
      [
        'agent',
        '--master',
        zkUrl,
        '--work-dir',
        await workDir('agent'),
        '--port',
        '0',
        '--resources',
        `cpus:${Math.max(4, taskCount * 0.01 + 1)};mem:${taskCount * 4 + 1024};disk:4096`,
      ],
      /mesolite agent (\S+) joined/,
    );
    children.push(agentChild);
    const first = masters[0] as Master;
    let leader = await until('a leader', () => leaderPort(first));
    process.stdout.write(`3 masters and agent ${agentId}; leader on port ${leader}\n`);

    const created = await fetch(`http://127.0.0.1:${leader}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: APP_ID,
        cmd: 'sleep 3600',
        cpus: 0.01,
        mem: 4,
        instances: taskCount,
        portDefinitions: [],
      }),
    });
    if (created.status !== 201) throw new Error(`creating the app answered ${created.status}`);
    const expected = await until(`${taskCount} running tasks`, async () => {
      const tasks = await runningTasks(leader);
      return tasks.size === taskCount ? tasks : undefined;
    });
    taskPids.push(...expected.values());
    // Let the acknowledgements and the deployment's end reach the replicated store.
    await until('the deployment to end', async () => {
      const response = await fetch(`http://127.0.0.1:${leader}/service/marathon/v2/deployments`);
      return ((await response.json()) as unknown[]).length === 0 ? true : undefined;
    });
    const frameworkId = await until('the Marathon framework', async () => {
      const response = await fetch(`http://127.0.0.1:${leader}/master/state`);
      const state = (await response.json()) as { frameworks: Array<{ id: string; name: string }> };
      return state.frameworks.find((framework) => framework.name === 'marathon')?.id;
    });
    process.stdout.write(`${taskCount} tasks running\n`);

    for (let round_ = 1; round_ <= kills; round_ += 1) {
      const victim = masters.find((master) => master.port === leader) as Master;
      const survivors = masters.filter((master) => master !== victim);
      const killedAt = performance.now();
      victim.child.kill('SIGKILL');
      const exited = once(victim.child, 'exit');
      const next = await until('a new leader', async () => {
        for (const survivor of survivors) {
          const port = await leaderPort(survivor).catch(() => undefined);
          if (port !== undefined && port !== victim.port) return port;
        }
        return undefined;
      });
      const electedAfter = (performance.now() - killedAt) / 1000;
      await until('every task reconciled on the new leader', async () => {
        if (!(await rejoined(next, agentId, frameworkId))) return undefined;
        const tasks = await runningTasks(next);
        if (tasks.size !== taskCount) return undefined;
        for (const [id, pid] of expected) {
          if (tasks.get(id) !== pid)
            throw new Error(`task ${id} changed: ${tasks.get(id)} != ${pid}`);
        }
        return true;
      });
      const reconciledAfter = (performance.now() - killedAt) / 1000;
      leaderSeconds.push(electedAfter);
      reconciledSeconds.push(reconciledAfter);
      process.stdout.write(
        `kill ${round_}: new leader after ${electedAfter.toFixed(2)} s, ` +
          `agent, Marathon and ${taskCount} tasks back after ${reconciledAfter.toFixed(2)} s\n`,
      );
      leader = next;
      await exited;
      const restarted = await startMaster(victim.name, victim.port, victim.workDir);
      masters[masters.indexOf(victim)] = restarted;
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const pid of taskPids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await zk.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
  return {
    tasks: taskCount,
    kills,
    leader_s_p50: round(median(leaderSeconds)),
    leader_s_max: round(Math.max(...leaderSeconds)),
    reconciled_s_p50: round(median(reconciledSeconds)),
    reconciled_s_max: round(Math.max(...reconciledSeconds)),
  };
}
