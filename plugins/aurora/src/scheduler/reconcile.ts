/**
 * The scheduler's keep-alive decision for one job, pure: from what each instance
 * should run (its target) and the job's tasks, which tasks to create (PENDING, possibly
 * after a penalty) and which to kill. As Aurora does:
 *
 * - a task running another version or generation than its instance's target is killed,
 *   and its replacement created once it has ended;
 * - a service instance is rescheduled whenever its task ends;
 * - a job that is no service reschedules a FAILED task while it has failed fewer than
 *   max_task_failures times (-1: always) and a LOST one always; FINISHED and KILLED
 *   instances stay done;
 * - tasks of instances the job no longer has are killed.
 */
import {
  type InstanceTarget,
  isActiveTask,
  type JobRecord,
  type TaskRecord,
} from '../state/records.js';
import { type PenaltySettings, reschedulePenalty } from './reschedule-penalty.js';

export interface NewTask {
  readonly instance: number;
  readonly target: InstanceTarget;
  readonly notBefore: number;
  readonly penaltyMs: number;
  readonly failureCount: number;
}

export interface JobDecision {
  readonly create: readonly NewTask[];
  readonly kill: readonly string[];
}

const runs = (task: TaskRecord, target: InstanceTarget) =>
  task.version === target.version && task.generation === target.generation;

/** The task's creation time, by which tasks of one instance are ordered. */
export function createdAt(task: TaskRecord): number {
  return task.events[0]?.timestamp ?? 0;
}

export function reconcileJob(
  job: JobRecord,
  tasks: readonly TaskRecord[],
  now: number,
  penalties: PenaltySettings,
): JobDecision {
  const create: NewTask[] = [];
  const kill: string[] = [];
  const byInstance = new Map<number, TaskRecord[]>();
  for (const task of tasks) {
    const list = byInstance.get(task.instance) ?? [];
    list.push(task);
    byInstance.set(task.instance, list);
  }
  for (const [id, target] of Object.entries(job.instances)) {
    const instance = Number(id);
    const own = (byInstance.get(instance) ?? []).sort((a, b) => createdAt(a) - createdAt(b));
    const active = own.filter(isActiveTask);
    for (const task of active) {
      if (!runs(task, target) && !task.killing) kill.push(task.taskId);
    }
    if (active.length > 0) continue;
    const config = job.configs[target.version];
    if (config === undefined) continue;
    const last = own.filter((task) => runs(task, target)).at(-1);
    if (last === undefined) {
      create.push({ instance, target, notBefore: now, penaltyMs: 0, failureCount: 0 });
      continue;
    }
    const again = config.service
      ? true
      : last.status === 'LOST' ||
        (last.status === 'FAILED' &&
          (config.max_task_failures === -1 || last.failureCount + 1 < config.max_task_failures));
    if (!again) continue;
    // A task killed on purpose did not flap: its replacement needs no penalty.
    const penaltyMs = last.killing === true ? 0 : reschedulePenalty(last, penalties);
    create.push({
      instance,
      target,
      notBefore: (last.endedAt ?? now) + penaltyMs,
      penaltyMs,
      failureCount: last.status === 'FAILED' ? last.failureCount + 1 : last.failureCount,
    });
  }
  for (const task of tasks) {
    if (
      isActiveTask(task) &&
      !task.killing &&
      !Object.hasOwn(job.instances, String(task.instance))
    ) {
      kill.push(task.taskId);
    }
  }
  return { create, kill };
}
