/**
 * How a run ends, as pure transitions of a job's state: a task status from the master,
 * an async job's callback, a timeout. A failed run is retried `retries` times, each
 * attempt after Chronos's --failure_retry delay; only when the last attempt fails do
 * errorCount and lastError move (once), and the failure is reported.
 */
import type { TaskState } from '@mesolite/daemon/protocol/mesos';
import type { ChronosJob } from '../job/job-schema.js';
import type { ActiveRun, JobState, RunRecord, RunStatus } from '../job/job-state.js';
import { newRun } from './planner.js';

export interface OutcomeOptions {
  /** Chronos's --failure_retry, in milliseconds (default 60 s). */
  readonly failureRetryMs: number;
  /** How many finished runs each job keeps. */
  readonly historyLimit: number;
}

export interface RunEnd {
  readonly status: RunStatus;
  readonly at: number;
  readonly exitStatus?: number | undefined;
  readonly message?: string | undefined;
}

export interface Transition {
  readonly state: JobState;
  /** The run that ended, when one did. */
  readonly ended?: RunRecord;
  /** The retry queued for a failed run. */
  readonly retry?: ActiveRun;
  /** Set when the run failed for good: the moment to notify. */
  readonly failedForGood?: RunRecord;
}

function record(run: ActiveRun, end: RunEnd): RunRecord {
  return {
    taskId: run.taskId,
    attempt: run.attempt,
    reason: run.reason,
    dueAt: run.dueAt,
    ...(run.startedAt === undefined ? {} : { startedAt: run.startedAt }),
    endedAt: end.at,
    status: end.status,
    ...(end.exitStatus === undefined ? {} : { exitStatus: end.exitStatus }),
    ...(end.message === undefined ? {} : { message: end.message }),
    ...(run.agentId === undefined ? {} : { agentId: run.agentId }),
  };
}

/** Ends a run in flight; see the module comment. Unknown task ids change nothing. */
export function completeRun(
  job: ChronosJob,
  state: JobState,
  taskId: string,
  end: RunEnd,
  options: OutcomeOptions,
): Transition {
  const run = state.runs.find((candidate) => candidate.taskId === taskId);
  if (run === undefined) return { state };
  const ended = record(run, end);
  const history = [...state.history, ended].slice(-options.historyLimit);
  const runs = state.runs.filter((candidate) => candidate !== run);
  if (end.status === 'success') {
    return {
      ended,
      state: {
        ...state,
        runs,
        history,
        successCount: state.successCount + 1,
        errorsSinceLastSuccess: 0,
        lastSuccessAt: end.at,
      },
    };
  }
  if (end.status === 'killed') return { ended, state: { ...state, runs, history } };
  if (run.attempt < job.retries) {
    const retry = newRun(
      job,
      { ...state, runs },
      {
        dueAt: run.dueAt,
        reason: run.reason,
        now: end.at,
        attempt: run.attempt + 1,
        arguments: run.arguments,
        notBefore: end.at + options.failureRetryMs,
      },
    );
    return { ended, retry, state: { ...state, runs: [...runs, retry], history } };
  }
  return {
    ended,
    failedForGood: ended,
    state: {
      ...state,
      runs,
      history,
      errorCount: state.errorCount + 1,
      errorsSinceLastSuccess: state.errorsSinceLastSuccess + 1,
      lastErrorAt: end.at,
    },
  };
}

/** What a task status means for its run. */
export interface StatusInput {
  readonly taskId: string;
  readonly state: TaskState;
  readonly at: number;
  readonly agentId?: string | undefined;
  readonly message?: string | undefined;
  readonly exitStatus?: number | undefined;
}

const FAILED_STATES: readonly TaskState[] = [
  'TASK_FAILED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
];

export function applyTaskStatus(
  job: ChronosJob,
  state: JobState,
  status: StatusInput,
  options: OutcomeOptions,
): Transition {
  const run = state.runs.find((candidate) => candidate.taskId === status.taskId);
  // An async run whose task has ended waits for its callback or its timeout, whatever
  // else is said of the task (a reconciliation answer that it is gone, for one).
  if (run === undefined || run.phase === 'awaiting-callback') return { state };
  const replace = (next: ActiveRun): Transition => ({
    state: {
      ...state,
      runs: state.runs.map((candidate) => (candidate === run ? next : candidate)),
    },
  });
  const agent = status.agentId === undefined ? {} : { agentId: status.agentId };
  const end = (runStatus: RunStatus) =>
    completeRun(
      job,
      state,
      run.taskId,
      { status: runStatus, at: status.at, exitStatus: status.exitStatus, message: status.message },
      options,
    );
  switch (status.state) {
    case 'TASK_STAGING':
    case 'TASK_STARTING':
      return replace({ ...run, ...agent, phase: 'launched' });
    case 'TASK_RUNNING':
      return replace({ ...run, ...agent, phase: 'running', startedAt: run.startedAt ?? status.at });
    case 'TASK_FINISHED':
      // An async job is done only when its task calls back; the task ending is not enough.
      if (job.async) return replace({ ...run, ...agent, phase: 'awaiting-callback' });
      return end('success');
    case 'TASK_KILLED':
    case 'TASK_KILLING':
      if (status.state === 'TASK_KILLING') return { state };
      return end(run.killRequested ? 'killed' : 'failure');
    default:
      if (FAILED_STATES.includes(status.state)) {
        // An async task that called back already is not failed by its exit.
        return end('failure');
      }
      return { state };
  }
}

/** PUT /scheduler/task/<taskId> {"statusCode": n}: 0 is success, anything else failure. */
export function applyCallback(
  job: ChronosJob,
  state: JobState,
  taskId: string,
  statusCode: number,
  at: number,
  options: OutcomeOptions,
): Transition {
  return completeRun(
    job,
    state,
    taskId,
    statusCode === 0
      ? { status: 'success', at }
      : { status: 'failure', at, message: `the task called back with statusCode ${statusCode}` },
    options,
  );
}

/** Marks a job's runs in flight as killed on request; the runtime sends the kills. */
export function requestKill(state: JobState): {
  state: JobState;
  kill: ActiveRun[];
  dropped: ActiveRun[];
} {
  // Queued runs and async runs whose task already ended have no task left to kill.
  const hasTask = (run: ActiveRun) => run.phase === 'launched' || run.phase === 'running';
  const kill = state.runs.filter(hasTask);
  const dropped = state.runs.filter((run) => !hasTask(run));
  return {
    kill,
    dropped,
    state: {
      ...state,
      runs: kill.map((run) => ({ ...run, killRequested: true })),
    },
  };
}
