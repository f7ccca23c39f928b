/**
 * The scheduler's decisions as a pure function of the jobs, their states and the clock
 * (Chronos's JobScheduler main loop and its dependency handling): which runs become
 * due, which were missed by more than epsilon and are skipped, which dependent jobs
 * may start because all their parents succeeded since they last ran, which queued runs
 * (retries after their delay included) may take an offer, and which async runs timed
 * out. The runtime persists the new states, then carries the plan out.
 */
import { readIsoPeriod, ZERO_PERIOD } from '../iso8601-period.js';
import {
  cursorAfterRun,
  firstCursor,
  type JobSchedule,
  type ScheduleCursor,
  skipMissed,
} from '../job/job-schedule.js';
import type { ChronosJob } from '../job/job-schema.js';
import type { ActiveRun, JobState, RunReason } from '../job/job-state.js';
import { chronosTaskId } from '../job/task-id.js';

export interface PlannerJob {
  readonly job: ChronosJob;
  /** Undefined for a dependent job. */
  readonly schedule: JobSchedule | undefined;
  readonly state: JobState;
}

export interface PlannerOptions {
  /** How long an async job's run may take until its callback, from launch; Infinity: forever. */
  readonly asyncTimeoutMs: number;
}

export interface SkippedRuns {
  readonly job: string;
  readonly count: number;
}

export interface TimedOutRun {
  readonly job: string;
  readonly taskId: string;
}

export interface TickPlan {
  /** The states that changed, to persist before anything is launched. */
  readonly states: ReadonlyMap<string, JobState>;
  /** Runs that may take an offer now, in launch order. */
  readonly ready: readonly ReadyRun[];
  readonly skipped: readonly SkippedRuns[];
  /** Async runs whose callback did not come in time: each is a failure (see completeRun). */
  readonly timedOut: readonly TimedOutRun[];
  /** Whether some run is still to launch later (a retry's delay), so offers are kept coming. */
  readonly waiting: boolean;
}

/** A job whose Rn schedule is used up stays listed, disabled (Chronos disables it). */
export function isExhausted(state: JobState): boolean {
  return state.cursor?.remaining === 0;
}

export function isDisabled(job: ChronosJob, state: JobState): boolean {
  return job.disabled || isExhausted(state);
}

/** A new run of a job, queued; its task id is unique among the job's runs in flight. */
export function newRun(
  job: ChronosJob,
  state: JobState,
  input: {
    readonly dueAt: number;
    readonly reason: RunReason;
    readonly now: number;
    readonly attempt?: number;
    readonly arguments?: readonly string[];
    readonly notBefore?: number;
  },
): ActiveRun {
  const args = [...(input.arguments ?? job.arguments)];
  const attempt = input.attempt ?? 0;
  let dueAt = input.dueAt;
  const taken = new Set(state.runs.map((run) => run.taskId));
  const idAt = (at: number) =>
    chronosTaskId({ dueAt: at, attempt, jobName: job.name, arguments: args.join(' ') });
  // Two manual runs in the same millisecond would share an id; Mesos refuses a duplicate.
  while (taken.has(idAt(dueAt))) dueAt += 1;
  return {
    taskId: idAt(dueAt),
    dueAt,
    attempt,
    reason: input.reason,
    arguments: args,
    phase: 'queued',
    queuedAt: input.now,
    ...(input.notBefore === undefined ? {} : { notBefore: input.notBefore }),
  };
}

/** The state of a job just posted (or replaced): counters kept, a schedule's cursor reset. */
export function stateForDefinition(
  schedule: JobSchedule | undefined,
  previous: JobState,
  now: number,
): JobState {
  const { cursor: _cursor, ...rest } = previous;
  if (schedule === undefined) return { ...rest, lastTriggeredAt: previous.lastTriggeredAt ?? now };
  return { ...rest, cursor: firstCursor(schedule, now) };
}

function epsilonOf(job: ChronosJob) {
  const period = readIsoPeriod(job.epsilon);
  return 'problem' in period ? ZERO_PERIOD : period;
}

function inFlight(state: JobState): boolean {
  return state.runs.length > 0;
}

/** Decides one tick; see the module comment. */
export function planTick(
  jobs: readonly PlannerJob[],
  now: number,
  options: PlannerOptions,
): TickPlan {
  const states = new Map<string, JobState>();
  const ready: ReadyRun[] = [];
  const skipped: SkippedRuns[] = [];
  const timedOut: TimedOutRun[] = [];
  let waiting = false;
  const byName = new Map(jobs.map((entry) => [entry.job.name, entry]));

  for (const { job, schedule, state: original } of jobs) {
    let state = original;
    const update = (next: JobState) => {
      state = next;
      states.set(job.name, next);
    };

    if (job.async) {
      for (const run of state.runs) {
        if (run.launchedAt !== undefined && run.launchedAt + options.asyncTimeoutMs <= now) {
          timedOut.push({ job: job.name, taskId: run.taskId });
        }
      }
    }

    if (!isDisabled(job, state)) {
      if (schedule !== undefined && state.cursor !== undefined) {
        const scheduled = scheduledRun(job, schedule, state, state.cursor, now);
        if (scheduled.skipped > 0) skipped.push({ job: job.name, count: scheduled.skipped });
        if (scheduled.state !== state) update(scheduled.state);
      } else if (schedule === undefined && job.parents !== undefined) {
        if (parentsSucceededSince(job.parents, state.lastTriggeredAt, byName)) {
          if (job.concurrent || !inFlight(state)) {
            const run = newRun(job, state, { dueAt: now, reason: 'dependency', now });
            update({ ...state, lastTriggeredAt: now, runs: [...state.runs, run] });
          }
        }
      }
    }

    if (state.runs.some((run) => run.phase === 'queued' && (run.notBefore ?? now) > now)) {
      waiting = true;
    }
    ready.push(...readyOf(job.name, state, now));
  }
  return { states, ready: inLaunchOrder(ready), skipped, timedOut, waiting };
}

export interface ReadyRun {
  readonly job: string;
  readonly run: ActiveRun;
}

function readyOf(name: string, state: JobState, now: number): ReadyRun[] {
  return state.runs
    .filter((run) => run.phase === 'queued' && (run.notBefore ?? now) <= now)
    .map((run) => ({ job: name, run }));
}

/** Earliest due first, so a backlog drains in schedule order. */
function inLaunchOrder(ready: ReadyRun[]): ReadyRun[] {
  return ready.sort((a, b) => a.run.dueAt - b.run.dueAt || (a.job < b.job ? -1 : 1));
}

/** The queued runs that may take an offer now (retries whose delay has passed included). */
export function readyRuns(jobs: readonly PlannerJob[], now: number): ReadyRun[] {
  return inLaunchOrder(jobs.flatMap(({ job, state }) => readyOf(job.name, state, now)));
}

function scheduledRun(
  job: ChronosJob,
  schedule: JobSchedule,
  state: JobState,
  cursor: ScheduleCursor,
  now: number,
): { state: JobState; skipped: number } {
  let current = cursor;
  let skippedCount = 0;
  const skip = skipMissed(schedule, current, now, epsilonOf(job));
  if (skip.skipped > 0) {
    current = skip.cursor;
    skippedCount = skip.skipped;
  }
  if (current.remaining === 0 || current.dueAt > now) {
    return {
      state: current === cursor ? state : { ...state, cursor: current },
      skipped: skippedCount,
    };
  }
  const next = cursorAfterRun(schedule, current);
  const after: ScheduleCursor = next === current ? { dueAt: current.dueAt, remaining: 0 } : next;
  if (!job.concurrent && inFlight(state)) {
    // Chronos (concurrent: false) does not start a run while the last one is going.
    return { state: { ...state, cursor: after }, skipped: skippedCount + 1 };
  }
  const run = newRun(job, state, { dueAt: current.dueAt, reason: 'schedule', now });
  return { state: { ...state, cursor: after, runs: [...state.runs, run] }, skipped: skippedCount };
}

function parentsSucceededSince(
  parents: readonly string[],
  since: number | null,
  jobs: ReadonlyMap<string, PlannerJob>,
): boolean {
  if (parents.length === 0) return false;
  return parents.every((name) => {
    const parent = jobs.get(name);
    const success = parent?.state.lastSuccessAt ?? null;
    return success !== null && (since === null || success > since);
  });
}
