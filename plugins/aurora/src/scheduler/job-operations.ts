/**
 * What the API and the CLI can ask of the scheduler, in Aurora's words: create a job,
 * kill instances or the whole job, restart, start and steer an update, schedule,
 * deschedule and start cron jobs. Each checks everything first and changes nothing when
 * it refuses; what it changes is persisted before the scheduler acts on it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { startCronRun } from '../cron/cron-run.js';
import { nextCronTime } from '../cron/cron-schedule.js';
import type { Job } from '../job-config.js';
import { formatJobKey, parseJobKey } from '../job-key.js';
import type { AuroraStore } from '../state/aurora-store.js';
import {
  type InstanceTarget,
  type InstanceUpdate,
  isActiveTask,
  type JobRecord,
  type TaskRecord,
  type UpdateRecord,
} from '../state/records.js';
import { validateSchedule } from '../thermos/process-order.js';
import { controlUpdate } from '../updates/update-step.js';
import type { AuroraRuntime } from './aurora-runtime.js';
import {
  CronJobCreateError,
  JobExistsError,
  JobKeyMismatchError,
  JobNotFoundError,
  NoActiveUpdateError,
  NotCronJobError,
  NoUpdateError,
  UnknownInstancesError,
  UpdateInProgressError,
  UpdateStateError,
} from './scheduler-errors.js';

/** A configuration's version: the same job always gets the same one. */
export function configVersion(job: Job): string {
  return createHash('sha256').update(JSON.stringify(job)).digest('hex').slice(0, 16);
}

export function jobKeyOf(job: Job): string {
  return formatJobKey(job);
}

export class JobOperations {
  constructor(
    private readonly runtime: AuroraRuntime,
    private readonly store: AuroraStore,
  ) {}

  /** Refuses a job the scheduler cannot run; `pathKey` is the key the request named. */
  private check(job: Job, pathKey: string): string {
    const key = jobKeyOf(job);
    parseJobKey(key);
    if (key !== pathKey) throw new JobKeyMismatchError(pathKey, key);
    validateSchedule(job.task);
    if (job.cron_schedule !== undefined) nextCronTime(job.cron_schedule, 0);
    return key;
  }

  private job(key: string): JobRecord {
    const job = this.runtime.jobs.get(key);
    if (job === undefined) throw new JobNotFoundError(key);
    return job;
  }

  private async save(job: JobRecord): Promise<void> {
    await this.store.putJob(job);
    this.runtime.jobs.set(job.key, job);
    this.runtime.notify([job.key]);
  }

  /** `aurora job create`. */
  create(pathKey: string, job: Job): Promise<JobRecord> {
    return this.runtime.serially(async () => {
      const key = this.check(job, pathKey);
      if (job.cron_schedule !== undefined) throw new CronJobCreateError(key);
      if (this.runtime.jobs.has(key)) throw new JobExistsError(key);
      const version = configVersion(job);
      const instances: JobRecord['instances'] = {};
      for (let id = 0; id < job.instances; id++) instances[String(id)] = { version, generation: 0 };
      const record: JobRecord = {
        key,
        version,
        configs: { [version]: job },
        instances,
        createdAt: this.runtime.clock(),
      };
      await this.save(record);
      this.runtime.tick();
      return record;
    });
  }

  /** `aurora job kill` (some instances) and `aurora job killall` (instances omitted). */
  kill(key: string, instances?: readonly number[]): Promise<TaskRecord[]> {
    return this.runtime.serially(async () => {
      const job = this.runtime.jobs.get(key);
      const tasks = this.runtime.tasksOf(key);
      if (job === undefined && !tasks.some(isActiveTask)) throw new JobNotFoundError(key);
      const chosen =
        instances === undefined ? undefined : new Set(instances.map((id) => String(id)));
      if (job !== undefined && chosen !== undefined) {
        const unknown = [...chosen].filter((id) => !Object.hasOwn(job.instances, id));
        if (unknown.length > 0) throw new UnknownInstancesError(key, unknown.join(','));
      }
      const update = this.runtime.activeUpdateOf(key);
      if (update !== undefined) throw new UpdateInProgressError(key, update.id);
      if (job !== undefined) {
        if (chosen === undefined) {
          await this.store.removeJob(key);
          this.runtime.jobs.delete(key);
          this.runtime.notify([key]);
        } else {
          const left = Object.fromEntries(
            Object.entries(job.instances).filter(([id]) => !chosen.has(id)),
          );
          await this.save({ ...job, instances: left });
        }
      }
      const victims = tasks.filter(
        (task) => isActiveTask(task) && (chosen === undefined || chosen.has(String(task.instance))),
      );
      await this.runtime.killTasks(victims);
      this.runtime.tick();
      return victims;
    });
  }

  /**
   * `aurora job restart`: a rolling restart, as Aurora does it, through an update that
   * keeps the configuration and gives the instances a new generation.
   */
  restart(key: string, instances?: readonly number[]): Promise<UpdateRecord> {
    return this.runtime.serially(async () => {
      const job = this.job(key);
      const config = job.configs[job.version];
      if (config === undefined) throw new JobNotFoundError(key);
      const ids = instances?.map(String) ?? Object.keys(job.instances);
      const unknown = ids.filter((id) => !Object.hasOwn(job.instances, id));
      if (unknown.length > 0) throw new UnknownInstancesError(key, unknown.join(','));
      const changes: Record<string, InstanceUpdate> = {};
      for (const id of ids) {
        const original = job.instances[id];
        if (original === undefined) continue;
        changes[id] = pendingInstance(original, {
          version: original.version,
          generation: original.generation + 1,
        });
      }
      return this.beginUpdate(job, job.version, config, changes);
    });
  }

  /** `aurora update start`: rolls the job's instances to `job`'s configuration. */
  startUpdate(pathKey: string, job: Job): Promise<UpdateRecord | undefined> {
    return this.runtime.serially(async () => {
      const key = this.check(job, pathKey);
      const record = this.job(key);
      const version = configVersion(job);
      const ids = new Set([
        ...Object.keys(record.instances),
        ...Array.from({ length: job.instances }, (_, id) => String(id)),
      ]);
      const changes: Record<string, InstanceUpdate> = {};
      for (const id of [...ids].sort((a, b) => Number(a) - Number(b))) {
        const original = record.instances[id] ?? null;
        const target =
          Number(id) < job.instances ? { version, generation: original?.generation ?? 0 } : null;
        if (original?.version === target?.version && original?.generation === target?.generation) {
          continue;
        }
        changes[id] = pendingInstance(original, target);
      }
      if (Object.keys(changes).length === 0) return undefined;
      return this.beginUpdate(record, version, job, changes);
    });
  }

  private async beginUpdate(
    record: JobRecord,
    version: string,
    config: Job,
    instances: Record<string, InstanceUpdate>,
  ): Promise<UpdateRecord> {
    const active = this.runtime.activeUpdateOf(record.key);
    if (active !== undefined) throw new UpdateInProgressError(record.key, active.id);
    const now = this.runtime.clock();
    const update: UpdateRecord = {
      id: randomUUID(),
      jobKey: record.key,
      status: 'ROLLING_FORWARD',
      fromVersion: record.version,
      toVersion: version,
      settings: config.update_config,
      instances,
      createdAt: now,
      events: [{ status: 'ROLLING_FORWARD', timestamp: now }],
    };
    await this.save({ ...record, configs: { ...record.configs, [version]: config } });
    await this.store.putUpdate(update);
    this.runtime.updates.set(update.id, update);
    this.runtime.tick();
    return update;
  }

  /** `aurora update pause|resume|abort`. */
  controlUpdate(key: string, action: 'pause' | 'resume' | 'abort'): Promise<UpdateRecord> {
    return this.runtime.serially(async () => {
      this.job(key);
      const update = this.runtime.activeUpdateOf(key);
      if (update === undefined) throw new NoActiveUpdateError(key);
      const next = controlUpdate(update, action, this.runtime.clock());
      if (next === undefined) throw new UpdateStateError(update.id, update.status, action);
      await this.store.putUpdate(next);
      this.runtime.updates.set(next.id, next);
      this.runtime.notify([key]);
      this.runtime.tick();
      return next;
    });
  }

  /** `aurora update info`: the job's newest update. */
  updateInfo(key: string): UpdateRecord {
    const updates = [...this.runtime.updates.values()]
      .filter((update) => update.jobKey === key)
      .sort((a, b) => a.createdAt - b.createdAt);
    const latest = updates.at(-1);
    if (latest === undefined) throw new NoUpdateError(key);
    return latest;
  }

  /** `aurora cron schedule`: creates the cron job, or replaces its configuration. */
  scheduleCron(pathKey: string, job: Job): Promise<JobRecord> {
    return this.runtime.serially(async () => {
      const key = this.check(job, pathKey);
      if (job.cron_schedule === undefined) throw new NotCronJobError(key);
      const version = configVersion(job);
      const existing = this.runtime.jobs.get(key);
      const now = this.runtime.clock();
      const record: JobRecord = existing
        ? { ...existing, version, configs: { ...existing.configs, [version]: job } }
        : {
            key,
            version,
            configs: { [version]: job },
            instances: {},
            createdAt: now,
            lastCronTickAt: now,
          };
      await this.save(record);
      return record;
    });
  }

  /** `aurora cron deschedule`: the schedule goes; a run under way finishes. */
  descheduleCron(key: string): Promise<void> {
    return this.runtime.serially(async () => {
      const job = this.job(key);
      if (job.configs[job.version]?.cron_schedule === undefined) throw new NotCronJobError(key);
      await this.store.removeJob(key);
      this.runtime.jobs.delete(key);
      this.runtime.notify([key]);
    });
  }

  /** `aurora cron start`: a run now, with the job's collision policy. */
  startCron(key: string): Promise<'started' | 'cancelled'> {
    return this.runtime.serially(async () => {
      const job = this.job(key);
      if (job.configs[job.version]?.cron_schedule === undefined) throw new NotCronJobError(key);
      const run = startCronRun(job, this.runtime.tasksOf(key), this.runtime.clock());
      // A manual run does not move the schedule.
      const next: JobRecord = { ...run.job };
      if (job.lastCronTickAt === undefined) delete next.lastCronTickAt;
      else next.lastCronTickAt = job.lastCronTickAt;
      await this.save(next);
      this.runtime.tick();
      return run.outcome;
    });
  }
}

function pendingInstance(
  original: InstanceTarget | null,
  target: InstanceTarget | null,
): InstanceUpdate {
  return { status: 'PENDING', target, original, failures: 0, countedTasks: [] };
}
