// Shared by the process containerizer tests: sandboxes in temp dirs, launch specs, and
// an owner for every container, child process and cgroup a test starts, so that
// afterEach leaves nothing running.
import { type ChildProcessByStdio, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type {
  ContainerCheckpoint,
  LaunchSpec,
  ResourceLimits,
} from '@mesolite/daemon/agent/containerizer';
import type { ProcessContainer } from '@mesolite/daemon/agent/process/process-container';
import {
  DEFAULT_PATH,
  ProcessContainerizer,
  type ProcessContainerizerOptions,
} from '@mesolite/daemon/agent/process/process-containerizer';
import type { CommandInfo } from '@mesolite/daemon/protocol/mesos';

/** One cgroups root per test file (each runs in its own process), removed at the end. */
export const CGROUPS_ROOT = `mesolite-test-${process.pid}`;
export const POLL_MS = 50;
const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
const AGENT_CHILD = resolve(import.meta.dirname, 'fixtures/agent-child.ts');

export function containerizer(options: ProcessContainerizerOptions = {}): ProcessContainerizer {
  return new ProcessContainerizer({
    cgroups: { root: CGROUPS_ROOT },
    pollIntervalMs: POLL_MS,
    ...options,
  });
}

let counter = 0;

export function specFor(
  sandbox: string,
  command: CommandInfo,
  options: { environment?: Record<string, string>; limits?: ResourceLimits } = {},
): LaunchSpec {
  counter++;
  return {
    containerId: `ct-${process.pid}-${Date.now()}-${counter}`,
    frameworkId: 'framework-1',
    executorId: `task-${counter}`,
    taskId: `task-${counter}`,
    sandbox,
    command,
    environment: options.environment ?? { PATH: DEFAULT_PATH },
    limits: options.limits ?? {},
    hostPorts: [],
  };
}

/** Everything a test started; `cleanup` kills and removes it all. */
export class Owner {
  private readonly containers: ProcessContainer[] = [];
  private readonly checkpoints: ContainerCheckpoint[] = [];
  private readonly pids: number[] = [];
  private readonly dirs: string[] = [];
  private readonly cgroupParents = new Set<string>();

  async sandbox(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-process-'));
    this.dirs.push(dir);
    return dir;
  }

  container(container: ProcessContainer): ProcessContainer {
    this.containers.push(container);
    this.noteCgroups(container.checkpoint());
    return container;
  }

  /** A checkpoint of a container started elsewhere (by a child "agent"): recovered and killed at the end. */
  remember(checkpoint: ContainerCheckpoint): void {
    this.checkpoints.push(checkpoint);
    this.noteCgroups(checkpoint);
  }

  private noteCgroups(checkpoint: ContainerCheckpoint): void {
    for (const key of ['cgroupMemory', 'cgroupCpu']) {
      const path = checkpoint[key];
      if (typeof path === 'string') this.cgroupParents.add(dirname(path));
    }
  }

  pid(pid: number): void {
    this.pids.push(pid);
  }

  async cleanup(using: ProcessContainerizer): Promise<void> {
    for (const pid of this.pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await Promise.all(this.containers.splice(0).map((container) => container.kill(0)));
    for (const checkpoint of this.checkpoints.splice(0)) {
      const recovered = await using.recover(checkpoint).catch(() => undefined);
      if (recovered !== undefined && 'terminated' in recovered) await recovered.kill(0);
    }
    for (const dir of this.dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }

  /** Removes this file's cgroups root (task cgroups are gone by then). */
  async removeCgroupsRoot(): Promise<void> {
    for (const parent of this.cgroupParents) await rmdir(parent).catch(() => undefined);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export async function fileText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}

/** Waits until the task printed `line` to its stdout file: it got that far. */
export function waitForOutput(sandbox: string, line: string): Promise<void> {
  return waitFor(`"${line}" in ${sandbox}/stdout`, async () =>
    (await fileText(join(sandbox, 'stdout'))).split('\n').includes(line),
  );
}

/** Processes of a process group that are not zombies, as ps sees them. */
export function runningInGroup(pgid: number): string[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => {
      const [, group, stat] = line.split(/\s+/);
      return group === String(pgid) && stat !== undefined && !stat.startsWith('Z');
    });
}

/** Whether a pid runs (a zombie does not count: pid 1 here may never reap it). */
export function running(pid: number): boolean {
  try {
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
    return !stat.trim().startsWith('Z');
  } catch {
    return false;
  }
}

export type AgentChild = ChildProcessByStdio<null, Readable, Readable>;

/** Launches the task from a separate node process acting as the agent; answers its checkpoint. */
export async function launchInChildAgent(
  owner: Owner,
  spec: LaunchSpec,
): Promise<{ agent: AgentChild; checkpoint: ContainerCheckpoint }> {
  const agent = spawn(
    process.execPath,
    [
      '--conditions=@mesolite/source',
      '--import',
      'tsx',
      AGENT_CHILD,
      JSON.stringify(spec),
      CGROUPS_ROOT,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (agent.pid !== undefined) owner.pid(agent.pid);
  let stderr = '';
  agent.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: agent.stdout });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(agent, 'exit').then(() => {
      throw new Error(`the child agent exited before launching:\n${stderr}`);
    }),
  ])) as [string];
  const checkpoint = JSON.parse(line) as ContainerCheckpoint;
  owner.remember(checkpoint);
  return { agent, checkpoint };
}

export async function killAgent(agent: AgentChild): Promise<void> {
  const closed = once(agent, 'close');
  agent.kill('SIGKILL');
  await closed;
}

export function pidOf(checkpoint: ContainerCheckpoint): number {
  const { pid } = checkpoint;
  if (typeof pid !== 'number') throw new Error('the checkpoint has no pid');
  return pid;
}
