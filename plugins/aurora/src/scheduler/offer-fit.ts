/**
 * Whether an offer holds what a task needs, pure: cpus, mem and disk (Aurora's
 * Resources, sizes in bytes, Mesos's in MB) and one port for each name the task uses in
 * `{{thermos.ports[NAME]}}`, taken from the offer's port ranges in order.
 */
import type { Resource } from '@mesolite/daemon/protocol/mesos';
import type { Resources } from '../job-config.js';

const MB = 1024 * 1024;

/**
 * What the executor itself takes next to the task's processes, added to every task as
 * Aurora's scheduler adds -thermos_executor_cpu and -thermos_executor_ram (0.25 CPUs,
 * 128 MB): the runner is a process of the task's container.
 */
export const EXECUTOR_OVERHEAD = { cpus: 0.25, mem: 128 } as const;

export interface Fit {
  readonly ports: Readonly<Record<string, number>>;
  /** The offer's resources minus what the task takes. */
  readonly remaining: readonly Resource[];
}

/** Mesos's scalar names for Aurora's Resources, in Mesos's units, with the executor's overhead. */
export function mesosScalars(resources: Resources): Record<string, number> {
  return {
    cpus: resources.cpu + EXECUTOR_OVERHEAD.cpus,
    mem: resources.ram / MB + EXECUTOR_OVERHEAD.mem,
    disk: resources.disk / MB,
    gpus: resources.gpu,
  };
}

function scalar(offered: readonly Resource[], name: string): number {
  return offered
    .filter((resource) => resource.name === name && resource.type === 'SCALAR')
    .reduce((sum, resource) => sum + (resource.scalar?.value ?? 0), 0);
}

function offeredPorts(offered: readonly Resource[]): number[] {
  const ports: number[] = [];
  for (const resource of offered) {
    if (resource.name !== 'ports' || resource.type !== 'RANGES') continue;
    for (const range of resource.ranges?.range ?? []) {
      for (let port = range.begin; port <= range.end; port++) ports.push(port);
    }
  }
  return ports;
}

function toRanges(ports: readonly number[]): { begin: number; end: number }[] {
  const ranges: { begin: number; end: number }[] = [];
  for (const port of [...ports].sort((a, b) => a - b)) {
    const last = ranges.at(-1);
    if (last !== undefined && last.end + 1 === port) last.end = port;
    else ranges.push({ begin: port, end: port });
  }
  return ranges;
}

/** The fit of a task in `offered`, or undefined when it does not fit. */
export function fitTask(
  offered: readonly Resource[],
  resources: Resources,
  portNames: readonly string[],
): Fit | undefined {
  const need = mesosScalars(resources);
  for (const [name, amount] of Object.entries(need)) {
    if (amount > 0 && scalar(offered, name) + 1e-9 < amount) return undefined;
  }
  const free = offeredPorts(offered);
  if (free.length < portNames.length) return undefined;
  const ports: Record<string, number> = {};
  portNames.forEach((name, index) => {
    ports[name] = free[index] ?? 0;
  });
  const taken = new Set(Object.values(ports));
  const remaining: Resource[] = [];
  for (const [name, amount] of Object.entries(need)) {
    const left = scalar(offered, name) - amount;
    if (scalar(offered, name) > 0) {
      remaining.push({ name, type: 'SCALAR', scalar: { value: Math.max(left, 0) } });
    }
  }
  const left = free.filter((port) => !taken.has(port));
  if (left.length > 0)
    remaining.push({ name: 'ports', type: 'RANGES', ranges: { range: toRanges(left) } });
  return { ports, remaining };
}

/** The task's resources as Mesos resources, with its ports. */
export function taskResources(
  resources: Resources,
  ports: Readonly<Record<string, number>>,
): Resource[] {
  const scalars = Object.entries(mesosScalars(resources))
    .filter(([, value]) => value > 0)
    .map(([name, value]): Resource => ({ name, type: 'SCALAR', scalar: { value } }));
  const numbers = Object.values(ports);
  return numbers.length === 0
    ? scalars
    : [...scalars, { name: 'ports', type: 'RANGES', ranges: { range: toRanges(numbers) } }];
}
