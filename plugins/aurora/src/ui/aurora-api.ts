/**
 * What the page reads from the Aurora plugin's API (api/routes.ts), typed from the
 * server's own schemas and views, and the paths it calls under /service/aurora/.
 */
import type { ProcessView, taskJson } from '../api/task-view.js';
import type { UpdateRecord } from '../state/records.js';

export const BASE = '/service/aurora';

export type TaskJson = ReturnType<typeof taskJson>;
export type { ProcessView, UpdateRecord };

/** A job as GET /jobs lists it (routes.ts `summary`). */
export interface JobSummary {
  key: string;
  version: string;
  instances: number[];
  service: boolean;
  cronSchedule?: string;
  cronCollisionPolicy?: string;
  activeTasks: number;
}

/** GET /jobs/KEY: Aurora's job status. */
export interface JobStatus {
  key: string;
  job?: JobSummary;
  activeTasks: TaskJson[];
  inactiveTasks: TaskJson[];
  update?: UpdateRecord;
}

/** GET /tasks/ID: the task, and its processes as the runner checkpointed them. */
export interface TaskDetails {
  task: TaskJson;
  sandbox?: string;
  taskState?: string;
  processes: ProcessView[];
}

/** The job key's four parts stay separate path segments; each is encoded on its own. */
export const jobPath = (key: string) =>
  `${BASE}/jobs/${key.split('/').map(encodeURIComponent).join('/')}`;
export const taskPath = (taskId: string) => `${BASE}/tasks/${encodeURIComponent(taskId)}`;
