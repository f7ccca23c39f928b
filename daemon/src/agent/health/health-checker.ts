/**
 * Mesos-native health checking of one task, as Mesos's src/checks/health_checker.cpp
 * and checker_process.cpp do it:
 *
 * - the first check runs `delay_seconds` after start(); each next one `interval_seconds`
 *   after the previous one finished;
 * - a check that has not finished after `timeout_seconds` (0: never) is a failure;
 * - failures while the task is still in its grace period (`grace_period_seconds` from
 *   start, delay included) are ignored, until the first success ends the grace period
 *   for good;
 * - every other failure counts; a success resets the count;
 * - `onHealthChange` is called when the interpretation changes (the first result is a
 *   change), which is when the agent sends a TASK_RUNNING update with `healthy`;
 * - when the count reaches `consecutive_failures`, `onUnhealthy` is called once and
 *   checking ends: the agent kills the task (TASK_KILLED,
 *   REASON_TASK_HEALTH_CHECK_STATUS_UPDATED), as Mesos's executors do on `kill_task`.
 */
import type { Logger } from 'pino';
import type { HealthCheck } from '../../protocol/mesos.js';
import { type HealthCheckClock, systemClock } from './clock.js';
import { commandProbe, type RunCheckCommand } from './command-probe.js';
import { type ResolvedHealthCheck, resolveHealthCheck } from './health-check-config.js';
import { InvalidHealthCheckError } from './health-errors.js';
import { httpProbe } from './http-probe.js';
import type { Probe, ProbeOutcome } from './probe.js';
import { tcpProbe } from './tcp-probe.js';

export type { RunCheckCommand } from './command-probe.js';

export interface HealthCheckerOptions {
  /** The task's HealthCheck; Mesos's defaults apply to what it leaves out. */
  check: HealthCheck;
  /** The address to check HTTP and TCP ports on (RunningContainer.healthCheckHost); default 127.0.0.1 (::1 for IPv6). */
  host?: string | undefined;
  /** Runs COMMAND checks in the task's context; required for COMMAND checks. */
  runCommand?: RunCheckCommand | undefined;
  /** Called with the new interpretation each time it changes; the first result is a change. */
  onHealthChange(healthy: boolean): void;
  /** Called once, when consecutive failures reach `consecutive_failures`: kill the task. */
  onUnhealthy(message: string): void;
  clock?: HealthCheckClock | undefined;
  logger?: Logger | undefined;
  /** For log lines. */
  taskId?: string | undefined;
}

export class HealthChecker {
  readonly config: ResolvedHealthCheck;
  private readonly probe: Probe;
  private readonly clock: HealthCheckClock;
  private readonly name: string;
  private started = false;
  private stopped = false;
  private startTime = 0;
  /** Mesos's `initializing`: no check has succeeded yet, so the grace period may apply. */
  private initializing = true;
  private failures = 0;
  private reported: boolean | undefined;
  private cancelNext: (() => void) | undefined;
  private cancelTimeout: (() => void) | undefined;
  private inFlight: AbortController | undefined;

  /** Throws InvalidHealthCheckError when the check cannot run. */
  constructor(private readonly options: HealthCheckerOptions) {
    this.config = resolveHealthCheck(options.check);
    this.clock = options.clock ?? systemClock;
    const spec = this.config.probe;
    this.name = `${spec.type} health check`;
    if (spec.type === 'HTTP') this.probe = httpProbe(spec, options.host);
    else if (spec.type === 'TCP') this.probe = tcpProbe(spec, options.host);
    else {
      if (!options.runCommand) {
        throw new InvalidHealthCheckError('a COMMAND health check needs a way to run the command');
      }
      this.probe = commandProbe(spec, options.runCommand, this.config.timeoutMs);
    }
  }

  /** The last interpretation reported, or undefined before the first. */
  get healthy(): boolean | undefined {
    return this.reported;
  }

  /** Failures counted since the last success. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Starts checking; the grace period counts from now. Calling it again does nothing. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.startTime = this.clock.now();
    this.scheduleNext(this.config.delayMs);
  }

  /** Stops checking: cancels every timer and abandons a check in progress; no callback follows. */
  stop(): void {
    this.stopped = true;
    this.cancelNext?.();
    this.cancelNext = undefined;
    this.cancelTimeout?.();
    this.cancelTimeout = undefined;
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private scheduleNext(delayMs: number): void {
    this.cancelNext = this.clock.schedule(delayMs, () => {
      this.cancelNext = undefined;
      void this.performCheck();
    });
  }

  private async performCheck(): Promise<void> {
    if (this.stopped) return;
    const outcome = await this.attempt();
    if (this.stopped) return;
    if (outcome.healthy) this.success();
    else this.failure(outcome.reason);
    if (!this.stopped) this.scheduleNext(this.config.intervalMs);
  }

  /** One check, bounded by the timeout; never rejects. */
  private attempt(): Promise<ProbeOutcome> {
    const controller = new AbortController();
    this.inFlight = controller;
    return new Promise<ProbeOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: ProbeOutcome) => {
        if (settled) return;
        settled = true;
        this.cancelTimeout?.();
        this.cancelTimeout = undefined;
        if (this.inFlight === controller) this.inFlight = undefined;
        resolve(outcome);
      };
      const { timeoutMs } = this.config;
      if (timeoutMs > 0) {
        this.cancelTimeout = this.clock.schedule(timeoutMs, () => {
          this.cancelTimeout = undefined;
          controller.abort();
          finish({
            healthy: false,
            reason: `${this.name} timed out after ${timeoutMs / 1000}s`,
          });
        });
      }
      this.probe(controller.signal).then(finish, (err: unknown) => {
        const error = err as NodeJS.ErrnoException;
        finish({
          healthy: false,
          reason: error.code ? `${error.code}: ${error.message}` : String(error.message ?? err),
        });
      });
    });
  }

  private success(): void {
    this.options.logger?.debug({ taskId: this.options.taskId }, `${this.name} passed`);
    this.initializing = false;
    this.failures = 0;
    this.report(true);
  }

  private failure(reason: string): void {
    const { gracePeriodMs, consecutiveFailures } = this.config;
    if (
      this.initializing &&
      gracePeriodMs > 0 &&
      this.clock.now() - this.startTime <= gracePeriodMs
    ) {
      this.options.logger?.info(
        { taskId: this.options.taskId, reason },
        `ignoring failure of ${this.name}: still in grace period`,
      );
      return;
    }
    this.failures += 1;
    this.options.logger?.warn(
      { taskId: this.options.taskId, reason, failures: this.failures },
      `${this.name} failed ${this.failures} times consecutively`,
    );
    this.report(false);
    if (this.failures >= consecutiveFailures && !this.stopped) {
      // The task is about to be killed: nothing more to check, as Mesos's executor
      // ignores health updates once it kills a task.
      this.stop();
      const message = `${this.name} failed ${this.failures} times consecutively: ${reason}`;
      this.call(() => this.options.onUnhealthy(message));
    }
  }

  private report(healthy: boolean): void {
    if (this.reported === healthy) return;
    this.reported = healthy;
    this.call(() => this.options.onHealthChange(healthy));
  }

  /** A callback that throws must not end health checking. */
  private call(callback: () => void): void {
    try {
      callback();
    } catch (err) {
      this.options.logger?.error(
        { taskId: this.options.taskId, err },
        'a health check callback threw',
      );
    }
  }
}

/**
 * Creates and starts a HealthChecker: the shape of AgentDependencies.startHealthCheck.
 *
 * @example
 *   const checker = startHealthCheck({ check, host, runCommand, onHealthChange, onUnhealthy });
 *   // ... when the task ends:
 *   checker.stop();
 */
export function startHealthCheck(options: HealthCheckerOptions): HealthChecker {
  const checker = new HealthChecker(options);
  checker.start();
  return checker;
}
