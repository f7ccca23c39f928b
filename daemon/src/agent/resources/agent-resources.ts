/**
 * What the agent offers, decided as Mesos's Containerizer::resources decides it
 * (src/slave/containerizer/containerizer.cpp): everything written in --resources is
 * taken as written, and each of cpus, mem, disk and ports that the flag does not
 * mention (not even as `cpus:0`) is detected from the machine or defaulted.
 *
 * - cpus: the cores this process may run on; 1 when they cannot be counted.
 * - mem: total memory less 1 GB when there are at least 2 GB, else half of it, in
 *   whole MB; 1 GB when it cannot be read.
 * - disk: free space on the work dir's filesystem less 5 GB when there are at least
 *   10 GB, else half of it, in whole MB; 10 GB when it cannot be read. Mesos starts
 *   from the filesystem's total size; we start from what is free, because what is
 *   offered must be what tasks can really use.
 * - ports: [31000-32000].
 */
import { statfs } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseResources } from '../../master/resources/parse-resources.js';
import { ResourceBag, UNRESERVED } from '../../master/resources/resource-bag.js';
import { InvalidResourcesError } from '../../master/resources/resource-errors.js';
import type { Resource } from '../../protocol/mesos.js';

const MB = 1024 * 1024;
const GB = 1024 * MB;

/** Mesos's DEFAULT_CPUS, DEFAULT_MEM, DEFAULT_DISK and DEFAULT_PORTS (src/slave/constants.hpp). */
export const DEFAULT_CPUS = 1;
export const DEFAULT_MEM_MB = 1024;
export const DEFAULT_DISK_MB = 10 * 1024;
export const DEFAULT_PORTS: ReadonlyArray<readonly [number, number]> = [[31000, 32000]];

/** What was measured on the machine; undefined where it could not be measured. */
export interface MachineFacts {
  cpus: number | undefined;
  /** Total memory in bytes. */
  memoryBytes: number | undefined;
  /** Free space on the work dir's filesystem in bytes. */
  diskBytes: number | undefined;
}

export interface AgentResourcesOptions {
  /** The --resources flag, e.g. "cpus:4;mem:2048;ports:[31000-32000]", or a JSON array. */
  resources?: string | undefined;
  /** The role of resources written without one (Mesos's --default_role); "*" by default. */
  defaultRole?: string | undefined;
}

export interface AgentResources {
  bag: ResourceBag;
  /** The bag as Mesos v1 Resource objects, for AgentInfo.resources. */
  resources: Resource[];
  /** Names that fell back to Mesos's defaults because the machine could not be measured. */
  defaulted: string[];
}

/** Names whose type Mesos and every framework assume; any other type would offer nothing usable. */
const EXPECTED_TYPES: Readonly<Record<string, 'SCALAR' | 'RANGES'>> = {
  cpus: 'SCALAR',
  mem: 'SCALAR',
  disk: 'SCALAR',
  gpus: 'SCALAR',
  ports: 'RANGES',
};

/** The agent's resources from the flag and what was measured; pure, so tests choose the machine. */
export function agentResources(
  machine: MachineFacts,
  options: AgentResourcesOptions = {},
): AgentResources {
  const flag = options.resources ?? '';
  const role = options.defaultRole ?? UNRESERVED;
  const parsed = parseResources(flag, { defaultRole: role });
  checkTypes(parsed);
  const mentioned = mentionedNames(flag);
  const defaulted: string[] = [];
  const detected: Record<string, number | ReadonlyArray<readonly [number, number]>> = {};

  if (!mentioned.has('cpus')) {
    if (machine.cpus === undefined || machine.cpus <= 0) defaulted.push('cpus');
    detected.cpus = machine.cpus !== undefined && machine.cpus > 0 ? machine.cpus : DEFAULT_CPUS;
  }
  if (!mentioned.has('mem')) {
    if (machine.memoryBytes === undefined) defaulted.push('mem');
    detected.mem =
      machine.memoryBytes === undefined
        ? DEFAULT_MEM_MB
        : wholeMb(
            machine.memoryBytes >= 2 * GB ? machine.memoryBytes - GB : machine.memoryBytes / 2,
          );
  }
  if (!mentioned.has('disk')) {
    if (machine.diskBytes === undefined) defaulted.push('disk');
    detected.disk =
      machine.diskBytes === undefined
        ? DEFAULT_DISK_MB
        : wholeMb(
            machine.diskBytes >= 10 * GB ? machine.diskBytes - 5 * GB : machine.diskBytes / 2,
          );
  }
  if (!mentioned.has('ports')) detected.ports = DEFAULT_PORTS;

  const bag = parsed.add(ResourceBag.of(detected, role));
  return { bag, resources: bag.toMesos(), defaulted };
}

/** Measures this machine: the cores this process may use, its memory, and the work dir's free disk. */
export async function probeMachine(workDir: string): Promise<MachineFacts> {
  return { cpus: countCpus(), memoryBytes: totalMemory(), diskBytes: await freeDisk(workDir) };
}

export interface DetectResourcesOptions extends AgentResourcesOptions {
  workDir: string;
  /** Replaces {@link probeMachine}, for tests. */
  probe?: ((workDir: string) => Promise<MachineFacts>) | undefined;
}

/** {@link probeMachine} then {@link agentResources}: what the agent puts in AgentInfo.resources. */
export async function detectAgentResources(
  options: DetectResourcesOptions,
): Promise<AgentResources> {
  const machine = await (options.probe ?? probeMachine)(options.workDir);
  return agentResources(machine, options);
}

/**
 * The names the flag writes, even with an empty value (`cpus:0`): Mesos looks at the
 * list before empty resources are dropped, so `cpus:0` means "no cpus", not "detect".
 * The flag has already been parsed, so its syntax is known to be good here.
 */
function mentionedNames(flag: string): Set<string> {
  const trimmed = flag.trim();
  if (trimmed.startsWith('[')) {
    const list = JSON.parse(trimmed) as Array<{ name?: unknown }>;
    return new Set(list.map((resource) => String(resource.name)));
  }
  const names = new Set<string>();
  for (const part of trimmed.split(';')) {
    const head = part.slice(0, part.indexOf(':'));
    const open = head.indexOf('(');
    const name = (open < 0 ? head : head.slice(0, open)).trim();
    if (name !== '') names.add(name);
  }
  return names;
}

function checkTypes(bag: ResourceBag): void {
  for (const [name, type] of Object.entries(EXPECTED_TYPES)) {
    const isScalar = bag.quantities().has(name);
    const isRanges = bag.ranges(name).length > 0;
    const isSet = bag.set(name).length > 0;
    const wrong = type === 'SCALAR' ? isRanges || isSet : isScalar || isSet;
    if (wrong) {
      throw new InvalidResourcesError(
        `"${name}"`,
        type === 'SCALAR'
          ? `${name} is a number (${name}:4), not ranges or a set`
          : `${name} are ranges (${name}:[31000-32000]), not a number or a set`,
      );
    }
  }
}

function wholeMb(bytes: number): number {
  // Mesos truncates to whole megabytes "to preserve the existing behavior".
  return Math.floor(bytes / MB);
}

function countCpus(): number | undefined {
  // Mesos counts online cores; the cores this process may be scheduled on (its
  // affinity, e.g. under taskset or a cpuset) are what tasks can really use.
  const cpus = availableParallelism();
  return cpus > 0 ? cpus : undefined;
}

function totalMemory(): number | undefined {
  const total = totalmem();
  if (!(total > 0)) return undefined;
  // In a container with a memory limit, the limit is what tasks can really use; Node
  // answers a huge number or 0 when there is none.
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < total ? constrained : total;
}

async function freeDisk(workDir: string): Promise<number | undefined> {
  // The work dir may not exist yet on a first start: measure the filesystem it will be on.
  let dir = resolve(workDir);
  for (;;) {
    try {
      const stats = await statfs(dir);
      return stats.bavail * stats.bsize;
    } catch (error) {
      const parent = dirname(dir);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) return undefined;
      dir = parent;
    }
  }
}
