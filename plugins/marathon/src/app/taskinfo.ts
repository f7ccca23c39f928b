/**
 * The Mesos v1 TaskInfo that launches one instance of an app, as Marathon's TaskBuilder
 * (mesos/TaskBuilder.scala) builds it, from the app, the task id, the agent it was
 * offered on and the host ports chosen from the offer:
 *
 * - name: the app id as a hostname (`/prod/web` → `web.prod`), for service discovery;
 * - command: `cmd` through the shell, or `args` without one; `fetch` as URIs; the
 *   environment of task-env.ts; `user`;
 * - resources: cpus, mem, disk and gpus when not zero, and the chosen host ports as ranges;
 * - container: none for a plain command under host networking; DOCKER with its network,
 *   port mappings bound to the chosen host ports, volumes, parameters (plus Marathon's
 *   `label MESOS_TASK_ID=<task id>`), privileged and force-pull; else MESOS;
 * - health_check: the first of the app's health checks (mesos-health-check.ts);
 * - kill_policy from taskKillGracePeriodSeconds; labels from the app's labels;
 * - discovery: the app's ports, named, with their protocols and labels.
 */
import type {
  ContainerInfo,
  DiscoveryInfo as DiscoveryInfoSchema,
  Labels as MesosLabels,
  Resource,
  TaskInfo,
} from '@mesolite/daemon/protocol/mesos';
import type { Static } from 'typebox';
import { parsePathId } from '../path-id.js';
import { mesosHealthCheck, type PortAssignment } from './mesos-health-check.js';
import { isHostNetworking, portDeclarations } from './normalize.js';
import type { AppDefinition, Container, Network } from './schema.js';
import { taskEnvironment } from './task-env.js';

/** Marathon's --mesos_bridge_name default: the CNI network behind `container/bridge`. */
export const DEFAULT_MESOS_BRIDGE_NAME = 'mesos-bridge';

export interface TaskInfoRequest {
  readonly app: AppDefinition;
  /** The app version the instance runs (Marathon's version timestamp). */
  readonly version: string;
  /** From task-id.ts: `<app id, safe form>.instance-<uuid>._app.<incarnation>`. */
  readonly taskId: string;
  readonly agentId: string;
  readonly hostname: string;
  /**
   * The host port chosen for each of the app's port declarations (its port mappings, or
   * else its port definitions), in their order; null for a mapping that takes no host
   * port. See requestedHostPorts.
   */
  readonly hostPorts: readonly (number | null)[];
  /** The role the offer's resources are allocated to, for `allocation_info`. */
  readonly allocationRole?: string;
  /** Whether the app's top-level group enforces its role. */
  readonly enforceRole?: boolean;
  /** Marathon's --env_vars_prefix. */
  readonly envPrefix?: string;
  /** Marathon's --mesos_bridge_name. */
  readonly mesosBridgeName?: string;
  /** [0, 1): the source of the ports Marathon invents; see TaskEnvironmentRequest. */
  readonly random?: () => number;
}

/**
 * The host port each port declaration asks for: a number (0 for any offered port), or
 * null when it takes none (a container-network mapping without hostPort). Under host
 * networking without requirePorts, port definitions are service ports, so any host port
 * will do.
 */
export function requestedHostPorts(app: AppDefinition): (number | null)[] {
  if (app.container?.portMappings !== undefined) {
    return app.container.portMappings.map((mapping) => mapping.hostPort ?? null);
  }
  return (app.portDefinitions ?? []).map((definition) => (app.requirePorts ? definition.port : 0));
}

/** Builds the TaskInfo; see the module comment. */
export function buildTaskInfo(request: TaskInfoRequest): TaskInfo {
  const { app } = request;
  const declarations = portDeclarations(app);
  if (request.hostPorts.length !== declarations.length) {
    throw new Error(
      `app ${app.id} declares ${declarations.length} ports but ${request.hostPorts.length} host ports were given`,
    );
  }
  const assignments = portAssignments(app, request.hostPorts);
  const env = taskEnvironment(request);
  const container = containerInfo(request);
  // Mesos runs a single health check per task.
  const firstCheck = app.healthChecks[0];
  const healthCheck = firstCheck && mesosHealthCheck(firstCheck, assignments);
  const labels = mesosLabels(app.labels);

  const args = app.args;
  return {
    name: hostnameOf(app.id),
    task_id: { value: request.taskId },
    agent_id: { value: request.agentId },
    resources: resources(app, request.hostPorts, request.allocationRole),
    command: {
      ...(app.fetch.length === 0
        ? {}
        : {
            uris: app.fetch.map((artifact) => ({
              value: artifact.uri,
              executable: artifact.executable,
              extract: artifact.extract,
              cache: artifact.cache,
              ...(artifact.destPath === undefined ? {} : { output_file: artifact.destPath }),
            })),
          }),
      environment: { variables: [...env].map(([name, value]) => ({ name, value })) },
      // args win over cmd; without a container the command executor needs the program as
      // the value too.
      ...(args.length > 0
        ? {
            shell: false,
            arguments: [...args],
            ...(app.container === undefined && args[0] !== undefined ? { value: args[0] } : {}),
          }
        : app.cmd !== undefined && app.cmd !== ''
          ? { value: app.cmd }
          : { shell: false }),
      ...(app.user === undefined ? {} : { user: app.user }),
    },
    ...(container === undefined ? {} : { container }),
    ...(healthCheck === undefined ? {} : { health_check: healthCheck }),
    ...(app.taskKillGracePeriodSeconds === undefined
      ? {}
      : {
          kill_policy: {
            grace_period: { nanoseconds: app.taskKillGracePeriodSeconds * 1_000_000_000 },
          },
        }),
    ...(labels === undefined ? {} : { labels }),
    discovery: discoveryInfo(app, assignments),
  };
}

/** PathId.toHostname: the segments in reverse, joined by dots. */
export function hostnameOf(appId: string): string {
  return [...parsePathId(appId).segments].reverse().join('.');
}

/** Where each port declaration ended up; see PortAssignment. */
export function portAssignments(
  app: AppDefinition,
  hostPorts: readonly (number | null)[],
): PortAssignment[] {
  const mappings = app.container?.portMappings;
  if (mappings !== undefined) {
    return mappings.map((mapping, index) => {
      const hostPort = hostPorts[index] ?? null;
      return {
        name: mapping.name,
        hostPort,
        // containerPort 0 means "the same as the host port", so that an app can
        // advertise the port the outside world sees.
        containerPort:
          mapping.containerPort === 0 && hostPort !== null ? hostPort : mapping.containerPort,
      };
    });
  }
  return (app.portDefinitions ?? []).map((definition, index) => ({
    name: definition.name,
    hostPort: hostPorts[index] ?? null,
    containerPort: null,
  }));
}

function mesosLabels(labels: Readonly<Record<string, string>>): MesosLabels | undefined {
  const entries = Object.entries(labels);
  return entries.length === 0
    ? undefined
    : { labels: entries.map(([key, value]) => ({ key, value })) };
}

function resources(
  app: AppDefinition,
  hostPorts: readonly (number | null)[],
  role: string | undefined,
): Resource[] {
  const allocation = role === undefined ? {} : { allocation_info: { role } };
  const scalar = (name: string, value: number): Resource[] =>
    // Mesos drops empty scalars; Marathon never asks for them.
    value > 0 ? [{ name, type: 'SCALAR', scalar: { value }, ...allocation }] : [];
  const ports = [...new Set(hostPorts.filter((port): port is number => port !== null))].sort(
    (a, b) => a - b,
  );
  const ranges: { begin: number; end: number }[] = [];
  for (const port of ports) {
    const last = ranges.at(-1);
    if (last !== undefined && last.end + 1 === port) last.end = port;
    else ranges.push({ begin: port, end: port });
  }
  return [
    ...scalar('cpus', app.cpus),
    ...scalar('mem', app.mem),
    ...scalar('disk', app.disk),
    ...scalar('gpus', app.gpus),
    ...(ranges.length === 0
      ? []
      : [{ name: 'ports', type: 'RANGES' as const, ranges: { range: ranges }, ...allocation }]),
  ];
}

function containerInfo(request: TaskInfoRequest): ContainerInfo | undefined {
  const { app } = request;
  if (app.container === undefined && isHostNetworking(app.networks)) return undefined;
  const container: Container = app.container ?? { type: 'MESOS', volumes: [] };
  // Only mappings that got a host port reach Mesos; containerPort 0 takes the host port.
  const bound = (container.portMappings ?? []).flatMap((mapping, index) => {
    const hostPort = request.hostPorts[index] ?? null;
    if (hostPort === null) return [];
    const containerPort = mapping.containerPort === 0 ? hostPort : mapping.containerPort;
    return mapping.protocol
      .split(',')
      .map((protocol) => ({ host_port: hostPort, container_port: containerPort, protocol }));
  });
  const volumes = container.volumes.map((volume) => ({
    container_path: volume.containerPath,
    host_path: volume.hostPath,
    mode: volume.mode,
  }));
  if (container.type === 'DOCKER') {
    const docker = container.docker;
    if (docker === undefined)
      throw new Error(`app ${app.id} has a DOCKER container without docker`);
    const network = dockerNetwork(app.networks);
    const containerNetwork = app.networks.find(
      (n) => n.mode === 'container' && n.name !== undefined,
    );
    return {
      type: 'DOCKER',
      docker: {
        image: docker.image,
        network,
        ...(bound.length === 0 ? {} : { port_mappings: bound }),
        privileged: docker.privileged,
        // Marathon labels every Docker container with its task id, so that `docker ps`
        // tells which task a container runs.
        parameters: [
          ...docker.parameters.map((parameter) => ({ key: parameter.key, value: parameter.value })),
          { key: 'label', value: `MESOS_TASK_ID=${request.taskId}` },
        ],
        force_pull_image: docker.forcePullImage,
      },
      ...(volumes.length === 0 ? {} : { volumes }),
      // The Docker engine takes a user network by name only.
      ...(containerNetwork?.name === undefined
        ? {}
        : { network_infos: [{ name: containerNetwork.name }] }),
    };
  }
  const bridgeName = request.mesosBridgeName ?? DEFAULT_MESOS_BRIDGE_NAME;
  const networkInfos = app.networks
    .filter((network) => network.mode !== 'host')
    .map((network) => {
      const name = network.mode === 'container/bridge' ? bridgeName : (network.name ?? '');
      // With several networks a mapping names the one it belongs to.
      const mappings = (container.portMappings ?? []).flatMap((mapping, index) => {
        const hostPort = request.hostPorts[index] ?? null;
        if (hostPort === null) return [];
        if (mapping.networkNames.length > 0 && !mapping.networkNames.includes(name)) return [];
        const containerPort = mapping.containerPort === 0 ? hostPort : mapping.containerPort;
        return mapping.protocol
          .split(',')
          .map((protocol) => ({ host_port: hostPort, container_port: containerPort, protocol }));
      });
      const info = {
        ip_addresses: [{}],
        name,
        ...(mappings.length === 0 ? {} : { port_mappings: mappings }),
      };
      // mesos.ts declares no labels on a NetworkInfo; mesos.proto has them and Marathon
      // passes the network's labels there, so they go out with the rest.
      const labels = mesosLabels(network.labels);
      return labels === undefined ? info : Object.assign(info, { labels });
    });
  // A Docker image run by Mesos: mesos.ts declares MesosInfo empty, mesos.proto gives it
  // an `image`, which the JSON carries all the same.
  const mesos =
    container.docker === undefined
      ? {}
      : {
          image: {
            type: 'DOCKER',
            docker: { name: container.docker.image },
            cached: !container.docker.forcePullImage,
          },
        };
  return {
    type: 'MESOS',
    mesos,
    ...(volumes.length === 0 ? {} : { volumes }),
    ...(networkInfos.length === 0 ? {} : { network_infos: networkInfos }),
  };
}

function dockerNetwork(networks: readonly Network[]): 'HOST' | 'BRIDGE' | 'USER' {
  if (networks.some((network) => network.mode === 'container')) return 'USER';
  if (networks.some((network) => network.mode === 'container/bridge')) return 'BRIDGE';
  return 'HOST';
}

type DiscoveryInfo = Static<typeof DiscoveryInfoSchema>;
type DiscoveryPort = NonNullable<NonNullable<DiscoveryInfo['ports']>['ports']>[number];

/**
 * PortDiscovery.generateForApp: one Port per protocol of each declaration. Under host
 * networking the number is the host port; otherwise it is the host port (labelled
 * network-scope=host) where there is one, else the container port once per container
 * network (network-scope=container, network-name=<name>).
 */
function discoveryInfo(app: AppDefinition, assignments: readonly PortAssignment[]): DiscoveryInfo {
  const host = isHostNetworking(app.networks);
  const containerNetworkNames = app.networks.flatMap((network) =>
    network.mode === 'container' && network.name !== undefined ? [network.name] : [],
  );
  const ports: DiscoveryPort[] = [];
  portDeclarations(app).forEach((declaration, index) => {
    const assignment = assignments[index];
    if (assignment === undefined) return;
    const protocols = declaration.protocol.split(',');
    const add = (number: number, extraLabels: Record<string, string>) => {
      for (const protocol of protocols)
        ports.push(
          discoveryPort(declaration.name, number, protocol, {
            ...declaration.labels,
            ...extraLabels,
          }),
        );
    };
    if (host || assignment.hostPort !== null) {
      if (assignment.hostPort === null) return;
      add(assignment.hostPort, host ? {} : { 'network-scope': 'host' });
      return;
    }
    const networkNames =
      'networkNames' in declaration && declaration.networkNames.length > 0
        ? declaration.networkNames
        : containerNetworkNames;
    for (const networkName of networkNames) {
      add(assignment.containerPort ?? 0, {
        'network-scope': 'container',
        'network-name': networkName,
      });
    }
  });
  return {
    visibility: 'FRAMEWORK',
    name: hostnameOf(app.id),
    ports: { ports },
  };
}

function discoveryPort(
  name: string | undefined,
  number: number,
  protocol: string,
  labels: Readonly<Record<string, string>>,
): DiscoveryPort {
  const port = { number, ...(name === undefined ? {} : { name }), protocol };
  const mesos = mesosLabels(labels);
  // mesos.ts declares no labels on a discovery Port; mesos.proto's Port has them, and
  // Marathon puts VIPs and the network scope there.
  return mesos === undefined ? port : Object.assign(port, { labels: mesos });
}
