/**
 * The contract between the agent and the ways it runs a task (a process, a Docker
 * container). A containerizer starts what it is given in a sandbox that already
 * exists and holds the fetched URIs; it reports how the task ended; it can kill it;
 * and it can re-attach after the agent itself restarted (even after kill -9), from
 * the checkpoint it produced at launch.
 */
import type { CommandInfo, ContainerInfo } from '../protocol/mesos.js';

export interface ResourceLimits {
  /** CPU shares to enforce, in Mesos's cpus (1.0 = one core). */
  cpus?: number;
  /** Memory limit in MB. */
  memMb?: number;
}

export interface LaunchSpec {
  containerId: string;
  frameworkId: string;
  executorId: string;
  taskId: string;
  /** The sandbox, absolute; it exists, the task runs with it as cwd, stdout/stderr go there. */
  sandbox: string;
  command: CommandInfo;
  container?: ContainerInfo | undefined;
  /** The complete environment of the task (MESOS_*, HOST, PORT0..N, PORTS, the command's own). */
  environment: Record<string, string>;
  limits: ResourceLimits;
  /** Host ports assigned to the task from its resources, in order (for Docker port mappings). */
  hostPorts: number[];
}

/** How a container ended, in Mesos's terms. */
export interface ContainerTermination {
  /** Exit code when it exited normally. */
  exitCode?: number;
  /** Signal name when it was killed by one. */
  signal?: string;
  /** Set when the containerizer itself ended it for a reason Mesos names. */
  reason?:
    | 'REASON_CONTAINER_LIMITATION_MEMORY'
    | 'REASON_CONTAINER_LAUNCH_FAILED'
    | 'REASON_EXECUTOR_TERMINATED';
  /** A message a user can act on ("Command exited with status 1", "python: not found", ...). */
  message: string;
}

/** JSON a containerizer needs to find its container again after an agent restart. */
export type ContainerCheckpoint = {
  kind: string;
  containerId: string;
  [key: string]: string | number | boolean | null | undefined;
};

export interface RunningContainer {
  readonly containerId: string;
  /** The pid of the task's main process (on the host), for TaskStatus.container_status.executor_pid. */
  readonly pid: number | undefined;
  /** What to persist so `recover` can re-attach. */
  checkpoint(): ContainerCheckpoint;
  /** Resolves once, when the container has ended, however it ended. */
  readonly terminated: Promise<ContainerTermination>;
  /** SIGTERM (or the container's stop), then SIGKILL after the grace period; resolves when it is gone. */
  kill(gracePeriodMs: number): Promise<void>;
  /** The address health checks should use for the task's ports (127.0.0.1 for host networking). */
  readonly healthCheckHost: string;
  /** Stops watching the container without stopping it (the agent is shutting down). */
  detach?(): void;
  /** Runs a COMMAND health check inside the container's context (cwd, env, namespaces). */
  runCheck?(
    command: CommandInfo,
    timeoutMs: number,
  ): Promise<{ exitCode: number | null; output: string }>;
}

export interface Containerizer {
  readonly kind: string;
  /** Whether this containerizer can run the task at all (a Docker task on an agent with no engine: no). */
  available(): Promise<{ ok: true } | { ok: false; message: string }>;
  /** Starts the task; rejects with a message a user can act on if it cannot start. */
  launch(spec: LaunchSpec): Promise<RunningContainer>;
  /**
   * Re-attaches to a container started by an earlier agent process. Resolves with the
   * running container, or with how it ended if it ended while the agent was down.
   */
  recover(checkpoint: ContainerCheckpoint): Promise<RunningContainer | ContainerTermination>;
}
