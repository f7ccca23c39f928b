/**
 * What the runner checkpoints into the sandbox (`.thermos/state.json`) after every
 * change, named as Thermos's RunnerState (thermos.thrift): the task's state history,
 * and for each process the list of its runs with their states, pids, times and exit
 * codes. The scheduler's API reads it to show a task's processes.
 *
 * `plan` holds the planner's bookkeeping (TaskPlanner in thermos/common/planner.py):
 * where each process stands and how often it succeeded or failed.
 */
import { type Static, Type } from 'typebox';

export const TaskState = Type.Union([
  Type.Literal('ACTIVE'),
  Type.Literal('CLEANING'),
  Type.Literal('FINALIZING'),
  Type.Literal('SUCCESS'),
  Type.Literal('FAILED'),
  Type.Literal('KILLED'),
  Type.Literal('LOST'),
]);
export type TaskState = Static<typeof TaskState>;

export const ProcessState = Type.Union([
  Type.Literal('WAITING'),
  Type.Literal('FORKED'),
  Type.Literal('RUNNING'),
  Type.Literal('SUCCESS'),
  Type.Literal('KILLED'),
  Type.Literal('FAILED'),
  Type.Literal('LOST'),
]);
export type ProcessState = Static<typeof ProcessState>;

/** One run of a process. Times are milliseconds since the epoch. */
export const ProcessStatus = Type.Object({
  process: Type.String(),
  /** 0 for the first run; also the run's log folder, `.logs/<process>/<run>/`. */
  run: Type.Integer({ minimum: 0 }),
  state: ProcessState,
  pid: Type.Optional(Type.Integer()),
  start_time: Type.Optional(Type.Number()),
  stop_time: Type.Optional(Type.Number()),
  return_code: Type.Optional(Type.Integer()),
  /** The signal that ended it, when one did. */
  signal: Type.Optional(Type.String()),
  /** Set once the runner has asked the process to stop: its end is then a kill. */
  terminated_at: Type.Optional(Type.Number()),
});
export type ProcessStatus = Static<typeof ProcessStatus>;

/**
 * Where a process stands in its plan. `pending` may run once its order constraints and
 * min_duration allow; `killed` was stopped by the runner and never runs again.
 */
export const PlanStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('finished'),
  Type.Literal('failed'),
  Type.Literal('killed'),
]);
export type PlanStatus = Static<typeof PlanStatus>;

export const ProcessPlan = Type.Object({
  status: PlanStatus,
  successes: Type.Integer({ minimum: 0 }),
  failures: Type.Integer({ minimum: 0 }),
  last_terminal: Type.Optional(Type.Number()),
});
export type ProcessPlan = Static<typeof ProcessPlan>;

export const RunnerState = Type.Object({
  task_id: Type.String(),
  task_state: TaskState,
  statuses: Type.Array(Type.Object({ state: TaskState, timestamp_ms: Type.Number() })),
  processes: Type.Record(Type.String(), Type.Array(ProcessStatus)),
  plan: Type.Record(Type.String(), ProcessPlan),
  /** When cleaning began: finalization_wait counts from here. */
  finalization_start: Type.Optional(Type.Number()),
  /** The terminal state a kill forces, whatever the processes did. */
  forced_terminal: Type.Optional(Type.Union([Type.Literal('KILLED'), Type.Literal('LOST')])),
});
export type RunnerState = Static<typeof RunnerState>;

export const CHECKPOINT_PATH = '.thermos/state.json';
export const LOG_DIR = '.logs';

export function isTerminalTaskState(state: TaskState): boolean {
  return state === 'SUCCESS' || state === 'FAILED' || state === 'KILLED' || state === 'LOST';
}
