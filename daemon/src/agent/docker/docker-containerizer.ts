/**
 * The Docker containerizer: runs a task's ContainerInfo.docker through the engine's API
 * (dockerode), as Mesos's docker containerizer runs it through the CLI. Launch makes
 * sure the image is there (pulling it within a bound), creates `mesos-<container id>`
 * with the sandbox mounted at /mnt/mesos/sandbox and starts it; recovery finds the
 * container again by its engine id or name and re-attaches, or reports how it ended
 * while the agent was down.
 */
import Docker from 'dockerode';
import { createLogger, type Logger } from '../../logger.js';
import type {
  ContainerCheckpoint,
  Containerizer,
  ContainerTermination,
  LaunchSpec,
  RunningContainer,
} from '../containerizer.js';
import { LABELS } from './container-identity.js';
import { explainExit, terminationOf } from './container-termination.js';
import { type DockerContainerState, fromCheckpoint } from './docker-checkpoint.js';
import {
  attachedInfo,
  DockerContainer,
  type DockerContainerSettings,
  removeContainer,
} from './docker-container.js';
import {
  DockerEngineError,
  DockerStartError,
  DockerUnavailableError,
  engineMessage,
  isNotFound,
} from './docker-errors.js';
import { ensureImage } from './image-puller.js';
import { buildRunOptions } from './run-options.js';
import { copiedSince, copyContainerLogs, sandboxLogSizes } from './sandbox-logs.js';
import { settlesWithin } from './settles-within.js';

export interface DockerContainerizerOptions {
  /** The engine; by default the one DOCKER_HOST names, else /var/run/docker.sock. */
  docker?: Docker;
  logger?: Logger;
  /** Labels containers with this agent, so orphan cleanup leaves other agents' containers alone. */
  agentId?: string;
  /** Bound on an image pull (default 5 minutes): past it the launch fails instead of hanging. */
  pullTimeoutMs?: number;
  /** Bound on the engine's answer to a ping (default 5 s). */
  pingTimeoutMs?: number;
  /** Cap CPU time with a CFS quota as well as shares, as Mesos's --cgroups_enable_cfs. */
  cpuQuota?: boolean;
  /** How long a container is still waited for while the engine does not answer (default 60 s). */
  engineRetryMs?: number;
  /** How long the log copy may trail a container's end (default 10 s). */
  logDrainMs?: number;
}

const DEFAULT_PULL_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_PING_TIMEOUT_MS = 5_000;
const DEFAULT_ENGINE_RETRY_MS = 60_000;
const DEFAULT_LOG_DRAIN_MS = 10_000;

export class DockerContainerizer implements Containerizer {
  readonly kind = 'docker';

  private readonly docker: Docker;
  private readonly logger: Logger;
  private readonly settings: DockerContainerSettings;
  private readonly live = new Set<DockerContainer>();

  constructor(private readonly options: DockerContainerizerOptions = {}) {
    this.docker = options.docker ?? new Docker();
    this.logger = options.logger ?? createLogger('silent');
    this.settings = {
      docker: this.docker,
      logger: this.logger,
      engineRetryMs: options.engineRetryMs ?? DEFAULT_ENGINE_RETRY_MS,
      logDrainMs: options.logDrainMs ?? DEFAULT_LOG_DRAIN_MS,
    };
  }

  async available(): Promise<{ ok: true } | { ok: false; message: string }> {
    try {
      await this.requireEngine();
      return { ok: true };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }

  async launch(spec: LaunchSpec): Promise<RunningContainer> {
    // The task's own mistakes are reported before anything touches the engine.
    const run = buildRunOptions(spec, {
      agentId: this.options.agentId,
      cpuQuota: this.options.cpuQuota,
    });
    await this.requireEngine();
    await ensureImage(this.docker, run.image, {
      forcePull: run.forcePullImage,
      timeoutMs: this.options.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS,
      logger: this.logger,
    });
    const logStart = await sandboxLogSizes(spec.sandbox);

    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(run.create);
    } catch (err) {
      throw new DockerStartError(run.name, engineMessage(err));
    }
    try {
      await container.start();
    } catch (err) {
      await removeContainer(container, this.logger);
      throw new DockerStartError(run.name, engineMessage(err));
    }
    const info = await container.inspect().catch(() => undefined);
    const state: DockerContainerState = {
      containerId: spec.containerId,
      taskId: spec.taskId,
      name: run.name,
      dockerId: container.id,
      sandbox: spec.sandbox,
      network: run.network,
      publishesPorts: run.publishesPorts,
      logStart,
      memoryLimitBytes: run.memoryLimitBytes,
    };
    this.logger.info(
      { taskId: spec.taskId, container: run.name, image: run.image },
      'started Docker container',
    );
    return this.track(
      new DockerContainer(this.settings, state, attachedInfo(info), { stdout: 0, stderr: 0 }),
    );
  }

  async recover(checkpoint: ContainerCheckpoint): Promise<RunningContainer | ContainerTermination> {
    const saved = fromCheckpoint(checkpoint);
    await this.requireEngine();
    const info = await this.find(saved);
    if (!info) {
      return {
        reason: 'REASON_EXECUTOR_TERMINATED',
        message: `Container '${saved.name}' is gone: it was removed while the agent was down, so how the task ended is unknown`,
      };
    }
    const state: DockerContainerState = { ...saved, dockerId: info.Id };
    const alreadyCopied = await copiedSince(state.sandbox, state.logStart);
    const container = this.docker.getContainer(info.Id);
    const { Status, Running, Paused, Restarting } = info.State;
    if (Running || Paused || Restarting) {
      this.logger.info({ taskId: state.taskId, container: state.name }, 're-attached to container');
      return this.track(
        new DockerContainer(this.settings, state, attachedInfo(info), alreadyCopied),
      );
    }
    if (Status === 'created') {
      // The agent stopped between create and start; the task never ran.
      await removeContainer(container, this.logger);
      return {
        reason: 'REASON_CONTAINER_LAUNCH_FAILED',
        message: `Container '${state.name}' was created but never started: the agent stopped while launching it`,
      };
    }
    // It ended while the agent was down: copy what it wrote since, then remove it.
    const copy = new AbortController();
    const copying = copyContainerLogs({
      container,
      sandbox: state.sandbox,
      skip: alreadyCopied,
      signal: copy.signal,
      logger: this.logger,
    });
    if (!(await settlesWithin(copying, this.settings.logDrainMs))) copy.abort();
    await copying;
    await removeContainer(container, this.logger);
    return terminationOf(
      info.State.ExitCode,
      info.State.OOMKilled,
      state.memoryLimitBytes,
      info.State.Error || (await explainExit(info.State.ExitCode, state)),
    );
  }

  /**
   * Removes containers this containerizer's agent started that no checkpoint knows: the
   * agent stopped between creating one and checkpointing it. As Mesos's
   * --docker_kill_orphans; without an agentId, every mesolite container on the engine
   * counts as this agent's. Answers the container ids removed.
   */
  async removeOrphans(knownContainerIds: Iterable<string>): Promise<string[]> {
    await this.requireEngine();
    const known = new Set(knownContainerIds);
    for (const container of this.live) known.add(container.containerId);
    const labels: string[] = [LABELS.containerId];
    if (this.options.agentId !== undefined) {
      labels.push(`${LABELS.agentId}=${this.options.agentId}`);
    }
    let listed: Docker.ContainerInfo[];
    try {
      listed = await this.docker.listContainers({ all: true, filters: { label: labels } });
    } catch (err) {
      throw new DockerEngineError('list containers', engineMessage(err));
    }
    const removed: string[] = [];
    for (const entry of listed) {
      const containerId = entry.Labels[LABELS.containerId];
      if (containerId === undefined || known.has(containerId)) continue;
      this.logger.warn({ containerId, names: entry.Names }, 'removing orphaned container');
      await removeContainer(this.docker.getContainer(entry.Id), this.logger);
      removed.push(containerId);
    }
    return removed;
  }

  /**
   * Stops following every container without stopping any: the agent is shutting down
   * and its containers keep running for the next agent process to recover.
   */
  async close(): Promise<void> {
    const containers = [...this.live];
    this.live.clear();
    await Promise.all(containers.map((container) => container.detach()));
  }

  private track(container: DockerContainer): DockerContainer {
    this.live.add(container);
    void container.terminated.then(() => this.live.delete(container));
    return container;
  }

  /** The container a checkpoint names: by engine id, else by name if it is the same task's. */
  private async find(
    saved: DockerContainerState,
  ): Promise<Docker.ContainerInspectInfo | undefined> {
    for (const reference of [saved.dockerId, saved.name]) {
      try {
        const info = await this.docker.getContainer(reference).inspect();
        if (info.Config.Labels?.[LABELS.containerId] === saved.containerId) return info;
      } catch (err) {
        if (!isNotFound(err)) {
          throw new DockerEngineError(`inspect container '${reference}'`, engineMessage(err));
        }
      }
    }
    return undefined;
  }

  private async requireEngine(): Promise<void> {
    const timeoutMs = this.options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
    let failure: unknown;
    const ping = this.docker.ping().then(
      () => undefined,
      (err: unknown) => {
        failure = err;
      },
    );
    if (!(await settlesWithin(ping, timeoutMs))) {
      throw new DockerUnavailableError(`no answer from the engine within ${timeoutMs / 1000}s`);
    }
    if (failure !== undefined) throw new DockerUnavailableError(engineMessage(failure));
  }
}
