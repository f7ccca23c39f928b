/**
 * What the agent persists for a Docker container, and reading it back: enough to find
 * the container again (its engine id, and its name in case the id is stale), to carry
 * on copying its logs without duplicating them, and to answer health checks.
 */
import type { ContainerCheckpoint } from '../containerizer.js';
import { DockerCheckpointError } from './docker-errors.js';
import type { DockerNetwork } from './docker-parameters.js';
import type { LogPosition } from './sandbox-logs.js';

export const DOCKER_CHECKPOINT_KIND = 'docker';

export interface DockerContainerState {
  containerId: string;
  taskId: string;
  /** `mesos-<container id>`. */
  name: string;
  /** The engine's id of the container. */
  dockerId: string;
  /** The sandbox on the agent, where the logs are copied. */
  sandbox: string;
  network: DockerNetwork;
  publishesPorts: boolean;
  /** Lengths of the sandbox's stdout and stderr before the container's output began. */
  logStart: LogPosition;
  memoryLimitBytes: number | undefined;
}

export function toCheckpoint(state: DockerContainerState): ContainerCheckpoint {
  return {
    kind: DOCKER_CHECKPOINT_KIND,
    containerId: state.containerId,
    taskId: state.taskId,
    name: state.name,
    dockerId: state.dockerId,
    sandbox: state.sandbox,
    network: state.network,
    publishesPorts: state.publishesPorts,
    stdoutStart: state.logStart.stdout,
    stderrStart: state.logStart.stderr,
    memoryLimitBytes: state.memoryLimitBytes ?? null,
  };
}

function text(checkpoint: ContainerCheckpoint, key: string): string {
  const value = checkpoint[key];
  if (typeof value !== 'string' || value === '') {
    throw new DockerCheckpointError(`'${key}' is missing or not a string`);
  }
  return value;
}

function count(checkpoint: ContainerCheckpoint, key: string): number {
  const value = checkpoint[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new DockerCheckpointError(`'${key}' is missing or not a non-negative number`);
  }
  return value;
}

export function fromCheckpoint(checkpoint: ContainerCheckpoint): DockerContainerState {
  if (checkpoint.kind !== DOCKER_CHECKPOINT_KIND) {
    throw new DockerCheckpointError(
      `it was written by the '${checkpoint.kind}' containerizer, not '${DOCKER_CHECKPOINT_KIND}'`,
    );
  }
  const network = text(checkpoint, 'network');
  if (network !== 'host' && network !== 'bridge' && network !== 'none') {
    throw new DockerCheckpointError(`unknown network '${network}'`);
  }
  const memory = checkpoint.memoryLimitBytes;
  return {
    containerId: text(checkpoint, 'containerId'),
    taskId: text(checkpoint, 'taskId'),
    name: text(checkpoint, 'name'),
    dockerId: text(checkpoint, 'dockerId'),
    sandbox: text(checkpoint, 'sandbox'),
    network,
    publishesPorts: checkpoint.publishesPorts === true,
    logStart: {
      stdout: count(checkpoint, 'stdoutStart'),
      stderr: count(checkpoint, 'stderrStart'),
    },
    memoryLimitBytes: typeof memory === 'number' ? memory : undefined,
  };
}
