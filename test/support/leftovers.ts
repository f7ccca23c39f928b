/**
 * Finds and ends what tests started under a directory and left behind: processes whose
 * working directory or arguments lie under it, and Docker containers that mount a path
 * under it. An agent's tasks run in their own process groups and outlive the agent on
 * purpose (as Mesos tasks survive an agent restart), so a test that stops its daemon
 * without killing them leaves them running; their sandboxes, and so their working
 * directories, are under the daemon's work dir.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ProcStat,
  readProcStat,
  readProcStatSync,
  signalGroup,
} from '@mesolite/daemon/agent/process/proc-stat';
import Docker from 'dockerode';

export interface LeftoverProcess {
  readonly pid: number;
  readonly pgrp: number;
  /** With the pid, what tells this process from a later one given the same number. */
  readonly startTime: string;
  readonly cwd: string;
  readonly args: string;
}

export interface LeftoverContainer {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly state: string;
}

export interface Leftovers {
  readonly processes: readonly LeftoverProcess[];
  readonly containers: readonly LeftoverContainer[];
}

/** How long a SIGKILLed process or a force-removed container may take to be gone. */
const GONE_TIMEOUT_MS = 10_000;
const DELETED_SUFFIX = ' (deleted)';

function isUnder(path: string, dir: string): boolean {
  const plain = path.endsWith(DELETED_SUFFIX) ? path.slice(0, -DELETED_SUFFIX.length) : path;
  return plain === dir || plain.startsWith(`${dir}/`);
}

/** `dir` itself or a path under it, anywhere in an argument (`--work-dir=DIR`, `cd DIR/x && ...`). */
function mentions(args: readonly string[], dir: string): boolean {
  return args.some((arg) => {
    for (let at = arg.indexOf(dir); at >= 0; at = arg.indexOf(dir, at + 1)) {
      const next = arg[at + dir.length];
      // Not a longer name that starts the same, as mkdtemp's siblings do.
      if (next === undefined || !/[\w.-]/.test(next)) return true;
    }
    return false;
  });
}

async function describeProcess(pid: number, dir: string): Promise<LeftoverProcess | undefined> {
  const stat = await readProcStat(pid);
  // A zombie runs nothing; it only waits for a parent (maybe a pid 1 that never reaps).
  if (!stat || stat.state === 'Z' || stat.state === 'X') return undefined;
  let cwd: string;
  let args: string[];
  try {
    cwd = await readlink(`/proc/${pid}/cwd`);
    args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  } catch {
    // Exited meanwhile, or not ours to read.
    return undefined;
  }
  if (!isUnder(cwd, dir) && !mentions(args, dir)) return undefined;
  return { pid, pgrp: stat.pgrp, startTime: stat.startTime, cwd, args: args.join(' ') };
}

/** Live processes (not this one) working in `dir` or naming a path under it. */
export async function processesUnder(dir: string): Promise<LeftoverProcess[]> {
  const entries = await readdir('/proc');
  const found = await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
      .map((entry) => describeProcess(Number(entry), dir)),
  );
  return found.filter((entry): entry is LeftoverProcess => entry !== undefined);
}

/** The same process still runs: same pid, same start time, not a zombie. */
function stillRuns(leftover: LeftoverProcess): boolean {
  const stat: ProcStat | undefined = readProcStatSync(leftover.pid);
  return (
    stat !== undefined &&
    stat.startTime === leftover.startTime &&
    stat.state !== 'Z' &&
    stat.state !== 'X'
  );
}

/**
 * SIGKILLs the processes and waits until they are gone. A process that leads its own
 * group (an agent's task wrapper, a detached server) takes its group along, so that
 * what it started and what moved out of `dir` goes too; any other process is killed
 * alone, since its group may be the test runner's.
 */
export async function killProcesses(leftovers: readonly LeftoverProcess[]): Promise<void> {
  const ownGroup = readProcStatSync(process.pid)?.pgrp;
  for (const leftover of leftovers) {
    if (!stillRuns(leftover)) continue;
    if (leftover.pgrp === leftover.pid && leftover.pgrp !== ownGroup) {
      signalGroup(leftover.pgrp, 'SIGKILL');
    }
    try {
      process.kill(leftover.pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (leftovers.some(stillRuns) && Date.now() < deadline) await sleep(50);
}

/** Whether the local engine answers; a test run without Docker has no containers to find. */
async function reachableDocker(): Promise<Docker | undefined> {
  const docker = new Docker({ timeout: GONE_TIMEOUT_MS });
  try {
    await docker.ping();
    return docker;
  } catch {
    return undefined;
  }
}

/** Containers, running or not, with a mount whose host path is under `dir` (task sandboxes). */
export async function containersUnder(dir: string): Promise<LeftoverContainer[]> {
  const docker = await reachableDocker();
  if (!docker) return [];
  const containers = await docker.listContainers({ all: true });
  return containers
    .filter((container) => container.Mounts.some((mount) => isUnder(mount.Source, dir)))
    .map((container) => ({
      id: container.Id,
      name: (container.Names[0] ?? container.Id).replace(/^\//, ''),
      image: container.Image,
      state: container.State,
    }));
}

export async function removeContainers(leftovers: readonly LeftoverContainer[]): Promise<void> {
  if (leftovers.length === 0) return;
  const docker = new Docker({ timeout: GONE_TIMEOUT_MS });
  await Promise.all(
    leftovers.map((leftover) =>
      docker
        .getContainer(leftover.id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
}

export async function leftoversUnder(dir: string): Promise<Leftovers> {
  const [processes, containers] = await Promise.all([processesUnder(dir), containersUnder(dir)]);
  return { processes, containers };
}

/** Ends every process and container under `dir`; returns what it found. */
export async function endLeftoversUnder(dir: string): Promise<Leftovers> {
  const found = await leftoversUnder(dir);
  await Promise.all([killProcesses(found.processes), removeContainers(found.containers)]);
  return found;
}

/** A command line on one line; a long one (an agent's wrapper script) keeps its end, the task's command. */
function shortArgs(args: string): string {
  const flat = args.replace(/\s+/g, ' ');
  return flat.length <= 300 ? flat : `${flat.slice(0, 60)} … ${flat.slice(-220)}`;
}

/** One line per leftover, for a warning a developer can act on. */
export function describeLeftovers(leftovers: Leftovers): string[] {
  return [
    ...leftovers.processes.map(
      (leftover) => `process ${leftover.pid} in ${leftover.cwd}: ${shortArgs(leftover.args)}`,
    ),
    ...leftovers.containers.map(
      (leftover) => `container ${leftover.name} (${leftover.image}, ${leftover.state})`,
    ),
  ];
}
