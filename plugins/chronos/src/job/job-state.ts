/**
 * What the scheduler knows about each job besides its definition, persisted after every
 * change so that a restart (even after kill -9) neither repeats nor loses a run: the
 * counters Chronos reports, the schedule's cursor, the runs in flight and a bounded
 * history of finished runs.
 */
import { type Static, Type } from 'typebox';

const Opt = Type.Optional;

export const RunReason = Type.Enum(['schedule', 'dependency', 'manual']);
export type RunReason = Static<typeof RunReason>;

/**
 * queued: waiting for an offer (a retry not before `notBefore`); launched: sent to the
 * master; running; awaiting-callback: an async job's task ended, its callback has not come.
 */
export const RunPhase = Type.Enum(['queued', 'launched', 'running', 'awaiting-callback']);
export type RunPhase = Static<typeof RunPhase>;

export const ActiveRun = Type.Object({
  taskId: Type.String(),
  dueAt: Type.Number(),
  attempt: Type.Integer(),
  reason: RunReason,
  /** The arguments of this run (a manual run may override the job's). */
  arguments: Type.Array(Type.String()),
  phase: RunPhase,
  queuedAt: Type.Number(),
  notBefore: Opt(Type.Number()),
  launchedAt: Opt(Type.Number()),
  startedAt: Opt(Type.Number()),
  agentId: Opt(Type.String()),
  /** Set when DELETE /scheduler/task/kill asked for it: its end is no failure to retry. */
  killRequested: Opt(Type.Boolean()),
});
export type ActiveRun = Static<typeof ActiveRun>;

export const RunStatus = Type.Enum(['success', 'failure', 'killed']);
export type RunStatus = Static<typeof RunStatus>;

export const RunRecord = Type.Object({
  taskId: Type.String(),
  attempt: Type.Integer(),
  reason: RunReason,
  dueAt: Type.Number(),
  startedAt: Opt(Type.Number()),
  endedAt: Type.Number(),
  status: RunStatus,
  /** The task's exit status, when the agent reported one. */
  exitStatus: Opt(Type.Integer()),
  message: Opt(Type.String()),
  agentId: Opt(Type.String()),
});
export type RunRecord = Static<typeof RunRecord>;

export const ScheduleCursorSchema = Type.Object({
  dueAt: Type.Number(),
  remaining: Type.Union([Type.Integer(), Type.Null()]),
});

export const JobState = Type.Object({
  successCount: Type.Integer(),
  errorCount: Type.Integer(),
  errorsSinceLastSuccess: Type.Integer(),
  lastSuccessAt: Type.Union([Type.Number(), Type.Null()]),
  lastErrorAt: Type.Union([Type.Number(), Type.Null()]),
  /** A scheduled job's next run; absent for a dependent job. */
  cursor: Opt(ScheduleCursorSchema),
  /** When a dependent job was last started by its parents (or created): they must succeed after it. */
  lastTriggeredAt: Type.Union([Type.Number(), Type.Null()]),
  runs: Type.Array(ActiveRun),
  history: Type.Array(RunRecord),
});
export type JobState = Static<typeof JobState>;

export function freshJobState(): JobState {
  return {
    successCount: 0,
    errorCount: 0,
    errorsSinceLastSuccess: 0,
    lastSuccessAt: null,
    lastErrorAt: null,
    lastTriggeredAt: null,
    runs: [],
    history: [],
  };
}
