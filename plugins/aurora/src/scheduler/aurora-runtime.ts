/**
 * Aurora's scheduler as a mesolite framework. The decisions are pure (reconcile.ts,
 * updates/update-step.ts, cron/cron-run.ts, offer-fit.ts); this class carries them out
 * through the v1 scheduler API: it keeps jobs, tasks and updates in memory and in the
 * store (written before anything is launched or acknowledged), launches PENDING tasks
 * from offers, kills what must go, follows status updates, and reconciles with the
 * master after every subscription so a restarted daemon finds its tasks again.
 *
 * Every change runs through one queue (`serially`), so a tick, an offer, a status update
 * and an API call never interleave half-done.
 */
import type { Offer, Resource, TaskInfo, TaskStatus } from '@mesolite/daemon/protocol/mesos';
import { isTerminal } from '@mesolite/daemon/protocol/mesos';
import type { SchedulerClient } from '@mesolite/daemon/scheduler/client';
import type { Logger } from 'pino';
import { cronDue, startCronRun } from '../cron/cron-run.js';
import type { AuroraStore } from '../state/aurora-store.js';
import {
  isActiveTask,
  isActiveUpdate,
  type JobRecord,
  type ScheduleStatus,
  type TaskRecord,
  type UpdateRecord,
} from '../state/records.js';
import { portNames } from '../thermos/launch-templates.js';
import { updateStep } from '../updates/update-step.js';
import { agentAttributes, constraintProblem } from './constraints.js';
import { healthPortName } from './health-check.js';
import { fitTask } from './offer-fit.js';
import { createdAt, reconcileJob } from './reconcile.js';
import { AURORA_PENALTIES, type PenaltySettings } from './reschedule-penalty.js';
import { scheduleStatus } from './status-mapping.js';
import { buildTaskInfo, newTaskId, type ThermosPrograms } from './task-info.js';

const TICK_MS = 1000;
const RECONCILE_INTERVAL_MS = 60_000;
/** Terminal tasks kept per instance, for `job status` and the UI. */
const KEPT_TERMINAL_TASKS = 5;

export interface RuntimeOptions {
  /** The artifact URIs of the runner and HTTP check every task fetches. */
  readonly programs: ThermosPrograms;
  readonly now?: () => number;
  readonly penalties?: PenaltySettings;
}

export class AuroraRuntime {
  readonly jobs = new Map<string, JobRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly updates = new Map<string, UpdateRecord>();
  private readonly now: () => number;
  private readonly penalties: PenaltySettings;
  private readonly programs: ThermosPrograms;
  private queue: Promise<unknown> = Promise.resolve();
  private tickTimer: NodeJS.Timeout | undefined;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private subscribed = false;
  private suppressed = false;
  private readonly listeners: Array<() => void> = [];
  private readonly changeListeners = new Set<(jobKey: string) => void>();

  constructor(
    private readonly client: SchedulerClient,
    private readonly store: AuroraStore,
    private readonly logger: Logger,
    options: RuntimeOptions,
  ) {
    this.programs = options.programs;
    this.now = options.now ?? Date.now;
    this.penalties = options.penalties ?? AURORA_PENALTIES;
  }

  clock(): number {
    return this.now();
  }

  /** Runs `work` after everything queued before it; its errors reach the caller only. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async start(frameworkName: string): Promise<void> {
    for (const job of await this.store.jobs()) this.jobs.set(job.key, job);
    for (const task of await this.store.tasks()) this.tasks.set(task.taskId, task);
    for (const update of await this.store.updates()) this.updates.set(update.id, update);
    this.listeners.push(
      this.client.on('subscribed', (info) => {
        this.subscribed = true;
        this.suppressed = false;
        void this.store.setFrameworkId(info.framework_id.value);
        void this.reconcile();
      }),
      this.client.on('disconnected', () => {
        this.subscribed = false;
      }),
      this.client.on('offers', (offers) => {
        void this.serially(() => this.handleOffers(offers)).catch((err: unknown) =>
          this.logger.error({ err }, 'could not answer offers'),
        );
      }),
      this.client.on('update', (status) => this.handleUpdate(status)),
    );
    await this.client.subscribe(
      await this.store.frameworkInfo(frameworkName, [
        { type: 'TASK_KILLING_STATE' },
        { type: 'MULTI_ROLE' },
      ]),
    );
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.tickTimer.unref();
    this.reconcileTimer = setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
    this.tick();
  }

  stop(): void {
    clearInterval(this.tickTimer);
    clearInterval(this.reconcileTimer);
    for (const off of this.listeners.splice(0)) off();
  }

  /** Calls `listener` with the key of each job whose tasks, record or update changed. */
  onChange(listener: (jobKey: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  notify(jobKeys: Iterable<string>): void {
    for (const key of new Set(jobKeys)) {
      for (const listener of this.changeListeners) listener(key);
    }
  }

  tasksOf(jobKey: string): TaskRecord[] {
    return [...this.tasks.values()]
      .filter((task) => task.jobKey === jobKey)
      .sort((a, b) => a.instance - b.instance || createdAt(a) - createdAt(b));
  }

  activeUpdateOf(jobKey: string): UpdateRecord | undefined {
    return [...this.updates.values()].find(
      (update) => update.jobKey === jobKey && isActiveUpdate(update),
    );
  }

  /** Whether tasks of this configuration version are health-checked (updates wait for health). */
  healthChecked(job: JobRecord, version: string): boolean {
    const config = job.configs[version];
    if (config === undefined) return false;
    const checker = config.health_check_config.health_checker;
    if (checker.shell !== undefined) return true;
    if (checker.http === undefined) return false;
    const names = Object.fromEntries(portNames(config.task).map((name) => [name, 0]));
    return healthPortName(names) !== undefined;
  }

  /** Schedules a tick: cron, updates and keep-alive decisions, then launches and kills. */
  tick(): void {
    void this.serially(() => this.decide()).catch((err: unknown) =>
      this.logger.error({ err }, 'the scheduling tick failed'),
    );
  }

  private async decide(): Promise<void> {
    const now = this.now();
    const changedTasks: TaskRecord[] = [];
    const kills: TaskRecord[] = [];
    const changedJobs: string[] = [];
    for (const job of [...this.jobs.values()]) {
      let current = job;
      if (cronDue(current, now)) {
        const run = startCronRun(current, this.tasksOf(current.key), now);
        this.logger.info({ job: current.key, outcome: run.outcome }, 'cron run');
        current = run.job;
      }
      const update = this.activeUpdateOf(current.key);
      if (update !== undefined) {
        const step = updateStep(update, {
          tasks: this.tasksOf(current.key),
          healthChecked: (version) => this.healthChecked(current, version),
          now,
        });
        current = applyTargets(current, step.targets);
        if (step.update.status === 'ROLLED_FORWARD') {
          current = { ...current, version: step.update.toVersion };
        }
        if (step.update !== update) {
          this.updates.set(step.update.id, step.update);
          await this.store.putUpdate(step.update);
        }
        if (!isActiveUpdate(step.update))
          current = pruneConfigs(current, this.tasksOf(current.key));
      }
      if (current !== job) {
        this.jobs.set(current.key, current);
        await this.store.putJob(current);
        changedJobs.push(current.key);
      }
      const decision = reconcileJob(current, this.tasksOf(current.key), now, this.penalties);
      for (const created of decision.create) {
        const config = current.configs[created.target.version];
        if (config === undefined) continue;
        const throttled = created.notBefore > now;
        const status: ScheduleStatus = throttled ? 'THROTTLED' : 'PENDING';
        const task: TaskRecord = {
          taskId: newTaskId(config, created.instance, now),
          jobKey: current.key,
          instance: created.instance,
          version: created.target.version,
          generation: created.target.generation,
          status,
          events: [{ status, timestamp: now }],
          notBefore: created.notBefore,
          penaltyMs: created.penaltyMs,
          failureCount: created.failureCount,
          ports: {},
        };
        this.tasks.set(task.taskId, task);
        changedTasks.push(task);
      }
      for (const taskId of decision.kill) {
        const task = this.tasks.get(taskId);
        if (task !== undefined) kills.push(task);
      }
    }
    for (const task of this.tasks.values()) {
      if (task.status !== 'PENDING' && task.status !== 'THROTTLED') continue;
      // Waiting tasks of a job that is gone (a descheduled cron job) are never launched.
      if (!this.jobs.has(task.jobKey)) kills.push(task);
      else if (task.status === 'THROTTLED' && task.notBefore <= now) {
        changedTasks.push(transition(task, 'PENDING', now));
      }
    }
    for (const task of kills) changedTasks.push(this.markKilling(task, now));
    for (const task of changedTasks) this.tasks.set(task.taskId, task);
    if (changedTasks.length > 0) await this.store.putTasks(changedTasks);
    for (const task of kills) await this.sendKill(this.tasks.get(task.taskId) ?? task);
    await this.pruneTasks();
    await this.adjustOffers();
    this.notify([...changedJobs, ...changedTasks.map((task) => task.jobKey)]);
  }

  /** A task not yet launched just ends KILLED; a launched one is asked to stop. */
  private markKilling(task: TaskRecord, now: number): TaskRecord {
    if (task.agentId === undefined) {
      return {
        ...transition(task, 'KILLED', now, 'killed before it was launched'),
        killing: true,
        endedAt: now,
      };
    }
    return { ...transition(task, 'KILLING', now), killing: true };
  }

  private async sendKill(task: TaskRecord): Promise<void> {
    if (task.agentId === undefined || !isActiveTask(task)) return;
    await this.client
      .kill({ value: task.taskId }, { value: task.agentId })
      .catch((err: unknown) =>
        this.logger.warn({ err, taskId: task.taskId }, 'kill failed; sent again on reconciliation'),
      );
  }

  /** Kills tasks now, for the API (kill, killall). */
  async killTasks(tasks: readonly TaskRecord[]): Promise<void> {
    const now = this.now();
    const marked = tasks.filter(isActiveTask).map((task) => this.markKilling(task, now));
    for (const task of marked) this.tasks.set(task.taskId, task);
    if (marked.length > 0) await this.store.putTasks(marked);
    for (const task of marked) await this.sendKill(task);
    this.notify(marked.map((task) => task.jobKey));
  }

  private async pruneTasks(): Promise<void> {
    const byInstance = new Map<string, TaskRecord[]>();
    for (const task of this.tasks.values()) {
      if (isActiveTask(task)) continue;
      const key = `${task.jobKey}#${task.instance}`;
      byInstance.set(key, [...(byInstance.get(key) ?? []), task]);
    }
    const gone: string[] = [];
    for (const list of byInstance.values()) {
      list.sort((a, b) => createdAt(a) - createdAt(b));
      for (const task of list.slice(0, Math.max(list.length - KEPT_TERMINAL_TASKS, 0))) {
        gone.push(task.taskId);
      }
    }
    if (gone.length === 0) return;
    for (const id of gone) this.tasks.delete(id);
    await this.store.removeTasks(gone);
  }

  private async adjustOffers(): Promise<void> {
    if (!this.subscribed) return;
    const want = [...this.tasks.values()].some(
      (task) => task.status === 'PENDING' || task.status === 'THROTTLED',
    );
    try {
      if (want && this.suppressed) {
        this.suppressed = false;
        await this.client.revive();
      } else if (!want && !this.suppressed) {
        this.suppressed = true;
        await this.client.suppress();
      }
    } catch (err) {
      this.logger.warn({ err }, 'revive/suppress failed');
    }
  }

  async reconcile(): Promise<void> {
    if (!this.subscribed) return;
    const known = [...this.tasks.values()]
      .filter((task) => isActiveTask(task) && task.agentId !== undefined)
      .map((task) => ({
        task_id: { value: task.taskId },
        agent_id: { value: task.agentId ?? '' },
      }));
    try {
      if (known.length > 0) await this.client.reconcile(known);
      await this.client.reconcile([]);
    } catch (err) {
      this.logger.warn({ err }, 'reconciliation failed; retried later');
    }
  }

  private async handleOffers(offers: readonly Offer[]): Promise<void> {
    const now = this.now();
    for (const offer of offers) {
      const launches: TaskInfo[] = [];
      let remaining: readonly Resource[] = offer.resources;
      const pending = [...this.tasks.values()]
        .filter((task) => task.status === 'PENDING' && task.notBefore <= now)
        .sort((a, b) => createdAt(a) - createdAt(b));
      const launched: TaskRecord[] = [];
      const attributes = agentAttributes(offer.hostname, offer.attributes);
      for (const task of pending) {
        const config = this.jobs.get(task.jobKey)?.configs[task.version];
        if (config === undefined) continue;
        const placed = [...this.tasksOf(task.jobKey), ...launched]
          .filter((other) => other.jobKey === task.jobKey && isActiveTask(other))
          .flatMap((other) => (other.attributes === undefined ? [] : [other.attributes]));
        if (constraintProblem(config.constraints, attributes, placed) !== undefined) continue;
        const fit = fitTask(remaining, config.task.resources, portNames(config.task));
        if (fit === undefined) continue;
        try {
          launches.push(
            buildTaskInfo({
              job: config,
              taskId: task.taskId,
              instance: task.instance,
              offer,
              ports: fit.ports,
              programs: this.programs,
            }),
          );
        } catch (err) {
          const failed = {
            ...transition(task, 'FAILED', now, err instanceof Error ? err.message : String(err)),
            endedAt: now,
          };
          this.tasks.set(task.taskId, failed);
          await this.store.putTasks([failed]);
          continue;
        }
        remaining = fit.remaining;
        launched.push({
          ...transition(task, 'ASSIGNED', now),
          agentId: offer.agent_id.value,
          host: offer.hostname,
          attributes,
          ports: { ...fit.ports },
        });
      }
      for (const task of launched) this.tasks.set(task.taskId, task);
      if (launched.length > 0) await this.store.putTasks(launched);
      this.notify(launched.map((task) => task.jobKey));
      try {
        if (launches.length > 0) {
          await this.client.accept(
            [offer.id],
            [{ type: 'LAUNCH', launch: { task_infos: launches } }],
            {
              refuse_seconds: 1,
            },
          );
        } else {
          await this.client.decline([offer.id], { refuse_seconds: 5 });
        }
      } catch (err) {
        this.logger.warn({ err, offerId: offer.id.value }, 'answering an offer failed');
      }
    }
  }

  /**
   * An update is recorded before the client acknowledges it (the client is created with
   * autoAcknowledge, which acknowledges once this promise resolves): a crash in between
   * makes the master send it again, and a failure leaves it unacknowledged.
   */
  private async handleUpdate(status: TaskStatus): Promise<void> {
    await this.serially(() => this.applyUpdate(status));
    this.tick();
  }

  /** Records an update; persisted before it is acknowledged. */
  private async applyUpdate(status: TaskStatus): Promise<void> {
    const task = this.tasks.get(status.task_id.value);
    if (task === undefined) {
      // A task this scheduler does not know (forgotten while down): make sure it goes.
      if (!isTerminal(status.state) && status.agent_id) {
        await this.client.kill(status.task_id, status.agent_id).catch(() => undefined);
      }
      return;
    }
    if (!isActiveTask(task)) return;
    const now = this.now();
    const next = scheduleStatus(status.state);
    // While a kill is under way, only its end is news.
    const shown: ScheduleStatus =
      task.killing === true && isActiveTaskStatus(next) ? 'KILLING' : next;
    let updated: TaskRecord =
      shown === task.status ? task : transition(task, shown, now, status.message);
    if (next === 'RUNNING' && updated.startedAt === undefined)
      updated = { ...updated, startedAt: now };
    if (status.healthy !== undefined) updated = { ...updated, healthy: status.healthy };
    if (!isActiveTaskStatus(next)) updated = { ...updated, endedAt: now };
    if (status.message !== undefined) updated = { ...updated, message: status.message };
    this.tasks.set(updated.taskId, updated);
    await this.store.putTasks([updated]);
    this.notify([updated.jobKey]);
    // Reconciliation finds a task still alive that was to be killed: the kill was lost.
    if (
      task.killing === true &&
      isActiveTaskStatus(next) &&
      status.reason === 'REASON_RECONCILIATION'
    ) {
      await this.sendKill(updated);
    }
  }
}

function isActiveTaskStatus(status: ScheduleStatus): boolean {
  return isActiveTask({ status });
}

function transition(
  task: TaskRecord,
  status: ScheduleStatus,
  now: number,
  message?: string,
): TaskRecord {
  return {
    ...task,
    status,
    events: [
      ...task.events,
      { status, timestamp: now, ...(message === undefined ? {} : { message }) },
    ],
  };
}

function applyTargets(
  job: JobRecord,
  targets: Readonly<Record<string, JobRecord['instances'][string] | null>>,
): JobRecord {
  const entries = Object.entries(targets);
  if (entries.length === 0) return job;
  const instances = { ...job.instances };
  for (const [id, target] of entries) {
    if (target === null) delete instances[id];
    else instances[id] = target;
  }
  return { ...job, instances };
}

/** Drops configurations no instance, task or the job itself refers to any more. */
function pruneConfigs(job: JobRecord, tasks: readonly TaskRecord[]): JobRecord {
  const used = new Set([
    job.version,
    ...Object.values(job.instances).map((target) => target.version),
    ...tasks.map((task) => task.version),
  ]);
  const configs = Object.fromEntries(Object.entries(job.configs).filter(([v]) => used.has(v)));
  return Object.keys(configs).length === Object.keys(job.configs).length
    ? job
    : { ...job, configs };
}
