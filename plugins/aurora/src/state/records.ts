/**
 * What the Aurora scheduler keeps in its store: jobs (with every configuration their
 * instances may run), tasks (one per launch of an instance, as Aurora's ScheduledTask)
 * and updates. Times are milliseconds since the epoch.
 */
import { type Static, Type } from 'typebox';
import { Job, UpdateConfig } from '../job-config.js';

/** Aurora's ScheduleStatus (api.thrift), the states a task goes through. */
export const ScheduleStatus = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('THROTTLED'),
  Type.Literal('ASSIGNED'),
  Type.Literal('STARTING'),
  Type.Literal('RUNNING'),
  Type.Literal('KILLING'),
  Type.Literal('RESTARTING'),
  Type.Literal('FINISHED'),
  Type.Literal('FAILED'),
  Type.Literal('KILLED'),
  Type.Literal('LOST'),
]);
export type ScheduleStatus = Static<typeof ScheduleStatus>;

/**
 * What one instance of a job should run: a configuration version and a generation,
 * bumped by a restart or a cron run, so that a task of an older generation is replaced.
 */
export const InstanceTarget = Type.Object({
  version: Type.String(),
  generation: Type.Integer({ minimum: 0 }),
});
export type InstanceTarget = Static<typeof InstanceTarget>;

export const JobRecord = Type.Object({
  /** `cluster/role/environment/name`. */
  key: Type.String(),
  /** The job's current configuration version, a key of `configs`. */
  version: Type.String(),
  configs: Type.Record(Type.String(), Job),
  /** Instance id (as a string key) to what it should run; absent instances run nothing. */
  instances: Type.Record(Type.String(), InstanceTarget),
  createdAt: Type.Number(),
  /** For cron jobs: the last time a run was due, whether or not it was started. */
  lastCronTickAt: Type.Optional(Type.Number()),
  /** For cron jobs: the number of runs started so far. */
  cronRuns: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type JobRecord = Static<typeof JobRecord>;

export const TaskEvent = Type.Object({
  status: ScheduleStatus,
  timestamp: Type.Number(),
  message: Type.Optional(Type.String()),
});

export const TaskRecord = Type.Object({
  taskId: Type.String(),
  jobKey: Type.String(),
  instance: Type.Integer({ minimum: 0 }),
  version: Type.String(),
  generation: Type.Integer({ minimum: 0 }),
  status: ScheduleStatus,
  events: Type.Array(TaskEvent),
  /** Not launched before this time (Aurora's reschedule penalty). */
  notBefore: Type.Number(),
  /** The penalty this task was given, from which its successor's is computed. */
  penaltyMs: Type.Number(),
  /** How many tasks of this instance and configuration failed before this one. */
  failureCount: Type.Integer({ minimum: 0 }),
  agentId: Type.Optional(Type.String()),
  host: Type.Optional(Type.String()),
  /** The agent's attributes (`host` included), for the job's limit constraints. */
  attributes: Type.Optional(Type.Record(Type.String(), Type.String())),
  ports: Type.Record(Type.String(), Type.Integer()),
  healthy: Type.Optional(Type.Boolean()),
  startedAt: Type.Optional(Type.Number()),
  endedAt: Type.Optional(Type.Number()),
  /** A kill was asked for (user, restart, update): the end is no failure to reschedule. */
  killing: Type.Optional(Type.Boolean()),
  message: Type.Optional(Type.String()),
});
export type TaskRecord = Static<typeof TaskRecord>;

/** Aurora's JobUpdateStatus. */
export const UpdateStatus = Type.Union([
  Type.Literal('ROLLING_FORWARD'),
  Type.Literal('ROLLING_BACK'),
  Type.Literal('ROLL_FORWARD_PAUSED'),
  Type.Literal('ROLL_BACK_PAUSED'),
  Type.Literal('ROLLED_FORWARD'),
  Type.Literal('ROLLED_BACK'),
  Type.Literal('ABORTED'),
  Type.Literal('FAILED'),
]);
export type UpdateStatus = Static<typeof UpdateStatus>;

/** Where one instance stands in an update (Aurora's JobUpdateAction, simplified). */
export const InstanceUpdateStatus = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('UPDATING'),
  Type.Literal('SUCCEEDED'),
  Type.Literal('FAILED'),
]);
export type InstanceUpdateStatus = Static<typeof InstanceUpdateStatus>;

export const InstanceUpdate = Type.Object({
  status: InstanceUpdateStatus,
  /** Where the instance goes: the update's version, the old one, or nothing (removed). */
  target: Type.Union([InstanceTarget, Type.Null()]),
  /** What it ran before the update (null: it did not exist). */
  original: Type.Union([InstanceTarget, Type.Null()]),
  failures: Type.Integer({ minimum: 0 }),
  /** Since when the instance's new task has been running (and healthy, if checked). */
  watchStart: Type.Optional(Type.Number()),
  /** Tasks whose failure was counted already. */
  countedTasks: Type.Array(Type.String()),
});
export type InstanceUpdate = Static<typeof InstanceUpdate>;

export const UpdateRecord = Type.Object({
  id: Type.String(),
  jobKey: Type.String(),
  status: UpdateStatus,
  fromVersion: Type.String(),
  toVersion: Type.String(),
  settings: UpdateConfig,
  instances: Type.Record(Type.String(), InstanceUpdate),
  createdAt: Type.Number(),
  events: Type.Array(
    Type.Object({
      status: UpdateStatus,
      timestamp: Type.Number(),
      message: Type.Optional(Type.String()),
    }),
  ),
});
export type UpdateRecord = Static<typeof UpdateRecord>;

const ACTIVE: ReadonlySet<ScheduleStatus> = new Set([
  'PENDING',
  'THROTTLED',
  'ASSIGNED',
  'STARTING',
  'RUNNING',
  'KILLING',
  'RESTARTING',
]);

export function isActiveTask(task: Pick<TaskRecord, 'status'>): boolean {
  return ACTIVE.has(task.status);
}

export function isActiveUpdate(update: Pick<UpdateRecord, 'status'>): boolean {
  return (
    update.status === 'ROLLING_FORWARD' ||
    update.status === 'ROLLING_BACK' ||
    update.status === 'ROLL_FORWARD_PAUSED' ||
    update.status === 'ROLL_BACK_PAUSED'
  );
}
