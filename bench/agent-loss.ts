/**
 * Agent loss: a `mesolite master` with Marathon and one `mesolite agent` process on
 * loopback, running one Marathon task. The agent is lost twice, each time with a fresh
 * agent: once killed with -9 (the kernel closes its connection, so the master sees it
 * go at once) and once frozen with SIGSTOP (a host that vanished: only the channel's
 * ping notices). Each time it measures, from the loss, the seconds until the master
 * marks the agent unreachable (/master/state's unreachable_slaves) and until Marathon
 * lists its task TASK_UNREACHABLE, beside Mesos's default (agent_ping_timeout 15 s ×
 * max_agent_ping_timeouts 5 = 75 s).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, until } from './cli-process.js';
import type { BenchFigures } from './run.ts';

const APP_ID = '/agent-loss-bench';
const MESOS_DEFAULT_S = 75;

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

interface MarathonTask {
  id: string;
  state: string;
  slaveId: string;
}

interface Loss {
  disconnected_s: number;
  unreachable_s: number;
  marathon_unreachable_s: number;
}

export default async function bench(): Promise<BenchFigures> {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const taskPids: number[] = [];
  const workDir = async (name: string) => {
    const dir = await mkdtemp(join(tmpdir(), `mesolite-bench-agent-loss-${name}-`));
    dirs.push(dir);
    return dir;
  };
  try {
    const [master, url] = await spawnCli(
      ['master', '--port', '0', '--work-dir', await workDir('master'), '--plugins', 'marathon'],
      /mesolite is up: (http:\/\/\S+?)\/?\s/,
    );
    children.push(master);
    const get = async <T>(path: string): Promise<T> =>
      (await fetch(`${url}${path}`, { signal: AbortSignal.timeout(2000) })).json() as Promise<T>;
    const tasks = async () =>
      (await get<{ tasks: MarathonTask[] }>(`/service/marathon/v2/apps${APP_ID}/tasks`)).tasks;

    const created = await fetch(`${url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: APP_ID,
        cmd: 'sleep 3600',
        instances: 1,
        cpus: 0.1,
        mem: 16,
        // Keeps the lost task listed (and unreplaced) long enough to be seen unreachable.
        unreachableStrategy: { inactiveAfterSeconds: 3600, expungeAfterSeconds: 3600 },
      }),
    });
    if (created.status !== 201) throw new Error(`Marathon answered ${created.status}`);

    const lose = async (how: 'SIGKILL' | 'SIGSTOP'): Promise<Loss> => {
      const [agent, agentId] = await spawnCli(
        [
          'agent',
          '--master',
          url,
          '--work-dir',
          await workDir('agent'),
          '--port',
          '0',
          '--resources',
          'cpus:1;mem:256;disk:256;ports:[42000-42010]',
        ],
        /^mesolite agent (\S+) joined /,
      );
      children.push(agent);
      const task = await until('the task running on the new agent', async () =>
        (await tasks()).find((t) => t.slaveId === agentId && t.state === 'TASK_RUNNING'),
      );
      const v1 = await fetch(`${url}/api/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ type: 'GET_TASKS' }),
      });
      const { get_tasks } = (await v1.json()) as {
        get_tasks: {
          tasks?: {
            task_id: { value: string };
            statuses: { container_status?: { executor_pid?: number } }[];
          }[];
        };
      };
      const pid = get_tasks.tasks
        ?.find((t) => t.task_id.value === task.id)
        ?.statuses.findLast((s) => s.container_status?.executor_pid)
        ?.container_status?.executor_pid;
      if (pid !== undefined) taskPids.push(pid);

      process.stderr.write(`agent-loss: ${how} to agent ${agentId}\n`);
      const lostAt = performance.now();
      agent.kill(how);
      const seconds = () => round((performance.now() - lostAt) / 1000);
      let disconnected_s: number | undefined;
      let unreachable_s: number | undefined;
      let marathon_unreachable_s: number | undefined;
      await until(`the ${how} agent unreachable in Mesos and Marathon`, async () => {
        const state = await get<{ slaves: { id: string; active: boolean }[] }>('/master/state');
        const slave = state.slaves.find((s) => s.id === agentId);
        if (disconnected_s === undefined && slave?.active !== true) disconnected_s = seconds();
        if (unreachable_s === undefined && slave === undefined) unreachable_s = seconds();
        if (marathon_unreachable_s === undefined) {
          const lost = (await tasks()).find((t) => t.id === task.id);
          if (lost?.state === 'TASK_UNREACHABLE') marathon_unreachable_s = seconds();
        }
        return unreachable_s !== undefined && marathon_unreachable_s !== undefined
          ? true
          : undefined;
      });
      agent.kill('SIGKILL');
      return {
        disconnected_s: disconnected_s ?? Number.NaN,
        unreachable_s: unreachable_s ?? Number.NaN,
        marathon_unreachable_s: marathon_unreachable_s ?? Number.NaN,
      };
    };

    const killed = await lose('SIGKILL');
    // Marathon does not replace it (inactiveAfterSeconds 3600): scale to 2 for the next agent.
    await fetch(`${url}/service/marathon/v2/apps${APP_ID}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: 2 }),
    });
    const frozen = await lose('SIGSTOP');
    return {
      kill9_disconnected_s: killed.disconnected_s,
      kill9_unreachable_s: killed.unreachable_s,
      kill9_marathon_task_unreachable_s: killed.marathon_unreachable_s,
      frozen_disconnected_s: frozen.disconnected_s,
      frozen_unreachable_s: frozen.unreachable_s,
      frozen_marathon_task_unreachable_s: frozen.marathon_unreachable_s,
      // socket.io ping 5 s + pong timeout 5 s, then the master's 20 s grace.
      mesolite_bound_s: 30,
      mesos_default_s: MESOS_DEFAULT_S,
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    for (const pid of taskPids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}
