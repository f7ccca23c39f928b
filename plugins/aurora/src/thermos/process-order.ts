/**
 * Which process must finish before which, from a task's order constraints, checked as
 * Thermos's TaskPlanner.extract_dependencies checks them: an order names only processes
 * of one plan (regular or final), a process may not wait for a daemon, a non-ephemeral
 * process may not wait for an ephemeral one, and there are no cycles.
 */
import type { Process, Task } from '../job-config.js';

/** A task whose processes cannot be scheduled; the message says why. */
export class InvalidScheduleError extends Error {
  static readonly code = 'MESOLITE_ERR_AURORA_INVALID_SCHEDULE';
  readonly code = InvalidScheduleError.code;
  readonly statusCode = 400;
  constructor(problem: string) {
    super(`Invalid process schedule: ${problem}`);
    this.name = 'InvalidScheduleError';
  }
}

/** Process name to the names it waits for. */
export type Dependencies = ReadonlyMap<string, ReadonlySet<string>>;

/** The dependencies among the processes `inPlan` selects (final ones, or the others). */
export function dependenciesOf(task: Task, inPlan: (process: Process) => boolean): Dependencies {
  const byName = new Map(task.processes.filter(inPlan).map((p) => [p.name, p]));
  const dependencies = new Map<string, Set<string>>([...byName.keys()].map((n) => [n, new Set()]));
  for (const { order } of task.constraints) {
    const inside = order.filter((name) => byName.has(name));
    if (inside.length === 0) continue;
    if (inside.length !== order.length) {
      throw new InvalidScheduleError(
        `order(${order.join(', ')}) names processes that are not in the task or mixes final and regular processes`,
      );
    }
    for (let k = 1; k < order.length; k++) {
      const before = byName.get(order[k - 1] ?? '');
      const after = byName.get(order[k] ?? '');
      if (before === undefined || after === undefined) continue;
      if (before.daemon) {
        throw new InvalidScheduleError(
          `process ${after.name} may not depend upon daemon process ${before.name}`,
        );
      }
      if (before.ephemeral && !after.ephemeral) {
        throw new InvalidScheduleError(
          `non-ephemeral process ${after.name} may not depend upon ephemeral process ${before.name}`,
        );
      }
      dependencies.get(after.name)?.add(before.name);
    }
  }
  assertAcyclic(dependencies);
  return dependencies;
}

function assertAcyclic(dependencies: ReadonlyMap<string, ReadonlySet<string>>): void {
  const done = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const [name, before] of dependencies) {
      if (done.has(name)) continue;
      if ([...before].every((b) => done.has(b))) {
        done.add(name);
        progress = true;
      }
    }
  }
  const stuck = [...dependencies.keys()].filter((name) => !done.has(name));
  if (stuck.length > 0) {
    throw new InvalidScheduleError(`the order constraints of ${stuck.join(', ')} form a cycle`);
  }
}

/** Checks a whole task: both plans, and that process names are unique. */
export function validateSchedule(task: Task): void {
  const seen = new Set<string>();
  for (const process of task.processes) {
    if (seen.has(process.name)) {
      throw new InvalidScheduleError(`two processes are named ${process.name}`);
    }
    seen.add(process.name);
  }
  for (const { order } of task.constraints) {
    const unknown = order.filter((name) => !seen.has(name));
    if (unknown.length > 0) {
      throw new InvalidScheduleError(`order() names unknown processes: ${unknown.join(', ')}`);
    }
  }
  dependenciesOf(task, (p) => !p.final);
  dependenciesOf(task, (p) => p.final);
}
