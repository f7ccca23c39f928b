/**
 * A job as Chronos 2.5's API shows it (JobSerializer): its definition, its counters, and
 * for a scheduled job the schedule clipped to its next run (R4/... after one of five
 * runs). Only Chronos's fields: clients that map jobs onto a fixed model choke on others.
 */
import { displaySchedule } from '../job/job-schedule.js';
import type { JobState } from '../job/job-state.js';
import type { RuntimeJob } from '../runtime/chronos-runtime.js';
import { isDisabled } from '../scheduling/planner.js';

function instant(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString();
}

export function jobJson({ job, schedule, state }: RuntimeJob): Record<string, unknown> {
  return {
    name: job.name,
    command: job.command,
    shell: job.shell,
    epsilon: job.epsilon,
    executor: '',
    executorFlags: '',
    taskInfoData: '',
    retries: job.retries,
    owner: job.owner,
    ownerName: job.ownerName,
    description: job.description,
    async: job.async,
    successCount: state.successCount,
    errorCount: state.errorCount,
    lastSuccess: instant(state.lastSuccessAt),
    lastError: instant(state.lastErrorAt),
    cpus: job.cpus,
    disk: job.disk,
    mem: job.mem,
    disabled: isDisabled(job, state),
    softError: job.softError,
    dataProcessingJobType: false,
    errorsSinceLastSuccess: state.errorsSinceLastSuccess,
    fetch: job.fetch,
    uris: job.uris,
    environmentVariables: job.environmentVariables,
    arguments: job.arguments,
    highPriority: job.highPriority,
    runAsUser: job.runAsUser,
    concurrent: job.concurrent,
    constraints: job.constraints,
    ...(job.container === undefined ? {} : { container: job.container }),
    ...(schedule === undefined || state.cursor === undefined
      ? { parents: job.parents ?? [] }
      : {
          schedule: displaySchedule(schedule, state.cursor),
          scheduleTimeZone: job.scheduleTimeZone,
        }),
  };
}

/** The job's last outcome and what it does now, as /scheduler/graph/csv reports them. */
export function graphStates(state: JobState): {
  lastState: 'fresh' | 'success' | 'failure';
  state: 'idle' | 'queued' | 'running';
} {
  // Chronos's Exporter.getLastState: whichever of lastSuccess and lastError is later.
  const { lastSuccessAt: success, lastErrorAt: error } = state;
  const lastState =
    success === null && error === null
      ? 'fresh'
      : success !== null && (error === null || success > error)
        ? 'success'
        : 'failure';
  const now = state.runs.some((run) => run.phase !== 'queued')
    ? 'running'
    : state.runs.length > 0
      ? 'queued'
      : 'idle';
  return { lastState, state: now };
}
