/**
 * The Thermos runner's loop: it carries out the planner's decisions on real processes
 * in the sandbox. Each run starts through the task's launcher (process-launcher.ts) in
 * a process group of its own (so a stop reaches whatever it started), with its output in `.logs/<process>/<run>/stdout` and
 * `stderr`; every change of state is checkpointed to `.thermos/state.json` (written
 * whole and renamed into place, so a reader never sees half of it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Task } from '../job-config.js';
import {
  decide,
  type ExitStatus,
  initialRunnerState,
  killRequested,
  processExited,
  processStarted,
  processStartFailed,
  processTerminating,
  taskTransition,
} from './planner.js';
import { bashLauncher, type ProcessLauncher } from './process-launcher.js';
import {
  CHECKPOINT_PATH,
  isTerminalTaskState,
  LOG_DIR,
  type RunnerState,
  type TaskState,
} from './runner-state.js';

export interface TaskRunnerOptions {
  readonly taskId: string;
  readonly task: Task;
  readonly sandbox: string;
  /** The environment every process gets. */
  readonly env?: NodeJS.ProcessEnv;
  /** How a run is started; bash on the host by default. */
  readonly launcher?: ProcessLauncher;
  readonly clock?: () => number;
  /** One structured line per event. */
  readonly log?: (event: Record<string, unknown>) => void;
}

export class TaskRunner {
  private state: RunnerState;
  private readonly children = new Map<string, ChildProcess>();
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private finish: ((state: TaskState) => void) | undefined;
  private readonly finished: Promise<TaskState>;

  constructor(private readonly options: TaskRunnerOptions) {
    this.clock = options.clock ?? Date.now;
    this.state = initialRunnerState(options.taskId, options.task, this.clock());
    this.finished = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  get current(): RunnerState {
    return this.state;
  }

  /** Runs the task to its terminal state. */
  run(): Promise<TaskState> {
    this.checkpoint();
    this.step();
    return this.finished;
  }

  /** Stops the task as Thermos does on a kill: clean up, run the final processes, end KILLED. */
  kill(): void {
    this.update(killRequested(this.state, this.clock()));
    this.step();
  }

  private log(event: Record<string, unknown>): void {
    this.options.log?.({ time: this.clock(), task_id: this.options.taskId, ...event });
  }

  private update(next: RunnerState): void {
    if (next === this.state) return;
    if (next.task_state !== this.state.task_state) {
      this.log({ msg: 'task state', state: next.task_state });
    }
    this.state = next;
    this.checkpoint();
  }

  private checkpoint(): void {
    const path = join(this.options.sandbox, CHECKPOINT_PATH);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify(this.state));
    renameSync(`${path}.tmp`, path);
  }

  private step(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const { task } = this.options;
    for (;;) {
      const now = this.clock();
      const decision = decide(task, this.state, now);
      if (decision.transition !== undefined) {
        this.update(taskTransition(this.state, decision.transition, now));
        if (isTerminalTaskState(this.state.task_state)) {
          this.finish?.(this.state.task_state);
          return;
        }
        continue;
      }
      for (const name of decision.start) this.start(name);
      for (const name of decision.terminate) this.signal(name, 'SIGTERM');
      for (const name of decision.kill) this.signal(name, 'SIGKILL');
      if (decision.wakeAt !== undefined) {
        const delay = Math.max(decision.wakeAt - now, 0);
        this.timer = setTimeout(() => this.step(), delay);
      }
      return;
    }
  }

  private start(name: string): void {
    const { task, sandbox } = this.options;
    const process = task.processes.find((p) => p.name === name);
    if (process === undefined) return;
    const run = this.state.processes[name]?.length ?? 0;
    const logDir = join(sandbox, LOG_DIR, name, String(run));
    let child: ChildProcess;
    try {
      mkdirSync(logDir, { recursive: true });
      const stdout = openSync(join(logDir, 'stdout'), 'a');
      const stderr = openSync(join(logDir, 'stderr'), 'a');
      try {
        // A group of its own lets a stop reach the whole tree the command started.
        const command = (this.options.launcher ?? bashLauncher).command(process, run);
        child = spawn(command.file, [...command.args], {
          cwd: sandbox,
          env: this.options.env ?? {},
          detached: true,
          stdio: ['ignore', stdout, stderr],
        });
      } finally {
        closeSync(stdout);
        closeSync(stderr);
      }
    } catch (err) {
      this.log({ msg: 'could not start process', process: name, err: String(err) });
      this.startFailed(name);
      return;
    }
    if (child.pid === undefined) {
      child.once('error', () => undefined);
      this.log({ msg: 'could not start process', process: name });
      this.startFailed(name);
      return;
    }
    this.children.set(name, child);
    this.update(processStarted(this.state, name, child.pid, this.clock()));
    this.log({ msg: 'process started', process: name, run, pid: child.pid });
    child.once('exit', (code, signal) => this.exited(name, child, { code, signal }));
  }

  private startFailed(name: string): void {
    this.update(processStartFailed(this.options.task, this.state, name, this.clock()));
    // Decided again on the next turn, not from inside this step.
    setImmediate(() => this.step());
  }

  private exited(name: string, child: ChildProcess, exit: ExitStatus): void {
    if (this.children.get(name) !== child) return;
    this.children.delete(name);
    // Whatever the process left behind in its group goes with it, as Thermos kills the
    // process tree of a process that ended.
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    this.update(processExited(this.options.task, this.state, name, exit, this.clock()));
    this.log({ msg: 'process ended', process: name, code: exit.code, signal: exit.signal });
    this.step();
  }

  private signal(name: string, signal: NodeJS.Signals): void {
    const child = this.children.get(name);
    if (child?.pid === undefined) return;
    this.update(processTerminating(this.state, name, this.clock()));
    signalGroup(child.pid, signal);
    const process = this.options.task.processes.find((p) => p.name === name);
    const run = (this.state.processes[name]?.length ?? 1) - 1;
    if (signal === 'SIGKILL' && process !== undefined) {
      (this.options.launcher ?? bashLauncher).forceKill(process, run);
    }
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
