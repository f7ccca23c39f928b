/**
 * The Thermos runner's decisions, as pure functions of (task, runner state, clock):
 * which processes to start, which to stop, and when the task changes state. The
 * runner loop (task-runner.ts) carries them out and reports back through the
 * `process*` transitions here. Semantics follow Thermos (core/runner.py, common/planner.py):
 *
 * - ACTIVE runs the regular (non-final) processes, in parallel up to max_concurrency
 *   (0: no limit), each once the processes its order constraints name have finished,
 *   and a restart only once min_duration seconds have passed since its last run ended;
 * - a process that fails is run again until it has failed max_failures times (0: without
 *   limit); an ephemeral process that reaches its limit counts as finished; a daemon
 *   process is run again when it succeeds too;
 * - the regular plan is complete when every non-ephemeral process has finished or failed;
 *   it is unhealthy once task.max_failures processes have failed (0: never), or when
 *   nothing can run any more; either ends ACTIVE;
 * - CLEANING sends SIGTERM to what still runs (ephemeral and daemon processes) and waits;
 *   FINALIZING then runs the final processes the same way. Both share finalization_wait,
 *   counted from the start of CLEANING; past it, what runs gets SIGKILL;
 * - the terminal state is KILLED (or LOST) when forced by a kill, else SUCCESS when the
 *   regular plan stayed healthy, else FAILED.
 */
import type { Process, Task } from '../job-config.js';
import { type Dependencies, dependenciesOf } from './process-order.js';
import {
  isTerminalTaskState,
  type ProcessPlan,
  type ProcessStatus,
  type RunnerState,
  type TaskState,
} from './runner-state.js';

export interface Decision {
  /** Processes to start now, in the task's order. */
  readonly start: readonly string[];
  /** Processes to ask to stop (SIGTERM). */
  readonly terminate: readonly string[];
  /** Processes to stop at once (SIGKILL). */
  readonly kill: readonly string[];
  /** The task's next state, when it changes. */
  readonly transition?: TaskState;
  /** When to decide again if nothing happens before (ms since the epoch). */
  readonly wakeAt?: number;
}

const NOTHING: Decision = { start: [], terminate: [], kill: [] };

export function initialRunnerState(taskId: string, task: Task, now: number): RunnerState {
  const plan: Record<string, ProcessPlan> = {};
  const processes: Record<string, ProcessStatus[]> = {};
  for (const process of task.processes) {
    plan[process.name] = { status: 'pending', successes: 0, failures: 0 };
    processes[process.name] = [];
  }
  return {
    task_id: taskId,
    task_state: 'ACTIVE',
    statuses: [{ state: 'ACTIVE', timestamp_ms: now }],
    processes,
    plan,
  };
}

const isRegular = (process: Process) => !process.final;
const isFinal = (process: Process) => process.final;

interface PlanView {
  readonly members: readonly Process[];
  readonly dependencies: Dependencies;
}

function planView(task: Task, inPlan: (process: Process) => boolean): PlanView {
  return { members: task.processes.filter(inPlan), dependencies: dependenciesOf(task, inPlan) };
}

function planOf(state: RunnerState, name: string): ProcessPlan {
  return state.plan[name] ?? { status: 'pending', successes: 0, failures: 0 };
}

/** Seconds-based min_duration as Thermos's TaskPlanner.get_wait: when it may run again. */
function readyAt(process: Process, plan: ProcessPlan): number {
  return plan.last_terminal === undefined ? 0 : plan.last_terminal + process.min_duration * 1000;
}

/** Pending processes whose predecessors have all finished (Planner.runnable). */
function candidates(view: PlanView, state: RunnerState): Process[] {
  return view.members.filter((process) => {
    if (planOf(state, process.name).status !== 'pending') return false;
    const before = view.dependencies.get(process.name) ?? new Set<string>();
    return [...before].every((name) => planOf(state, name).status === 'finished');
  });
}

function runningIn(view: PlanView, state: RunnerState): Process[] {
  return view.members.filter((process) => planOf(state, process.name).status === 'running');
}

/** TaskPlanner.is_complete: every process finished or failed, ephemeral ones aside. */
function isComplete(view: PlanView, state: RunnerState): boolean {
  return view.members.every((process) => {
    const status = planOf(state, process.name).status;
    return process.ephemeral || status === 'finished' || status === 'failed';
  });
}

/** Nothing runs, nothing can, and yet the plan is not complete (TaskRunner.deadlocked). */
function isDeadlocked(view: PlanView, state: RunnerState): boolean {
  // A process the runner killed stays "running" for Thermos's planner, so it is no deadlock.
  const active = view.members.some((process) => {
    const status = planOf(state, process.name).status;
    return status === 'running' || status === 'killed';
  });
  return !active && candidates(view, state).length === 0 && !isComplete(view, state);
}

function failedCount(view: PlanView, state: RunnerState): number {
  return view.members.filter((process) => planOf(state, process.name).status === 'failed').length;
}

/** TaskRunner.is_healthy: not deadlocked and under the task's max_failures. */
export function isHealthy(task: Task, state: RunnerState): boolean {
  const view = planView(task, isRegular);
  const under = task.max_failures === 0 || failedCount(view, state) < task.max_failures;
  return under && !isDeadlocked(view, state);
}

/** The processes of a plan to start now, bounded by max_concurrency, and the next wake-up. */
function schedule(task: Task, view: PlanView, state: RunnerState, now: number) {
  const ready: Process[] = [];
  let wakeAt: number | undefined;
  for (const process of candidates(view, state)) {
    const at = readyAt(process, planOf(state, process.name));
    if (at <= now) ready.push(process);
    else wakeAt = wakeAt === undefined ? at : Math.min(wakeAt, at);
  }
  const running = runningIn(view, state).length;
  const room =
    task.max_concurrency === 0 ? ready.length : Math.max(task.max_concurrency - running, 0);
  return { start: ready.slice(0, room).map((p) => p.name), wakeAt };
}

function finalizationDeadline(task: Task, state: RunnerState): number {
  return (state.finalization_start ?? 0) + task.finalization_wait * 1000;
}

/** Whatever has a live run, in any plan. */
function liveProcesses(state: RunnerState): ProcessStatus[] {
  return Object.values(state.processes).flatMap((runs) => {
    const last = runs.at(-1);
    return last !== undefined && (last.state === 'FORKED' || last.state === 'RUNNING')
      ? [last]
      : [];
  });
}

export function terminalState(task: Task, state: RunnerState): TaskState {
  if (state.forced_terminal !== undefined) return state.forced_terminal;
  return isHealthy(task, state) ? 'SUCCESS' : 'FAILED';
}

/** What the runner should do now. */
export function decide(task: Task, state: RunnerState, now: number): Decision {
  switch (state.task_state) {
    case 'ACTIVE': {
      const regular = planView(task, isRegular);
      if (isComplete(regular, state) || !isHealthy(task, state)) {
        return { ...NOTHING, transition: 'CLEANING' };
      }
      const { start, wakeAt } = schedule(task, regular, state, now);
      return { ...NOTHING, start, ...(wakeAt === undefined ? {} : { wakeAt }) };
    }
    case 'CLEANING': {
      const live = liveProcesses(state);
      const deadline = finalizationDeadline(task, state);
      if (live.length === 0) {
        return {
          ...NOTHING,
          transition: deadline > now ? 'FINALIZING' : terminalState(task, state),
        };
      }
      if (deadline <= now) return { ...NOTHING, kill: live.map((run) => run.process) };
      const terminate = live.filter((run) => run.terminated_at === undefined);
      return { ...NOTHING, terminate: terminate.map((run) => run.process), wakeAt: deadline };
    }
    case 'FINALIZING': {
      const live = liveProcesses(state);
      const deadline = finalizationDeadline(task, state);
      if (deadline <= now) {
        return live.length === 0
          ? { ...NOTHING, transition: terminalState(task, state) }
          : { ...NOTHING, kill: live.map((run) => run.process) };
      }
      const final = planView(task, isFinal);
      if (isComplete(final, state) || isDeadlocked(final, state)) {
        // Ephemeral final processes may still run: they go as the task ends.
        return live.length === 0
          ? { ...NOTHING, transition: terminalState(task, state) }
          : {
              ...NOTHING,
              terminate: live.filter((r) => r.terminated_at === undefined).map((r) => r.process),
              wakeAt: deadline,
            };
      }
      const { start, wakeAt } = schedule(task, final, state, now);
      return {
        ...NOTHING,
        start,
        wakeAt: wakeAt === undefined ? deadline : Math.min(wakeAt, deadline),
      };
    }
    default:
      return NOTHING;
  }
}

function withProcess(
  state: RunnerState,
  name: string,
  change: (runs: ProcessStatus[], plan: ProcessPlan) => [ProcessStatus[], ProcessPlan],
): RunnerState {
  const [runs, plan] = change([...(state.processes[name] ?? [])], { ...planOf(state, name) });
  return {
    ...state,
    processes: { ...state.processes, [name]: runs },
    plan: { ...state.plan, [name]: plan },
  };
}

/** The task enters `to`; entering CLEANING starts the finalization clock. */
export function taskTransition(state: RunnerState, to: TaskState, now: number): RunnerState {
  if (isTerminalTaskState(state.task_state)) return state;
  return {
    ...state,
    task_state: to,
    statuses: [...state.statuses, { state: to, timestamp_ms: now }],
    ...(to === 'CLEANING' && state.finalization_start === undefined
      ? { finalization_start: now }
      : {}),
  };
}

/** A kill of the whole task (SIGTERM to the runner): clean up, finalize, end KILLED. */
export function killRequested(state: RunnerState, now: number): RunnerState {
  if (isTerminalTaskState(state.task_state)) return state;
  const forced: RunnerState = { ...state, forced_terminal: 'KILLED' };
  return state.task_state === 'ACTIVE' ? taskTransition(forced, 'CLEANING', now) : forced;
}

/** A run of `name` was started with `pid`; its output goes to `.logs/<name>/<run>/`. */
export function processStarted(
  state: RunnerState,
  name: string,
  pid: number,
  now: number,
): RunnerState {
  return withProcess(state, name, (runs, plan) => [
    [...runs, { process: name, run: runs.length, state: 'RUNNING', pid, start_time: now }],
    { ...plan, status: 'running' },
  ]);
}

/** A run could not even be started (fork failed): a failure like any other. */
export function processStartFailed(
  task: Task,
  state: RunnerState,
  name: string,
  now: number,
): RunnerState {
  const started = withProcess(state, name, (runs, plan) => [
    [...runs, { process: name, run: runs.length, state: 'RUNNING', start_time: now }],
    { ...plan, status: 'running' },
  ]);
  return processExited(task, started, name, { code: 127, signal: null }, now);
}

/** The runner has asked the running `name` to stop. */
export function processTerminating(state: RunnerState, name: string, now: number): RunnerState {
  return withProcess(state, name, (runs, plan) => {
    const last = runs.at(-1);
    if (last === undefined || last.terminated_at !== undefined) return [runs, plan];
    return [[...runs.slice(0, -1), { ...last, terminated_at: now }], plan];
  });
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: string | null;
}

/**
 * The running `name` ended. A run the runner stopped is KILLED and counts for nothing;
 * otherwise exit 0 is a success (TaskPlanner.add_success) and anything else a failure
 * (add_failure), each deciding whether the process runs again.
 */
export function processExited(
  task: Task,
  state: RunnerState,
  name: string,
  exit: ExitStatus,
  now: number,
): RunnerState {
  const process = task.processes.find((p) => p.name === name);
  if (process === undefined) return state;
  return withProcess(state, name, (runs, plan) => {
    const last = runs.at(-1);
    if (last === undefined) return [runs, plan];
    const killed = last.terminated_at !== undefined;
    const succeeded = !killed && exit.code === 0;
    const ended: ProcessStatus = {
      ...last,
      state: killed ? 'KILLED' : succeeded ? 'SUCCESS' : 'FAILED',
      stop_time: now,
      ...(exit.code === null ? {} : { return_code: exit.code }),
      ...(exit.signal === null ? {} : { signal: exit.signal }),
    };
    const endedRuns = [...runs.slice(0, -1), ended];
    if (killed) return [endedRuns, { ...plan, status: 'killed' }];
    if (succeeded) {
      return [
        endedRuns,
        {
          ...plan,
          successes: plan.successes + 1,
          last_terminal: now,
          status: process.daemon ? 'pending' : 'finished',
        },
      ];
    }
    const failures = plan.failures + 1;
    const again = process.max_failures === 0 || failures < process.max_failures;
    return [
      endedRuns,
      {
        ...plan,
        failures,
        last_terminal: now,
        status: again ? 'pending' : process.ephemeral ? 'finished' : 'failed',
      },
    ];
  });
}
