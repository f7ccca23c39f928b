/**
 * The environment Marathon gives a task (mesos/TaskBuilder.scala and
 * mesos/EnvironmentHelper.scala): who the task is (MESOS_TASK_ID, MARATHON_APP_*), its
 * labels (MARATHON_APP_LABELS, MARATHON_APP_LABEL_<NAME>), its ports (PORT0..n, PORT,
 * PORTS, PORT_<number>, PORT_<NAME>) and host (HOST), then the app's own `env`, which
 * wins over all of them.
 */
import { javaDouble } from './java-text.js';
import { portDeclarations } from './normalize.js';
import type { AppDefinition } from './schema.js';

const MAX_ENVIRONMENT_VAR_LENGTH = 512;
const LABEL_PREFIX = 'MARATHON_APP_LABEL_';
const MAX_LABEL_NAME_LENGTH = MAX_ENVIRONMENT_VAR_LENGTH - LABEL_PREFIX.length;
/** Container ports Marathon invents stay clear of the privileged range. */
const LOWEST_GENERATED_PORT = 1025;
const GENERATED_PORT_SPAN = 65535 - 1024;

export interface TaskEnvironmentRequest {
  readonly app: AppDefinition;
  /** The app version the task runs, an ISO timestamp as Marathon prints it. */
  readonly version: string;
  readonly taskId: string;
  readonly hostname: string;
  /** The host port chosen for each port declaration; null where a mapping takes none. */
  readonly hostPorts: readonly (number | null)[];
  /** Whether the app's group enforces its role (Marathon sets MARATHON_APP_ENFORCE_GROUP_ROLE). */
  readonly enforceRole?: boolean;
  /** Marathon's --env_vars_prefix, put before the port variables and HOST. */
  readonly envPrefix?: string;
  /**
   * [0, 1) like Math.random: picks the container port of a container-network mapping that
   * asks for any port and gets no host port, as Marathon picks one at random.
   */
  readonly random?: () => number;
}

/** The task's environment, in the order Marathon builds it. */
export function taskEnvironment(request: TaskEnvironmentRequest): Map<string, string> {
  const env = new Map<string, string>();
  for (const [name, value] of taskContextEnvironment(request)) env.set(name, value);
  const prefix = request.envPrefix ?? '';
  const declared = portDeclarations(request.app).map((declaration) => ({
    name: declaration.name,
    // A mapping's requested port is its container port; a definition's, its port.
    port: 'containerPort' in declaration ? declaration.containerPort : declaration.port,
  }));
  for (const [name, value] of portsEnvironment(declared, request.hostPorts, request.random)) {
    env.set(`${prefix}${name}`, value);
  }
  env.set(`${prefix}HOST`, request.hostname);
  for (const [name, value] of Object.entries(request.app.env)) env.set(name, value);
  return env;
}

function taskContextEnvironment(request: TaskEnvironmentRequest): [string, string][] {
  const { app } = request;
  const image = app.container?.type === 'DOCKER' ? app.container.docker?.image : undefined;
  return [
    ['MESOS_TASK_ID', request.taskId],
    ['MARATHON_APP_ID', app.id],
    ['MARATHON_APP_VERSION', request.version],
    ...(image === undefined ? [] : [['MARATHON_APP_DOCKER_IMAGE', image] as [string, string]]),
    // Marathon prints resources as JVM Doubles (128.0), and gpus as an Int.
    ['MARATHON_APP_RESOURCE_CPUS', javaDouble(app.cpus)],
    ['MARATHON_APP_RESOURCE_MEM', javaDouble(app.mem)],
    ['MARATHON_APP_RESOURCE_DISK', javaDouble(app.disk)],
    ['MARATHON_APP_RESOURCE_GPUS', String(app.gpus)],
    ['MARATHON_APP_ENFORCE_GROUP_ROLE', String(request.enforceRole ?? false).toUpperCase()],
    ...labelsEnvironment(app.labels),
  ];
}

/**
 * MARATHON_APP_LABELS lists the labels' names, each also given as
 * MARATHON_APP_LABEL_<NAME>; names become upper case with runs of other characters as
 * `_`, and labels too long for an environment variable are left out.
 */
export function labelsEnvironment(labels: Readonly<Record<string, string>>): [string, string][] {
  const names: string[] = [];
  const values: [string, string][] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (key.length >= MAX_LABEL_NAME_LENGTH || value.length >= MAX_ENVIRONMENT_VAR_LENGTH) continue;
    const name = key.replace(/[^a-zA-Z0-9_]+/g, '_').toUpperCase();
    names.push(name);
    values.push([`${LABEL_PREFIX}${name}`, value]);
  }
  return [['MARATHON_APP_LABELS', names.join(' ')], ...values];
}

interface PortRequest {
  readonly name: string | undefined;
  /** A container port (port mappings) or a host or service port (port definitions); 0: any. */
  readonly port: number;
}

/**
 * EnvironmentHelper.portsEnv. PORT<i> is the host port of the i-th declaration (or, with
 * no host port, its container port); PORT_<n> maps each requested port number to the
 * port the task got; PORT_<NAME> does the same by name; PORT is the first and PORTS all
 * of them. Nothing at all when the app has no ports.
 */
export function portsEnvironment(
  requested: readonly PortRequest[],
  hostPorts: readonly (number | null)[],
  random: () => number = Math.random,
): [string, string][] {
  if (hostPorts.length === 0) return [];
  const env: [string, string][] = [];
  const generated = new Map<number, number>();
  const consumed = new Set<number>([
    ...requested.map((request) => request.port),
    ...hostPorts.filter((port) => port !== null),
  ]);
  const generate = (): number => {
    for (;;) {
      const port = Math.floor(random() * GENERATED_PORT_SPAN) + LOWEST_GENERATED_PORT;
      if (!consumed.has(port)) {
        consumed.add(port);
        return port;
      }
    }
  };

  hostPorts.forEach((hostPort, index) => {
    if (hostPort !== null) {
      env.push([`PORT${index}`, String(hostPort)]);
      return;
    }
    const request = requested[index];
    if (request === undefined) return;
    const port = request.port === 0 ? generate() : request.port;
    if (request.port === 0) generated.set(index, port);
    env.push([`PORT${index}`, String(port)]);
  });

  const effective = (index: number): number | undefined =>
    hostPorts[index] ?? generated.get(index) ?? requested[index]?.port;
  requested.forEach((request, index) => {
    if (index >= hostPorts.length) return;
    const port = effective(index);
    if (port === undefined) return;
    // A request for any port is keyed by the port it got.
    env.push([`PORT_${request.port === 0 ? port : request.port}`, String(port)]);
  });
  requested.forEach((request, index) => {
    if (index >= hostPorts.length || request.name === undefined) return;
    const port = effective(index);
    if (port !== undefined) env.push([`PORT_${request.name.toUpperCase()}`, String(port)]);
  });

  const assigned = [
    ...hostPorts.filter((port): port is number => port !== null),
    ...generated.values(),
  ];
  if (assigned[0] !== undefined) env.push(['PORT', String(assigned[0])]);
  env.push(['PORTS', assigned.join(',')]);
  return env;
}
