/**
 * The environment a task starts with: what Mesos's agent and command executor set,
 * plus Marathon's port variables, which frameworks expect the executor side to
 * provide (PORT0..N, PORTS, PORT_<NAME>, HOST), and MESOLITE_NODE: every agent is a
 * mesolite install, so the programs plugins' tasks fetch (Aurora's Thermos runner)
 * run on the agent's own Node rather than on whatever `node` is on the PATH.
 */
import type { Resource, TaskInfo } from '../protocol/mesos.js';

export interface TaskEnvironmentInput {
  task: TaskInfo;
  frameworkId: string;
  agentId: string;
  executorId: string;
  containerId: string;
  /** The sandbox as the task sees it (a container sees its mount point). */
  sandbox: string;
  hostname: string;
  /** The agent's own Node, given to tasks as MESOLITE_NODE for the programs plugins fetch. */
  node?: string | undefined;
  /** The master's CA in the sandbox as the task sees it, given as MESOLITE_CA_CERT. */
  caBundle?: string | undefined;
}

/** Host ports of the task's `ports` resources, in the order they were given. */
export function taskPorts(resources: readonly Resource[] | undefined): number[] {
  const ports: number[] = [];
  for (const resource of resources ?? []) {
    if (resource.name !== 'ports' || resource.type !== 'RANGES') continue;
    for (const range of resource.ranges?.range ?? []) {
      for (let port = range.begin; port <= range.end; port++) ports.push(port);
    }
  }
  return ports;
}

export function taskEnvironment(input: TaskEnvironmentInput): Record<string, string> {
  const { task } = input;
  const env: Record<string, string> = {
    MESOS_SANDBOX: input.sandbox,
    MESOS_DIRECTORY: input.sandbox,
    MESOS_TASK_ID: task.task_id.value,
    MESOS_FRAMEWORK_ID: input.frameworkId,
    MESOS_AGENT_ID: input.agentId,
    MESOS_SLAVE_ID: input.agentId,
    MESOS_EXECUTOR_ID: input.executorId,
    MESOS_CONTAINER_NAME: `mesos-${input.containerId}`,
    HOST: input.hostname,
    LIBPROCESS_IP: '127.0.0.1',
    ...(input.node === undefined ? {} : { MESOLITE_NODE: input.node }),
    // The variable mesolite's own clients read, so a task's `mesolite` or curl trusts the master.
    ...(input.caBundle === undefined ? {} : { MESOLITE_CA_CERT: input.caBundle }),
  };
  const ports = taskPorts(task.resources);
  ports.forEach((port, index) => {
    env[`PORT${index}`] = String(port);
  });
  if (ports.length > 0) {
    env.PORT = String(ports[0]);
    env.PORTS = ports.join(',');
  }
  const named = task.discovery?.ports?.ports ?? [];
  named.forEach((port, index) => {
    if (!port.name) return;
    const name = port.name.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    env[`PORT_${name}`] = String(ports[index] ?? port.number);
  });
  for (const variable of task.command?.environment?.variables ?? []) {
    if (variable.type === 'SECRET') continue;
    env[variable.name] = variable.value ?? '';
  }
  return env;
}
