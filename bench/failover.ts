/**
 * Failover: a real ZooKeeper (tickTime 500), three `mesolite master --zk` processes
 * with Marathon, one `mesolite agent --master zk://…` and a Marathon app of N `sleep`
 * tasks (100 by default). The leader is killed with -9 K times (10 by default); each
 * time it measures, from the kill, the time until a surviving master leads and the
 * time until the new leader has the agent back and every task RUNNING with the same
 * process, then restarts the killed master as a follower. Nothing is launched again:
 * a changed pid or a lost task fails the bench.
 */
import { once } from 'node:events';
import {
  type CliStarter,
  createApp,
  HaCluster,
  leaderAmong,
  type MasterProcess,
  masterState,
  noDeployments,
  runningTaskPids,
} from '../test/support/ha-cluster.js';
import { spawnCli, until } from './cli-process.js';
import type { BenchFigures } from './run.ts';

const APP_ID = '/failover-bench';

// The bench's own processes print their errors to its stderr.
const startCli: CliStarter = async (args, pattern) => {
  const [child, url] = await spawnCli(args, pattern);
  return { child, url };
};

// A master that stops answering (being killed) must not hold a poll up; a follower's
// redirect is not followed, so a poll sees the master it asked.
const benchFetch: typeof fetch = (input, init) =>
  fetch(input, { ...init, redirect: 'manual', signal: AbortSignal.timeout(2000) });

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
  const cluster = new HaCluster('bench-failover', startCli);

  // The agent re-registered and Marathon re-subscribed (same framework id) with the new leader.
  const rejoined = async (leader: MasterProcess, agentId: string, frameworkId: string) => {
    const state = await masterState(leader.url, benchFetch);
    return (
      state.slaves.some((slave) => slave.id === agentId && slave.active) &&
      state.frameworks.some((framework) => framework.id === frameworkId && framework.active)
    );
  };

  const leaderSeconds: number[] = [];
  const reconciledSeconds: number[] = [];
  try {
    await cluster.startZooKeeper();
    const zkUrl = cluster.zkUrl('mesolite-bench');
    const masters: MasterProcess[] = [];
    for (const name of ['a', 'b', 'c']) masters.push(await cluster.master(zkUrl, name));
    const { id: agentId } = await cluster.agent(zkUrl, {
      resources: `cpus:${Math.max(4, taskCount * 0.01 + 1)};mem:${taskCount * 4 + 1024};disk:4096`,
    });
    let leader = await until('a leader', () => leaderAmong(masters, benchFetch));
    process.stdout.write(`3 masters and agent ${agentId}; leader on port ${leader.port}\n`);

    const created = await createApp(`${leader.url}/service/marathon`, {
      id: APP_ID,
      cmd: 'sleep 3600',
      cpus: 0.01,
      mem: 4,
      instances: taskCount,
    });
    if (created.status !== 201) throw new Error(`creating the app answered ${created.status}`);
    const expected = await until(`${taskCount} running tasks`, async () => {
      const tasks = await runningTaskPids(leader.url, benchFetch);
      return tasks.size === taskCount ? tasks : undefined;
    });
    cluster.ownTasks(expected.values());
    // Let the acknowledgements and the deployment's end reach the replicated store.
    await until('the deployment to end', () => noDeployments(`${leader.url}/service/marathon`));
    const frameworkId = await until('the Marathon framework', async () => {
      const state = await masterState(leader.url);
      return state.frameworks.find((framework) => framework.name === 'marathon')?.id;
    });
    process.stdout.write(`${taskCount} tasks running\n`);

    for (let round_ = 1; round_ <= kills; round_ += 1) {
      const victim = leader;
      const survivors = masters.filter((master) => master !== victim);
      const killedAt = performance.now();
      victim.child.kill('SIGKILL');
      const exited = once(victim.child, 'exit');
      const next = await until('a new leader', () => leaderAmong(survivors, benchFetch));
      const electedAfter = (performance.now() - killedAt) / 1000;
      await until('every task reconciled on the new leader', async () => {
        if (!(await rejoined(next, agentId, frameworkId))) return undefined;
        const tasks = await runningTaskPids(next.url, benchFetch);
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
      const restarted = await cluster.master(zkUrl, victim.name, {
        port: victim.port,
        workDir: victim.workDir,
      });
      masters[masters.indexOf(victim)] = restarted;
    }
  } finally {
    await cluster.stop();
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
