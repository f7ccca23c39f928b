/**
 * One task's Docker container while the agent follows it: waits for its end, copies its
 * logs into the sandbox, says how it ended in Mesos's words, stops it with a grace
 * period, runs COMMAND checks in it, and removes it once it ended and its logs are in
 * the sandbox. The same object serves a freshly launched container and one recovered
 * after an agent restart.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { Logger } from '../../logger.js';
import type { CommandInfo } from '../../protocol/mesos.js';
import type {
  ContainerCheckpoint,
  ContainerTermination,
  RunningContainer,
} from '../containerizer.js';
import { explainExit, terminationOf, wasOomKilled } from './container-termination.js';
import { type DockerContainerState, toCheckpoint } from './docker-checkpoint.js';
import { DockerEngineError, engineMessage, engineStatus, isNotFound } from './docker-errors.js';
import type { DockerNetwork } from './docker-parameters.js';
import { type CheckResult, execCheck } from './exec-check.js';
import { copyContainerLogs, type LogPosition } from './sandbox-logs.js';
import { settlesWithin } from './settles-within.js';

export interface DockerContainerSettings {
  docker: Docker;
  logger: Logger;
  /** How long to keep retrying when the engine stops answering before declaring the container lost. */
  engineRetryMs: number;
  /** How long the log copy may trail the container's end before it is cut short. */
  logDrainMs: number;
}

/** What the engine said about the running container when the agent attached to it. */
export interface AttachedInfo {
  pid: number | undefined;
  ipAddress: string | undefined;
}

/** The engine's answer to a container inspect, reduced to what attaching needs. */
export function attachedInfo(info: Docker.ContainerInspectInfo | undefined): AttachedInfo {
  const pid = info?.State.Pid;
  // BRIDGE containers are on the network named "bridge"; only that address is used.
  const bridged = info?.NetworkSettings.Networks?.bridge?.IPAddress;
  return { pid: pid ? pid : undefined, ipAddress: bridged ? bridged : undefined };
}

/**
 * Where the agent's HTTP and TCP checks reach the task: on the host's loopback when the
 * container shares the host's network or publishes its ports there (the checks then use
 * host ports), else at the container's own address on the bridge.
 */
export function healthCheckHostFor(
  network: DockerNetwork,
  publishesPorts: boolean,
  ipAddress: string | undefined,
): string {
  if (network === 'bridge' && !publishesPorts && ipAddress) return ipAddress;
  return '127.0.0.1';
}

interface WaitAnswer {
  StatusCode?: unknown;
  Error?: { Message?: unknown } | null;
}

/** Removes the container and its anonymous volumes; a container already gone is fine. */
export async function removeContainer(container: Docker.Container, logger: Logger): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (err) {
    // 404: already gone; 409: the engine is removing it already.
    if (isNotFound(err) || engineStatus(err) === 409) return;
    logger.warn({ container: container.id, err: engineMessage(err) }, 'could not remove container');
  }
}

/** Extra time over the grace period for the engine to stop and for the logs to settle. */
const STOP_SLACK_MS = 15_000;

export class DockerContainer implements RunningContainer {
  readonly containerId: string;
  readonly pid: number | undefined;
  readonly healthCheckHost: string;
  readonly terminated: Promise<ContainerTermination>;

  private readonly container: Docker.Container;
  /** Aborted by detach(): stop following, leave the container to a later recover(). */
  private readonly lifetime = new AbortController();
  /** Aborted when the log copy must give up trailing a container that has ended. */
  private readonly logCutoff = new AbortController();
  private readonly logsCopied: Promise<void>;

  constructor(
    private readonly settings: DockerContainerSettings,
    private readonly state: DockerContainerState,
    attached: AttachedInfo,
    alreadyCopied: LogPosition,
  ) {
    this.containerId = state.containerId;
    this.pid = attached.pid;
    this.healthCheckHost = healthCheckHostFor(
      state.network,
      state.publishesPorts,
      attached.ipAddress,
    );
    this.container = settings.docker.getContainer(state.dockerId);
    this.logsCopied = copyContainerLogs({
      container: this.container,
      sandbox: state.sandbox,
      skip: alreadyCopied,
      signal: AbortSignal.any([this.lifetime.signal, this.logCutoff.signal]),
      logger: settings.logger,
    });
    this.terminated = this.watch();
  }

  checkpoint(): ContainerCheckpoint {
    return toCheckpoint(this.state);
  }

  /**
   * `docker stop` with the grace period (the container's stop signal, then SIGKILL after
   * the grace period, in whole seconds as the engine takes it), then the watcher copies
   * the last logs and removes the container. Resolves once it is removed.
   */
  async kill(gracePeriodMs: number): Promise<void> {
    const seconds = Math.ceil(Math.max(0, gracePeriodMs) / 1000);
    const budgetMs = seconds * 1000 + STOP_SLACK_MS;
    let stopError: unknown;
    try {
      await this.container.stop({ t: seconds, abortSignal: AbortSignal.timeout(budgetMs) });
    } catch (err) {
      // 304: it had already stopped; 404: it is gone. Both are what kill wants.
      if (engineStatus(err) !== 304 && !isNotFound(err)) stopError = err;
    }
    if (await settlesWithin(this.terminated, stopError ? 0 : STOP_SLACK_MS)) return;
    // The engine did not report the end in time: remove it by force, which also kills it.
    try {
      await this.container.remove({ force: true, v: true });
    } catch (err) {
      if (!isNotFound(err)) {
        throw new DockerEngineError(
          `stop container '${this.state.name}'`,
          engineMessage(stopError ?? err),
        );
      }
    }
    // The removal ends the engine's wait, so the watcher reports the end right after.
    await settlesWithin(this.terminated, STOP_SLACK_MS);
  }

  runCheck(command: CommandInfo, timeoutMs: number): Promise<CheckResult> {
    return execCheck(this.container, command, timeoutMs, this.settings.logger);
  }

  /**
   * Stops following the container and closes the sandbox files, without touching the
   * container: the agent is going away, and a later recover() picks it up again.
   * `terminated` then never settles in this process.
   */
  async detach(): Promise<void> {
    this.lifetime.abort();
    await this.logsCopied;
  }

  private async watch(): Promise<ContainerTermination> {
    const { logger } = this.settings;
    try {
      const answer = await this.waitForExit();
      if (answer === undefined) {
        await this.drainLogs();
        return {
          reason: 'REASON_EXECUTOR_TERMINATED',
          message: `Container '${this.state.name}' was removed outside the agent; how it ended is unknown`,
        };
      }
      const oomKilled = await wasOomKilled(
        this.container,
        answer.exitCode,
        this.state.memoryLimitBytes,
      );
      await this.drainLogs();
      if (this.lifetime.signal.aborted) {
        // Detached while the last logs were copied: the next agent's recover() copies the
        // rest, reports the end and removes the container, so it must still be there.
        return new Promise<ContainerTermination>(() => undefined);
      }
      await removeContainer(this.container, logger);
      return terminationOf(
        answer.exitCode,
        oomKilled,
        this.state.memoryLimitBytes,
        answer.error ?? (await explainExit(answer.exitCode, this.state)),
      );
    } catch (err) {
      if (this.lifetime.signal.aborted) {
        // Detached: the agent stops; how the container ends is for the next agent to see.
        return new Promise<ContainerTermination>(() => undefined);
      }
      logger.error({ container: this.state.name, err: engineMessage(err) }, 'lost the container');
      await this.drainLogs();
      return {
        reason: 'REASON_EXECUTOR_TERMINATED',
        message: `Lost contact with container '${this.state.name}' through the Docker engine: ${engineMessage(err)}`,
      };
    }
  }

  /**
   * The engine's wait, retried while the engine does not answer (it may be restarting);
   * undefined when the container no longer exists.
   */
  private async waitForExit(): Promise<{ exitCode: number; error?: string } | undefined> {
    const deadline = Date.now() + this.settings.engineRetryMs;
    for (;;) {
      try {
        const answer = (await this.container.wait({
          abortSignal: this.lifetime.signal,
        })) as WaitAnswer;
        const exitCode = typeof answer.StatusCode === 'number' ? answer.StatusCode : -1;
        const message = answer.Error?.Message;
        return typeof message === 'string' && message ? { exitCode, error: message } : { exitCode };
      } catch (err) {
        if (this.lifetime.signal.aborted) throw err;
        if (isNotFound(err)) return undefined;
        if (Date.now() >= deadline) throw err;
        this.settings.logger.warn(
          { container: this.state.name, err: engineMessage(err) },
          'waiting for the container failed; retrying',
        );
        await sleep(1000, undefined, { signal: this.lifetime.signal });
      }
    }
  }

  /** Lets the log copy finish what the engine still sends, within a bound. */
  private async drainLogs(): Promise<void> {
    if (await settlesWithin(this.logsCopied, this.settings.logDrainMs)) return;
    this.settings.logger.warn(
      { container: this.state.name },
      'the log stream did not end with the container; cutting it',
    );
    this.logCutoff.abort();
    await this.logsCopied;
  }
}
