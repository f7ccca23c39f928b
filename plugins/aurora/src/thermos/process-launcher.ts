/**
 * How the runner starts one run of a process. Without a container, as Thermos does:
 * `bash -c CMDLINE` in the sandbox. With a Docker image (`Docker(image=…)` or
 * `Mesos(image=DockerImage(…))`), the runner stays on the host and each run is a
 * `docker run` of the image with the sandbox mounted at /mnt/mesos/sandbox as its
 * working directory and the host's network, so `{{thermos.ports[…]}}` mean the same
 * inside; the command runs under `sh -c`, which every image has where bash may lack.
 * The docker client forwards SIGTERM to the container; a forced kill also asks the
 * engine, since the container outlives a client killed with SIGKILL.
 */
import { spawn } from 'node:child_process';
import type { Container, Process } from '../job-config.js';

export const CONTAINER_SANDBOX = '/mnt/mesos/sandbox';

export interface ProcessCommand {
  readonly file: string;
  readonly args: readonly string[];
}

export interface ProcessLauncher {
  command(process: Process, run: number): ProcessCommand;
  /** What else a SIGKILL of the run needs. */
  forceKill(process: Process, run: number): void;
}

export const bashLauncher: ProcessLauncher = {
  command: (process) => ({ file: '/bin/bash', args: ['-c', process.cmdline] }),
  forceKill: () => undefined,
};

interface DockerRun {
  readonly image: string;
  readonly options: readonly string[];
}

function dockerRun(container: Container): DockerRun | undefined {
  if ('docker' in container) {
    return {
      image: container.docker.image,
      options: container.docker.parameters.map(({ name, value }) => `--${name}=${value}`),
    };
  }
  const image = container.mesos.image?.docker;
  if (image === undefined) return undefined;
  return {
    image: `${image.name}:${image.tag}`,
    options: container.mesos.volumes.map(
      (volume) =>
        `--volume=${volume.host_path}:${volume.container_path}:${volume.mode === 'RO' ? 'ro' : 'rw'}`,
    ),
  };
}

/** Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
function containerName(taskId: string, process: Process, run: number): string {
  return `thermos-${taskId}-${process.name}-${run}`.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

/** The launcher for a task: bash on the host, or docker run when it has an image. */
export function processLauncher(
  container: Container | undefined,
  sandbox: string,
  taskId: string,
): ProcessLauncher {
  const run = container === undefined ? undefined : dockerRun(container);
  if (run === undefined) return bashLauncher;
  return {
    command: (process, number) => ({
      file: 'docker',
      args: [
        'run',
        '--rm',
        // An init as PID 1 passes the forwarded SIGTERM on; a shell as PID 1 ignores it.
        '--init',
        `--name=${containerName(taskId, process, number)}`,
        '--network=host',
        `--volume=${sandbox}:${CONTAINER_SANDBOX}`,
        `--workdir=${CONTAINER_SANDBOX}`,
        `--env=MESOS_SANDBOX=${CONTAINER_SANDBOX}`,
        ...run.options,
        run.image,
        'sh',
        '-c',
        process.cmdline,
      ],
    }),
    forceKill: (process, number) => {
      const child = spawn('docker', ['kill', containerName(taskId, process, number)], {
        stdio: 'ignore',
      });
      child.on('error', () => undefined);
    },
  };
}
