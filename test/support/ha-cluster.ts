/**
 * What the tests and benches that run highly available `mesolite` processes share: a
 * real ZooKeeper, `mesolite master --zk` and `mesolite agent --master zk://…` processes,
 * which master leads, a failover by kill -9 of the leader, and the tasks a master knows
 * with their processes. A {@link HaCluster} owns all it starts and stops it.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliRun, spawnCli, startCliDaemon } from './daemon.js';
import { type ZooKeeperServer, zookeeperServer } from './real-services.js';
import { waitFor } from './wait.js';

export const HTTP_UP_LINE = /mesolite is up: (http:\/\/\S+?)\/?\s/;
export const HTTPS_UP_LINE = /mesolite is up: (https:\/\/\S+?)\/?\s/;
/** An agent's line once a master accepted it; its group is the agent id. */
export const AGENT_JOINED_LINE = /mesolite agent (\S+) joined/;

/** Starts a `mesolite` process and resolves once it printed `pattern` (the group: its address). */
export type CliStarter = (
  args: string[],
  pattern: RegExp,
) => Promise<{ readonly child: ChildProcess; readonly url: string }>;

export interface MasterProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly workDir: string;
  readonly child: ChildProcess;
}

export interface MasterOptions {
  /** 0 (the default) for any free port; a killed master's port to restart it. */
  readonly port?: number;
  /** A work dir made elsewhere (a restart, or one with users); a fresh one by default. */
  readonly workDir?: string;
  /** `--plugins` (the default: marathon). */
  readonly plugins?: string;
  /** `--auth`: HTTPS and logins, the cluster's CA and join token in ZooKeeper. */
  readonly auth?: boolean;
}

export interface AgentOptions {
  readonly resources?: string;
  readonly token?: string;
}

/** `mesolite master|up --zk …` as the HA tests run it; the process adds `--log-level`. */
export function zkMasterArgs(
  command: 'master' | 'up',
  zkUrl: string,
  workDir: string,
  options: Omit<MasterOptions, 'workDir'> = {},
): string[] {
  return [
    command,
    '--zk',
    zkUrl,
    ...(options.auth ? ['--auth'] : []),
    '--port',
    String(options.port ?? 0),
    '--work-dir',
    workDir,
    ...(options.plugins === undefined ? [] : ['--plugins', options.plugins]),
  ];
}

/** `mesolite agent` following `master` (a zk:// URL or a master's own). */
export function agentArgs(master: string, workDir: string, options: AgentOptions = {}): string[] {
  return [
    'agent',
    '--master',
    master,
    ...(options.token === undefined ? [] : ['--token', options.token]),
    '--work-dir',
    workDir,
    '--port',
    '0',
    ...(options.resources === undefined ? [] : ['--resources', options.resources]),
  ];
}

/**
 * One real ZooKeeper (tickTime 500, so sessions may be as short as 1 s) and every process,
 * work dir and task process a test starts against it. Tasks run in their own process
 * group and outlive their agent (as Mesos's do), so whoever learns a task's pid hands it
 * over with {@link ownTasks} to have it killed too.
 */
export class HaCluster {
  readonly #prefix: string;
  readonly #start: CliStarter;
  #zk: ZooKeeperServer | undefined;
  readonly #children: ChildProcess[] = [];
  readonly #taskPids = new Set<number>();
  readonly #dirs: string[] = [];

  /** `prefix` names its temp dirs; `start` runs a process (the tests' {@link startCliDaemon} by default). */
  constructor(prefix: string, start: CliStarter = startCliDaemon) {
    this.#prefix = prefix;
    this.#start = start;
  }

  async startZooKeeper(): Promise<ZooKeeperServer> {
    this.#zk ??= await zookeeperServer({ tickTime: 500 });
    return this.#zk;
  }

  get zooKeeper(): ZooKeeperServer {
    if (!this.#zk) throw new Error('startZooKeeper() first');
    return this.#zk;
  }

  /** `zk://HOST:PORT/<path>` on this cluster's ZooKeeper. */
  zkUrl(path: string): string {
    return `zk://${this.zooKeeper.connectionString}/${path}`;
  }

  async workDir(name: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `mesolite-${this.#prefix}-${name}-`));
    this.#dirs.push(dir);
    return dir;
  }

  /** A dir made elsewhere, removed with the rest. */
  ownDir(dir: string): void {
    this.#dirs.push(dir);
  }

  /** Task processes to kill (the whole group) with the rest. */
  ownTasks(pids: Iterable<number | undefined>): void {
    for (const pid of pids) if (pid !== undefined) this.#taskPids.add(pid);
  }

  /** A `mesolite` process that serves, once it printed `pattern`; stopped with the rest. */
  async cli(
    args: string[],
    pattern: RegExp = HTTP_UP_LINE,
  ): Promise<{ child: ChildProcess; url: string }> {
    const started = await this.#start(args, pattern);
    this.#children.push(started.child);
    return started;
  }

  /** A `mesolite` process whose output the test reads (it adds `--log-level silent`). */
  spawn(args: string[]): CliRun {
    const run = spawnCli([...args, '--log-level', 'silent']);
    this.#children.push(run.child);
    return run;
  }

  /** Runs a `mesolite` command to its end. */
  async run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const run = this.spawn(args);
    const code = await run.closed;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  }

  async master(zkUrl: string, name: string, options: MasterOptions = {}): Promise<MasterProcess> {
    const workDir = options.workDir ?? (await this.workDir(name));
    const { child, url } = await this.cli(
      zkMasterArgs('master', zkUrl, workDir, { plugins: 'marathon', ...options }),
      options.auth ? HTTPS_UP_LINE : HTTP_UP_LINE,
    );
    return { name, url, port: Number(new URL(url).port), workDir, child };
  }

  /** The args of an agent with a fresh work dir, for {@link agent} or a run expected to fail. */
  async agentArgs(master: string, options: AgentOptions = {}): Promise<string[]> {
    return agentArgs(master, await this.workDir('agent'), options);
  }

  /** An agent following `master`, once a master accepted it; `id` is its agent id. */
  async agent(
    master: string,
    options: AgentOptions = {},
  ): Promise<{ child: ChildProcess; id: string }> {
    const { child, url } = await this.cli(await this.agentArgs(master, options), AGENT_JOINED_LINE);
    return { child, id: url };
  }

  /** Stops every process and task process, and removes the work dirs; ZooKeeper stays. */
  async stopProcesses(): Promise<void> {
    for (const child of this.#children.splice(0).reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    }
    for (const pid of this.#taskPids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    this.#taskPids.clear();
    for (const dir of this.#dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }

  async stop(): Promise<void> {
    await this.stopProcesses();
    await this.#zk?.stop();
    this.#zk = undefined;
  }
}

/**
 * The master among `candidates` that leads, as the first of them still running
 * redirects to it (Mesos's /master/redirect); undefined while none of them leads.
 */
export async function leaderAmong<M extends Pick<MasterProcess, 'url' | 'port' | 'child'>>(
  candidates: readonly M[],
  fetchImpl: typeof fetch = fetch,
): Promise<M | undefined> {
  const asked = candidates.find((master) => master.child.exitCode === null);
  if (!asked) return undefined;
  const redirect = await fetchImpl(`${asked.url}/master/redirect`, { redirect: 'manual' });
  const location = redirect.headers.get('location');
  return candidates.find((master) => location === `//127.0.0.1:${master.port}`);
}

export function leaderOf<M extends Pick<MasterProcess, 'url' | 'port' | 'child'>>(
  candidates: readonly M[],
  fetchImpl: typeof fetch = fetch,
): Promise<M> {
  return waitFor('a leading master', () => leaderAmong(candidates, fetchImpl));
}

/** kill -9 of the leader; resolves with the master that leads after it, and the survivors. */
export async function killLeader<M extends Pick<MasterProcess, 'url' | 'port' | 'child'>>(
  leader: M,
  all: readonly M[],
  fetchImpl: typeof fetch = fetch,
): Promise<{ next: M; survivors: M[] }> {
  leader.child.kill('SIGKILL');
  await once(leader.child, 'exit');
  const survivors = all.filter((master) => master !== leader);
  return { next: await leaderOf(survivors, fetchImpl), survivors };
}

/** A task as the v1 operator API lists it, with the pid of its executor once it has one. */
export interface MasterTask {
  readonly id: string;
  readonly frameworkId: string;
  readonly state: string;
  readonly pid: number | undefined;
}

interface V1Task {
  task_id: { value: string };
  framework_id: { value: string };
  state: string;
  statuses: Array<{ container_status?: { executor_pid?: number } }>;
}

/** Every task a master knows (GET_TASKS): the current ones, then the completed ones. */
export async function masterTasks(
  masterUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<MasterTask[]> {
  const response = await fetchImpl(`${masterUrl}/api/v1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ type: 'GET_TASKS' }),
  });
  if (!response.ok) throw new Error(`GET_TASKS on ${masterUrl} answered ${response.status}`);
  const body = (await response.json()) as {
    get_tasks: { tasks?: V1Task[]; completed_tasks?: V1Task[] };
  };
  return [...(body.get_tasks.tasks ?? []), ...(body.get_tasks.completed_tasks ?? [])].map(
    (task) => ({
      id: task.task_id.value,
      frameworkId: task.framework_id.value,
      state: task.state,
      pid: task.statuses.findLast((status) => status.container_status?.executor_pid)
        ?.container_status?.executor_pid,
    }),
  );
}

/** The running tasks a master knows that have a process: task id -> executor pid. */
export async function runningTaskPids(
  masterUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<Map<string, number>> {
  const pids = new Map<string, number>();
  for (const task of await masterTasks(masterUrl, fetchImpl)) {
    if (task.state === 'TASK_RUNNING' && task.pid !== undefined) pids.set(task.id, task.pid);
  }
  return pids;
}

export interface MasterState {
  leader?: string;
  slaves: Array<{ id: string; active: boolean }>;
  frameworks: Array<{ id: string; name: string; active: boolean }>;
}

export async function masterState(
  masterUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<MasterState> {
  const response = await fetchImpl(`${masterUrl}/master/state`);
  if (!response.ok) throw new Error(`/master/state on ${masterUrl} answered ${response.status}`);
  return (await response.json()) as MasterState;
}

/** Whether `agentId` is registered and active on the master. */
export async function agentIsActive(
  masterUrl: string,
  agentId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<boolean> {
  const state = await masterState(masterUrl, fetchImpl);
  return state.slaves.some((slave) => slave.id === agentId && slave.active);
}

/** A probe for a poll: true once Marathon (at `marathonUrl`) has no deployment in progress. */
export async function noDeployments(
  marathonUrl: string,
  fetchImpl: typeof fetch = fetch,
): Promise<true | undefined> {
  const response = await fetchImpl(`${marathonUrl}/v2/deployments`);
  return ((await response.json()) as unknown[]).length === 0 ? true : undefined;
}

/** A Marathon app as the tests post it: the fields they vary, and any other of Marathon's. */
export interface TestApp {
  readonly id: string;
  readonly cmd: string;
  readonly instances: number;
  readonly cpus?: number;
  readonly mem?: number;
  readonly [field: string]: unknown;
}

/**
 * Creates a Marathon app (POST /v2/apps) of small tasks (0.1 cpus, 16 MB unless given),
 * with no service port: another test's Marathon on this machine may hold 10000.
 */
export function createApp(
  marathonUrl: string,
  app: TestApp,
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  return fetchImpl(`${marathonUrl}/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cpus: 0.1, mem: 16, portDefinitions: [], ...app }),
  });
}
