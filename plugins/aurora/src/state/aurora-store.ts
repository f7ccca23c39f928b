/**
 * The Aurora scheduler's persistence, in the plugin's store namespace: the framework id
 * (so a restarted plugin fails over to its running tasks), jobs, tasks and updates.
 * Everything is written before it is acted upon, so a kill -9 loses nothing decided.
 */
import { FrameworkStore } from '@mesolite/daemon/plugins/framework-store';
import type { JsonValue } from '@mesolite/daemon/store/store';
import type { JobRecord, TaskRecord, UpdateRecord } from './records.js';

const JOBS = 'jobs/';
const TASKS = 'tasks/';
const UPDATES = 'updates/';

const json = (value: object) => value as unknown as JsonValue;

export class AuroraStore extends FrameworkStore {
  jobs(): Promise<JobRecord[]> {
    return this.all<JobRecord>(JOBS);
  }

  tasks(): Promise<TaskRecord[]> {
    return this.all<TaskRecord>(TASKS);
  }

  updates(): Promise<UpdateRecord[]> {
    return this.all<UpdateRecord>(UPDATES);
  }

  putJob(job: JobRecord): Promise<void> {
    return this.store.put(`${JOBS}${encodeURIComponent(job.key)}`, json(job));
  }

  removeJob(key: string): Promise<void> {
    return this.store.del(`${JOBS}${encodeURIComponent(key)}`);
  }

  putTasks(tasks: readonly TaskRecord[]): Promise<void> {
    return this.store.batch(
      tasks.map((task) => ({ type: 'put', key: `${TASKS}${task.taskId}`, value: json(task) })),
    );
  }

  removeTasks(taskIds: readonly string[]): Promise<void> {
    return this.store.batch(taskIds.map((id) => ({ type: 'del', key: `${TASKS}${id}` })));
  }

  putUpdate(update: UpdateRecord): Promise<void> {
    return this.store.put(`${UPDATES}${update.id}`, json(update));
  }

  private async all<T>(prefix: string): Promise<T[]> {
    const values: T[] = [];
    for await (const [, value] of this.store.entries(prefix)) values.push(value as unknown as T);
    return values;
  }
}
