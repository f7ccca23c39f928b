/**
 * The Aurora scheduler's refusals, each with a stable code, the HTTP status the API
 * answers with, and a message that says what to do (Aurora's own wording where its
 * client prints one).
 */
import { defineError } from '@mesolite/daemon/errors';

export const JobNotFoundError = defineError(
  'MESOLITE_ERR_AURORA_JOB_NOT_FOUND',
  404,
  (key: string) => `No job ${key}: create it with aurora job create, or check the job key`,
);

export const JobExistsError = defineError(
  'MESOLITE_ERR_AURORA_JOB_EXISTS',
  409,
  (key: string) =>
    `Job ${key} already exists: change it with aurora update start, or kill it with aurora job killall first`,
);

export const CronJobCreateError = defineError(
  'MESOLITE_ERR_AURORA_CRON_CREATE',
  400,
  (key: string) => `Cron jobs may only be scheduled with aurora cron schedule (${key})`,
);

export const NotCronJobError = defineError(
  'MESOLITE_ERR_AURORA_NOT_CRON',
  400,
  (key: string) =>
    `Job ${key} has no cron_schedule: run it with aurora job create, or add a cron_schedule`,
);

export const JobKeyMismatchError = defineError(
  'MESOLITE_ERR_AURORA_JOB_KEY_MISMATCH',
  400,
  (path: string, body: string) =>
    `The job key ${path} does not match the job in the configuration, ${body}`,
);

export const UpdateInProgressError = defineError(
  'MESOLITE_ERR_AURORA_UPDATE_IN_PROGRESS',
  409,
  (key: string, id: string) =>
    `Job ${key} has an active update (${id}): wait for it, or aurora update abort it first`,
);

export const NoActiveUpdateError = defineError(
  'MESOLITE_ERR_AURORA_NO_ACTIVE_UPDATE',
  404,
  (key: string) => `Job ${key} has no active update`,
);

export const NoUpdateError = defineError(
  'MESOLITE_ERR_AURORA_NO_UPDATE',
  404,
  (key: string) => `Job ${key} has never been updated: start one with aurora update start`,
);

export const UpdateStateError = defineError(
  'MESOLITE_ERR_AURORA_UPDATE_STATE',
  409,
  (id: string, status: string, action: string) =>
    `Update ${id} is ${status}, so it cannot ${action}`,
);

export const UnknownInstancesError = defineError(
  'MESOLITE_ERR_AURORA_UNKNOWN_INSTANCES',
  400,
  (key: string, instances: string) => `Job ${key} has no instances ${instances}`,
);

export const TaskNotFoundError = defineError(
  'MESOLITE_ERR_AURORA_TASK_NOT_FOUND',
  404,
  (taskId: string) => `No task ${taskId}`,
);
