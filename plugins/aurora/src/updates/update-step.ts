/**
 * One step of a rolling update, pure, after Aurora's JobUpdateController and
 * InstanceUpdater: batch_size instances change at a time (see `working`). An instance is done when its new task has been RUNNING (and healthy,
 * when the job has a health check) for watch_secs; each task of it that ends in the
 * meantime is a failure, and past max_per_shard_failures the instance has failed. Past
 * max_total_failures failed instances the update fails, and with rollback_on_failure it
 * rolls the instances it touched back to what they ran before.
 *
 * The step says what each instance should run from now on (`targets`; null: nothing);
 * the scheduler's keep-alive loop then replaces the tasks.
 */
import {
  type InstanceTarget,
  type InstanceUpdate,
  isActiveTask,
  type TaskRecord,
  type UpdateRecord,
  type UpdateStatus,
} from '../state/records.js';

export interface UpdateStep {
  readonly update: UpdateRecord;
  /** Instance id to its new target; null removes the instance. */
  readonly targets: Readonly<Record<string, InstanceTarget | null>>;
}

export interface UpdateFacts {
  readonly tasks: readonly TaskRecord[];
  /** Whether tasks of a configuration version are health-checked. */
  readonly healthChecked: (version: string) => boolean;
  readonly now: number;
}

const isSettled = (instance: InstanceUpdate) =>
  instance.status === 'SUCCEEDED' || instance.status === 'FAILED';

const sameTarget = (task: TaskRecord, target: InstanceTarget) =>
  task.version === target.version && task.generation === target.generation;

function withStatus(update: UpdateRecord, status: UpdateStatus, now: number, message?: string) {
  return {
    ...update,
    status,
    events: [
      ...update.events,
      { status, timestamp: now, ...(message === undefined ? {} : { message }) },
    ],
  };
}

function advanceInstance(
  id: string,
  instance: InstanceUpdate,
  update: UpdateRecord,
  facts: UpdateFacts,
  targets: Record<string, InstanceTarget | null>,
): InstanceUpdate {
  if (instance.status === 'PENDING') {
    targets[id] = instance.target;
    return { ...instance, status: 'UPDATING' };
  }
  if (instance.status !== 'UPDATING') return instance;
  const own = facts.tasks.filter((task) => String(task.instance) === id);
  const { target } = instance;
  if (target === null) {
    return own.some(isActiveTask) ? instance : { ...instance, status: 'SUCCEEDED' };
  }
  const ofTarget = own.filter((task) => sameTarget(task, target));
  let next = instance;
  for (const task of ofTarget) {
    if (isActiveTask(task) || task.killing === true || next.countedTasks.includes(task.taskId)) {
      continue;
    }
    const { watchStart: _reset, ...rest } = next;
    next = {
      ...rest,
      failures: next.failures + 1,
      countedTasks: [...next.countedTasks, task.taskId],
    };
  }
  if (next.failures > update.settings.max_per_shard_failures) {
    return { ...next, status: 'FAILED' };
  }
  const live = ofTarget.filter(isActiveTask).at(-1);
  const ready =
    live !== undefined &&
    live.status === 'RUNNING' &&
    (!facts.healthChecked(target.version) || live.healthy === true);
  if (!ready) {
    const { watchStart: _reset, ...rest } = next;
    return rest;
  }
  const watchStart = next.watchStart ?? facts.now;
  if (facts.now - watchStart >= update.settings.watch_secs * 1000) {
    return { ...next, watchStart, status: 'SUCCEEDED' };
  }
  return { ...next, watchStart };
}

/** Rolls back every instance the update touched; the others it leaves alone. */
function rollBack(update: UpdateRecord, now: number): UpdateRecord {
  const instances: Record<string, InstanceUpdate> = {};
  for (const [id, instance] of Object.entries(update.instances)) {
    if (instance.status === 'PENDING') continue;
    instances[id] = {
      status: 'PENDING',
      target: instance.original,
      original: instance.target,
      failures: 0,
      countedTasks: [],
    };
  }
  return withStatus({ ...update, instances }, 'ROLLING_BACK', now, 'rolling back after failures');
}

/**
 * The instances to work on now. With wait_for_batch_completion, the first batch of
 * batch_size instances that is not done; without it (Aurora's default), a window of
 * batch_size instances that moves on as soon as any of them is done.
 */
function working(update: UpdateRecord): string[] {
  const ids = Object.keys(update.instances).sort((a, b) => Number(a) - Number(b));
  const size = update.settings.batch_size;
  const unsettled = (id: string) => {
    const instance = update.instances[id];
    return instance !== undefined && !isSettled(instance);
  };
  if (!update.settings.wait_for_batch_completion) return ids.filter(unsettled).slice(0, size);
  for (let first = 0; first < ids.length; first += size) {
    const batch = ids.slice(first, first + size);
    if (batch.some(unsettled)) return batch.filter(unsettled);
  }
  return [];
}

export function updateStep(update: UpdateRecord, facts: UpdateFacts): UpdateStep {
  if (update.status !== 'ROLLING_FORWARD' && update.status !== 'ROLLING_BACK') {
    return { update, targets: {} };
  }
  const targets: Record<string, InstanceTarget | null> = {};
  const instances = { ...update.instances };
  for (const id of working(update)) {
    const instance = instances[id];
    if (instance !== undefined)
      instances[id] = advanceInstance(id, instance, update, facts, targets);
  }
  let next: UpdateRecord = { ...update, instances };
  const all = Object.values(instances);
  const failed = all.filter((instance) => instance.status === 'FAILED').length;
  if (failed > update.settings.max_total_failures) {
    if (update.status === 'ROLLING_FORWARD' && update.settings.rollback_on_failure) {
      next = rollBack(next, facts.now);
    } else {
      next = withStatus(next, 'FAILED', facts.now, `${failed} instances failed`);
    }
  } else if (all.every(isSettled)) {
    next = withStatus(
      next,
      update.status === 'ROLLING_FORWARD' ? 'ROLLED_FORWARD' : 'ROLLED_BACK',
      facts.now,
    );
  }
  return { update: next, targets };
}

/** Pause, resume and abort, as `aurora update pause|resume|abort`; undefined: not allowed now. */
export function controlUpdate(
  update: UpdateRecord,
  action: 'pause' | 'resume' | 'abort',
  now: number,
): UpdateRecord | undefined {
  const to: Partial<Record<UpdateStatus, UpdateStatus>> =
    action === 'pause'
      ? { ROLLING_FORWARD: 'ROLL_FORWARD_PAUSED', ROLLING_BACK: 'ROLL_BACK_PAUSED' }
      : action === 'resume'
        ? { ROLL_FORWARD_PAUSED: 'ROLLING_FORWARD', ROLL_BACK_PAUSED: 'ROLLING_BACK' }
        : {
            ROLLING_FORWARD: 'ABORTED',
            ROLLING_BACK: 'ABORTED',
            ROLL_FORWARD_PAUSED: 'ABORTED',
            ROLL_BACK_PAUSED: 'ABORTED',
          };
  const status = to[update.status];
  return status === undefined ? undefined : withStatus(update, status, now);
}
