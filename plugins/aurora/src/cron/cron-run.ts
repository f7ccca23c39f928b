/**
 * When a cron job runs, and what a run does, pure. A run is due when the schedule fired
 * since the last tick (runs missed while the scheduler was down collapse into one, as
 * Aurora's cron does). A run gives every instance a new generation, so the keep-alive
 * loop launches its tasks; the collision policy decides about a previous run still
 * active: KILL_EXISTING kills it first (its tasks are of an older generation),
 * CANCEL_NEW skips the new run.
 */
import { isActiveTask, type JobRecord, type TaskRecord } from '../state/records.js';
import { nextCronTime } from './cron-schedule.js';

/** Whether the job's schedule fired between its last tick and `now`. */
export function cronDue(job: JobRecord, now: number): boolean {
  const config = job.configs[job.version];
  if (config?.cron_schedule === undefined) return false;
  return nextCronTime(config.cron_schedule, job.lastCronTickAt ?? job.createdAt) <= now;
}

export type CronRunOutcome = 'started' | 'cancelled';

/** The job after a run (scheduled or `cron start`), and whether the run started. */
export function startCronRun(
  job: JobRecord,
  tasks: readonly TaskRecord[],
  now: number,
): { job: JobRecord; outcome: CronRunOutcome } {
  const config = job.configs[job.version];
  const ticked = { ...job, lastCronTickAt: now };
  if (config === undefined) return { job: ticked, outcome: 'cancelled' };
  if (config.cron_collision_policy === 'CANCEL_NEW' && tasks.some(isActiveTask)) {
    return { job: ticked, outcome: 'cancelled' };
  }
  const generation = (job.cronRuns ?? 0) + 1;
  const instances: JobRecord['instances'] = {};
  for (let instance = 0; instance < config.instances; instance++) {
    instances[String(instance)] = { version: job.version, generation };
  }
  return { job: { ...ticked, instances, cronRuns: generation }, outcome: 'started' };
}
