/**
 * Chronos's framework: a thin loop around the pure planner (scheduling/planner.ts) and
 * run transitions (scheduling/run-outcome.ts). It ticks when the next run is due,
 * persists every changed job state before it launches, acknowledges or answers
 * anything, launches ready runs from offers, follows status updates and async
 * callbacks, and reconciles with the master after every (re)subscription. Because a
 * run is written down (cursor advanced, task id chosen) before its task is launched, a
 * restart, even after kill -9, never starts a run twice; the master's answer to
 * reconciliation tells what became of it.
 */
import type { Offer, TaskInfo, TaskStatus } from '@mesolite/daemon/protocol/mesos';
import { isTerminal } from '@mesolite/daemon/protocol/mesos';
import type { SchedulerClient } from '@mesolite/daemon/scheduler/client';
import type { Logger } from 'pino';
import { JobHasChildrenError, UnknownJobError, UnknownTaskError } from '../errors.js';
import { childrenOf } from '../job/dependency-graph.js';
import type { JobSchedule } from '../job/job-schedule.js';
import { parseJobSchedule } from '../job/job-schedule.js';
import type { ChronosJob } from '../job/job-schema.js';
import { freshJobState, type JobState } from '../job/job-state.js';
import { type JobDefaults, type JobKind, parseJob } from '../job/parse-job.js';
import { parseChronosTaskId } from '../job/task-id.js';
import { buildTaskInfo, offerFits, type ResourceUse } from '../job/task-info.js';
import { type FailureWebhook, failureNotice } from '../notify/failure-webhook.js';
import { newRun, planTick, readyRuns, stateForDefinition } from '../scheduling/planner.js';
import {
  applyCallback,
  applyTaskStatus,
  completeRun,
  type OutcomeOptions,
  requestKill,
  type Transition,
} from '../scheduling/run-outcome.js';
import type { ChronosStore, StoredJob } from '../state/chronos-store.js';

export interface ChronosRuntimeOptions extends OutcomeOptions {
  readonly defaults: JobDefaults;
  readonly asyncTimeoutMs: number;
  /**
   * Where a task PUTs its result, and for an async one (`withToken`) the token that
   * lets it, good until its async timeout.
   */
  readonly callback: (taskId: string, withToken: boolean) => Promise<RunCallback>;
  readonly now?: () => number;
}

export interface RunCallback {
  readonly url: string;
  readonly token?: string | undefined;
}

export interface RuntimeJob {
  readonly job: ChronosJob;
  readonly schedule: JobSchedule | undefined;
  readonly state: JobState;
}

const RECONCILE_INTERVAL_MS = 60_000;
const RECONCILE_RETRIES_MS = [2000, 5000, 15_000];
/** The loop wakes at least this often, whatever is due. */
const MAX_SLEEP_MS = 1000;
const DECLINE_SECONDS_WITH_DEMAND = 1;
const DECLINE_SECONDS_IDLE = 120;

export class ChronosRuntime {
  readonly jobs = new Map<string, RuntimeJob>();
  private readonly now: () => number;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private readonly retryTimers: NodeJS.Timeout[] = [];
  private subscribed = false;
  private suppressed = false;
  private stopped = false;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly client: SchedulerClient,
    private readonly store: ChronosStore,
    private readonly webhook: FailureWebhook,
    private readonly options: ChronosRuntimeOptions,
    private readonly logger: Logger,
  ) {
    this.now = options.now ?? Date.now;
  }

  get frameworkId(): string | undefined {
    return this.client.frameworkId?.value;
  }

  /** Loads the stored jobs and subscribes, failing over to the stored framework id. */
  async start(frameworkName: string, stored: readonly StoredJob[]): Promise<void> {
    for (const { job, state } of stored) {
      const schedule =
        job.schedule === undefined
          ? undefined
          : parseJobSchedule(job.schedule, { now: this.now(), timeZone: job.scheduleTimeZone });
      this.jobs.set(job.name, { job, schedule, state });
    }
    this.listeners.push(
      this.client.on('subscribed', (info) => {
        this.subscribed = true;
        // The master may keep a failed-over framework suppressed: revive explicitly when
        // runs wait (a decline for lack of demand costs nothing).
        this.suppressed = true;
        void this.store.setFrameworkId(info.framework_id.value);
        void this.reconcile();
        // The master answers nothing for tasks on agents that have not re-registered
        // yet, so ask again soon: a run left "launched" by a crash holds its job back.
        for (const retry of this.retryTimers.splice(0)) clearTimeout(retry);
        for (const delay of RECONCILE_RETRIES_MS) {
          const retry = setTimeout(() => void this.reconcile(), delay);
          retry.unref();
          this.retryTimers.push(retry);
        }
        this.wake();
      }),
      this.client.on('disconnected', () => {
        this.subscribed = false;
      }),
      this.client.on('offers', (offers) => void this.handleOffers(offers)),
      this.client.on('update', (status) => this.handleUpdate(status)),
    );
    await this.client.subscribe(
      await this.store.frameworkInfo(frameworkName, [
        { type: 'PARTITION_AWARE' },
        { type: 'MULTI_ROLE' },
      ]),
    );
    this.reconcileTimer = setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.reconcileTimer);
    for (const retry of this.retryTimers.splice(0)) clearTimeout(retry);
    for (const off of this.listeners.splice(0)) off();
  }

  /** Runs `work` after every earlier change has been applied, so changes never interleave. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.chain.then(work);
    this.chain = result.catch(() => undefined);
    return result;
  }

  require(name: string): RuntimeJob {
    const entry = this.jobs.get(name);
    if (!entry) throw new UnknownJobError(name);
    return entry;
  }

  /** POST/PUT /scheduler/iso8601 and /scheduler/dependency: validates, stores, schedules. */
  putJob(body: unknown, kind: JobKind): Promise<ChronosJob> {
    return this.exclusive(async () => {
      const now = this.now();
      const { job, schedule } = parseJob(body, kind, {
        now,
        defaults: this.options.defaults,
        existing: new Map([...this.jobs].map(([name, entry]) => [name, entry.job])),
      });
      const previous = this.jobs.get(job.name)?.state ?? freshJobState();
      const state = stateForDefinition(schedule, previous, now);
      await this.store.putJob(job, state);
      this.jobs.set(job.name, { job, schedule, state });
      this.wake();
      return job;
    });
  }

  /** DELETE /scheduler/job/NAME: refuses while other jobs depend on it; kills its tasks. */
  removeJob(name: string): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.require(name);
      const children = childrenOf(
        [...this.jobs.values()].map((other) => other.job),
        name,
      );
      if (children.length > 0) throw new JobHasChildrenError(name, children);
      await this.store.removeJob(name);
      this.jobs.delete(name);
      for (const run of entry.state.runs) {
        if (run.agentId !== undefined && run.phase !== 'queued') {
          void this.sendKill(run.taskId, run.agentId);
        }
      }
    });
  }

  /** PUT /scheduler/job/NAME: a run now, outside the schedule (optionally other arguments). */
  runNow(name: string, args?: readonly string[]): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.require(name);
      const now = this.now();
      const run = newRun(entry.job, entry.state, {
        dueAt: now,
        reason: 'manual',
        now,
        ...(args === undefined ? {} : { arguments: args }),
      });
      await this.setStates(new Map([[name, { ...entry.state, runs: [...entry.state.runs, run] }]]));
      this.wake();
    });
  }

  /** DELETE /scheduler/task/kill/NAME: kills the job's tasks and drops its queued runs. */
  killTasks(name: string): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.require(name);
      const { state, kill } = requestKill(entry.state);
      await this.setStates(new Map([[name, state]]));
      for (const run of kill) {
        if (run.agentId !== undefined) void this.sendKill(run.taskId, run.agentId);
      }
    });
  }

  /** PUT /scheduler/task/TASK_ID {"statusCode": n}: an async task reports its end. */
  callback(taskId: string, statusCode: number): Promise<void> {
    return this.exclusive(async () => {
      const entry = this.entryOfTask(taskId);
      const run = entry?.state.runs.find((candidate) => candidate.taskId === taskId);
      if (!entry || !run) throw new UnknownTaskError(taskId);
      await this.apply(
        entry,
        applyCallback(entry.job, entry.state, taskId, statusCode, this.now(), this.options),
      );
      this.wake();
    });
  }

  private entryOfTask(taskId: string): RuntimeJob | undefined {
    const parts = parseChronosTaskId(taskId);
    return parts ? this.jobs.get(parts.jobName) : undefined;
  }

  private async setStates(states: ReadonlyMap<string, JobState>): Promise<void> {
    await this.store.putStates(states);
    for (const [name, state] of states) {
      const entry = this.jobs.get(name);
      if (entry) this.jobs.set(name, { ...entry, state });
    }
  }

  /** Persists a transition, then reports a run that failed for good. */
  private async apply(entry: RuntimeJob, transition: Transition): Promise<void> {
    if (transition.state === entry.state) return;
    await this.setStates(new Map([[entry.job.name, transition.state]]));
    if (transition.ended) {
      this.logger.info(
        { job: entry.job.name, taskId: transition.ended.taskId, status: transition.ended.status },
        'run ended',
      );
    }
    const failed = transition.failedForGood;
    if (failed && entry.job.failureWebhook !== undefined) {
      this.webhook.notify(entry.job.failureWebhook, failureNotice(entry.job, failed));
    }
  }

  /** Schedules the next tick for when something is due (at most MAX_SLEEP_MS away). */
  private wake(delayMs = 0): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.tick().catch((err: unknown) => {
        this.logger.error({ err }, 'a scheduler tick failed; retried on the next');
        this.wake(MAX_SLEEP_MS);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** One pass of the planner, carried out. */
  tick(): Promise<void> {
    return this.exclusive(async () => {
      const now = this.now();
      const plan = planTick([...this.jobs.values()], now, this.options);
      await this.setStates(plan.states);
      for (const skipped of plan.skipped) {
        this.logger.warn(skipped, 'runs missed by more than epsilon were skipped');
      }
      for (const timeout of plan.timedOut) {
        const entry = this.jobs.get(timeout.job);
        const run = entry?.state.runs.find((candidate) => candidate.taskId === timeout.taskId);
        if (!entry || !run) continue;
        await this.apply(
          entry,
          completeRun(
            entry.job,
            entry.state,
            run.taskId,
            { status: 'failure', at: now, message: 'the async task did not call back in time' },
            this.options,
          ),
        );
        if (run.agentId !== undefined && run.phase === 'running') {
          void this.sendKill(run.taskId, run.agentId);
        }
      }
      await this.adjustOffers(plan.ready.length > 0);
      this.wake(Math.max(10, Math.min(MAX_SLEEP_MS, this.nextEventAt() - this.now())));
    });
  }

  /** The earliest moment the planner has something to do. */
  private nextEventAt(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const { job, state } of this.jobs.values()) {
      if (state.cursor && state.cursor.remaining !== 0) next = Math.min(next, state.cursor.dueAt);
      for (const run of state.runs) {
        if (run.notBefore !== undefined) next = Math.min(next, run.notBefore);
        if (job.async && run.launchedAt !== undefined) {
          next = Math.min(next, run.launchedAt + this.options.asyncTimeoutMs);
        }
      }
    }
    return next;
  }

  private async adjustOffers(wantOffers: boolean): Promise<void> {
    if (!this.subscribed) return;
    try {
      if (wantOffers && this.suppressed) {
        this.suppressed = false;
        await this.client.revive();
      } else if (!wantOffers && !this.suppressed) {
        this.suppressed = true;
        await this.client.suppress();
      }
    } catch (err) {
      this.logger.warn({ err }, 'revive/suppress failed');
    }
  }

  private handleOffers(offers: readonly Offer[]): Promise<void> {
    return this.exclusive(async () => {
      const now = this.now();
      let pending = readyRuns([...this.jobs.values()], now);
      for (const offer of offers) {
        const used: ResourceUse = { cpus: 0, mem: 0, disk: 0 };
        const tasks: TaskInfo[] = [];
        const changed = new Map<string, JobState>();
        const left: typeof pending = [];
        for (const candidate of pending) {
          const entry = this.jobs.get(candidate.job);
          if (!entry) continue;
          if (!offerFits(entry.job, offer, used)) {
            left.push(candidate);
            continue;
          }
          let callback: RunCallback;
          try {
            callback = await this.options.callback(candidate.run.taskId, entry.job.async);
          } catch (err) {
            this.logger.warn(
              { err, taskId: candidate.run.taskId },
              'no callback for the task yet; it waits for the next offer',
            );
            left.push(candidate);
            continue;
          }
          used.cpus += entry.job.cpus;
          used.mem += entry.job.mem;
          used.disk += entry.job.disk;
          tasks.push(
            buildTaskInfo({
              job: entry.job,
              run: candidate.run,
              offer,
              callbackUrl: callback.url,
              callbackToken: callback.token,
            }),
          );
          const state = changed.get(candidate.job) ?? entry.state;
          changed.set(candidate.job, {
            ...state,
            runs: state.runs.map((run) =>
              run.taskId === candidate.run.taskId
                ? {
                    ...run,
                    phase: 'launched' as const,
                    launchedAt: now,
                    agentId: offer.agent_id.value,
                  }
                : run,
            ),
          });
        }
        pending = left;
        try {
          if (tasks.length > 0) {
            // Written down before the launch: after a crash, reconciliation finds these.
            await this.setStates(changed);
            await this.client.accept(
              [offer.id],
              [{ type: 'LAUNCH', launch: { task_infos: tasks } }],
              { refuse_seconds: 1 },
            );
          } else {
            await this.client.decline([offer.id], {
              refuse_seconds:
                pending.length > 0 ? DECLINE_SECONDS_WITH_DEMAND : DECLINE_SECONDS_IDLE,
            });
          }
        } catch (err) {
          this.logger.warn({ err, offerId: offer.id.value }, 'answering an offer failed');
        }
      }
      if (pending.length === 0) this.wake();
    });
  }

  /**
   * An update is recorded before the client acknowledges it (the client is created with
   * autoAcknowledge, which acknowledges once this promise resolves): a crash in between
   * makes the master send it again, and a failure leaves it unacknowledged.
   */
  private async handleUpdate(status: TaskStatus): Promise<void> {
    await this.exclusive(() => this.applyUpdate(status));
    this.wake();
  }

  private async applyUpdate(status: TaskStatus): Promise<void> {
    const taskId = status.task_id.value;
    const entry = this.entryOfTask(taskId);
    if (!entry) {
      // A task of a job that was deleted: make sure it goes.
      if (!isTerminal(status.state) && status.agent_id) {
        await this.client.kill(status.task_id, status.agent_id).catch(() => undefined);
      }
      return;
    }
    // An async task that called back already may still be finishing: it is left alone.
    await this.apply(
      entry,
      applyTaskStatus(
        entry.job,
        entry.state,
        {
          taskId,
          state: status.state,
          at: this.now(),
          agentId: status.agent_id?.value,
          message: status.message,
          exitStatus: exitStatusOf(status),
        },
        this.options,
      ),
    );
  }

  /** Asks the master about every task in flight, and about every task it has for us. */
  async reconcile(): Promise<void> {
    if (!this.subscribed) return;
    const known = [...this.jobs.values()].flatMap(({ state }) =>
      state.runs
        .filter((run) => (run.phase === 'launched' || run.phase === 'running') && run.agentId)
        .map((run) => ({
          task_id: { value: run.taskId },
          agent_id: { value: run.agentId ?? '' },
        })),
    );
    try {
      if (known.length > 0) await this.client.reconcile(known);
      await this.client.reconcile([]);
    } catch (err) {
      this.logger.warn({ err }, 'reconciliation failed; retried later');
    }
  }

  private async sendKill(taskId: string, agentId: string): Promise<void> {
    await this.client
      .kill({ value: taskId }, { value: agentId })
      .catch((err: unknown) => this.logger.warn({ err, taskId }, 'kill failed'));
  }
}

/** Mesos's command executor says "Command exited with status N"; a finished task exited 0. */
function exitStatusOf(status: TaskStatus): number | undefined {
  if (status.state === 'TASK_FINISHED') return 0;
  const match = /exited with status (\d+)/.exec(status.message ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
