/**
 * How a task's Docker container is named and labelled, so that recovery after an agent
 * restart, orphan cleanup and tests find exactly the containers mesolite started.
 */

/** Mesos names a task's container `mesos-<container id>` (DOCKER_NAME_PREFIX). */
export const DOCKER_NAME_PREFIX = 'mesos-';

/** Where the sandbox is mounted inside the container (Mesos's --sandbox_directory default). */
export const CONTAINER_SANDBOX = '/mnt/mesos/sandbox';

export const LABELS = {
  containerId: 'mesolite.container_id',
  taskId: 'mesolite.task_id',
  frameworkId: 'mesolite.framework_id',
  executorId: 'mesolite.executor_id',
  /** Set only when the containerizer knows its agent id, so agents sharing an engine keep apart. */
  agentId: 'mesolite.agent_id',
} as const;

/** Docker's own rule for container names, which a container id must satisfy after the prefix. */
const DOCKER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function dockerContainerName(containerId: string): string {
  return `${DOCKER_NAME_PREFIX}${containerId}`;
}

export function isValidContainerId(containerId: string): boolean {
  return DOCKER_NAME.test(containerId);
}
