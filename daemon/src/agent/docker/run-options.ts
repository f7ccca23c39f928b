/**
 * A LaunchSpec turned into the engine's create request, with Mesos's rules
 * (src/docker/docker.cpp, Docker::RunOptions::create): the default network is HOST,
 * port mappings only on BRIDGE and only onto the task's own host ports, relative
 * volume paths resolved against the sandbox, the sandbox mounted at
 * /mnt/mesos/sandbox, shell commands run by /bin/sh -c in place of the image's
 * entrypoint. Pure: no engine is touched, so every rule is tested without Docker.
 */
import { posix } from 'node:path';
import type Docker from 'dockerode';
import type { LaunchSpec } from '../containerizer.js';
import {
  CONTAINER_SANDBOX,
  dockerContainerName,
  isValidContainerId,
  LABELS,
} from './container-identity.js';
import { DockerRunOptionsError } from './docker-errors.js';
import {
  applyDockerParameters,
  type DockerNetwork,
  type PortBinding,
  type RunDraft,
} from './docker-parameters.js';

export type { DockerNetwork };

export interface RunOptionsSettings {
  /** Labels the container with the agent, so that agents sharing one engine keep apart. */
  agentId?: string | undefined;
  /** Also cap CPU time with a CFS quota (NanoCpus), as Mesos does with --cgroups_enable_cfs. */
  cpuQuota?: boolean | undefined;
}

export interface DockerRunOptions {
  name: string;
  image: string;
  forcePullImage: boolean;
  network: DockerNetwork;
  /** Whether any container port is published on a host port (health checks then use 127.0.0.1). */
  publishesPorts: boolean;
  /** The memory limit the container runs with, for the message when it is exceeded. */
  memoryLimitBytes: number | undefined;
  create: Docker.ContainerCreateOptions;
}

/** Mesos's floor for a container's memory (MIN_MEMORY): less than this and nothing starts. */
export const MIN_MEMORY_MB = 32;
/** Mesos's CPU_SHARES_PER_CPU and MIN_CPU_SHARES. */
const CPU_SHARES_PER_CPU = 1024;
const MIN_CPU_SHARES = 2;
/** Mesos's MIN_CPU_CFS_QUOTA (1 ms per 100 ms period). */
const MIN_NANO_CPUS = 0.01e9;

const MB = 1024 * 1024;

function networkOf(mode: string | undefined): DockerNetwork {
  switch (mode ?? 'HOST') {
    case 'HOST':
      return 'host';
    case 'BRIDGE':
      return 'bridge';
    case 'NONE':
      return 'none';
    case 'USER':
      throw new DockerRunOptionsError(
        'USER networks are not supported by mesolite; use network HOST, BRIDGE or NONE',
      );
    default:
      throw new DockerRunOptionsError(`Unsupported Network mode: ${mode}`);
  }
}

function volumeBind(
  volume: { mode: string; container_path: string; host_path?: string | undefined },
  sandbox: string,
): string {
  const containerPath = posix.isAbsolute(volume.container_path)
    ? volume.container_path
    : posix.join(CONTAINER_SANDBOX, volume.container_path);
  const hostPath = volume.host_path;
  if (!hostPath) {
    throw new DockerRunOptionsError(
      `The volume at '${volume.container_path}' has no host_path; Docker volumes need a host path here`,
    );
  }
  if (!posix.isAbsolute(hostPath) && !posix.isAbsolute(volume.container_path)) {
    throw new DockerRunOptionsError(
      `Both host_path '${hostPath}' and container_path '${volume.container_path}' of a volume are relative`,
    );
  }
  let source = hostPath;
  if (!posix.isAbsolute(hostPath)) {
    source = posix.resolve(sandbox, hostPath);
    const inside = posix.relative(sandbox, source);
    if (inside === '..' || inside.startsWith('../')) {
      throw new DockerRunOptionsError(
        `The relative host_path '${hostPath}' leaves the sandbox; give an absolute path instead`,
      );
    }
  }
  let mode: string;
  if (volume.mode === 'RW') mode = 'rw';
  else if (volume.mode === 'RO') mode = 'ro';
  else throw new DockerRunOptionsError('Unsupported volume mode');
  return `${source}:${containerPath}:${mode}`;
}

function protocolsOf(protocol: string | undefined): string[] {
  // Marathon writes "udp,tcp" for a port that takes both; Docker wants one binding each.
  const protocols = (protocol ?? 'tcp')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  for (const name of protocols) {
    if (!['tcp', 'udp', 'sctp'].includes(name)) {
      throw new DockerRunOptionsError(`Unsupported port mapping protocol '${name}'`);
    }
  }
  return protocols.length > 0 ? protocols : ['tcp'];
}

/** Mesos's command rules for the docker containerizer (MESOS-1770 for the shell case). */
function commandOf(spec: LaunchSpec, entrypointParameter: string[] | undefined) {
  const { command } = spec;
  if (command.shell ?? true) {
    if (command.value === undefined) {
      throw new DockerRunOptionsError('Shell specified but no command value provided');
    }
    if (entrypointParameter) {
      // Mesos would silently override it with /bin/sh; say so instead.
      throw new DockerRunOptionsError(
        "Docker parameter 'entrypoint' needs a command with shell=false: a shell command runs with /bin/sh -c as its entrypoint",
      );
    }
    return { Entrypoint: ['/bin/sh', '-c'], Cmd: [command.value] };
  }
  // shell=false: the image's entrypoint stays; value (when set) and arguments become its
  // arguments, exactly as Mesos hands them to `docker run IMAGE [value] [arguments...]`.
  const args = [
    ...(command.value !== undefined ? [command.value] : []),
    ...(command.arguments ?? []),
  ];
  return {
    ...(entrypointParameter ? { Entrypoint: entrypointParameter } : {}),
    ...(args.length > 0 ? { Cmd: args } : {}),
  };
}

export function buildRunOptions(
  spec: LaunchSpec,
  settings: RunOptionsSettings = {},
): DockerRunOptions {
  const container = spec.container;
  if (container?.type === 'MESOS') {
    throw new DockerRunOptionsError(
      'the container is of type MESOS; the Docker containerizer runs DOCKER containers',
    );
  }
  const docker = container?.docker;
  if (!container || !docker) {
    throw new DockerRunOptionsError('the task has no container.docker with an image to run');
  }
  if (!isValidContainerId(spec.containerId)) {
    throw new DockerRunOptionsError(
      `container id '${spec.containerId}' cannot name a Docker container (letters, digits, '_', '.', '-')`,
    );
  }
  const name = dockerContainerName(spec.containerId);
  const network = networkOf(docker.network);

  const draft: RunDraft = {
    env: new Map(Object.entries(spec.environment)),
    labels: new Map(),
    binds: [],
    exposedPorts: new Set(),
    portBindings: new Map(),
    host: {},
    config: {},
    entrypoint: undefined,
  };
  // Inside the container the sandbox is the mount point, whatever the agent's path is.
  draft.env.set('MESOS_SANDBOX', CONTAINER_SANDBOX);
  draft.env.set('MESOS_CONTAINER_NAME', name);

  if (container.hostname !== undefined) {
    if (network === 'host') {
      throw new DockerRunOptionsError('Unable to set hostname with host network mode');
    }
    draft.config.Hostname = container.hostname;
  }

  for (const volume of container.volumes ?? []) draft.binds.push(volumeBind(volume, spec.sandbox));
  // A bind is `host:container`, so a sandbox path with ':' (Chronos's task ids, which
  // name the executor directory, have several) must go as a mount instead.
  const sandboxMount = spec.sandbox.includes(':')
    ? [{ Type: 'bind' as const, Source: spec.sandbox, Target: CONTAINER_SANDBOX }]
    : [];
  if (sandboxMount.length === 0) draft.binds.push(`${spec.sandbox}:${CONTAINER_SANDBOX}`);

  const mappings = docker.port_mappings ?? [];
  if (mappings.length > 0 && network !== 'bridge') {
    throw new DockerRunOptionsError(
      'Port mappings are only supported for bridge and user-defined networks',
    );
  }
  for (const mapping of mappings) {
    if (!spec.hostPorts.includes(mapping.host_port)) {
      throw new DockerRunOptionsError(`Port [${mapping.host_port}] not included in resources`);
    }
    for (const protocol of protocolsOf(mapping.protocol)) {
      const key = `${mapping.container_port}/${protocol}`;
      draft.exposedPorts.add(key);
      const binding: PortBinding = { HostPort: String(mapping.host_port) };
      draft.portBindings.set(key, [...(draft.portBindings.get(key) ?? []), binding]);
    }
  }

  const { memMb, cpus } = spec.limits;
  if (memMb !== undefined) draft.host.Memory = Math.max(memMb, MIN_MEMORY_MB) * MB;
  if (cpus !== undefined) {
    draft.host.CpuShares = Math.max(Math.floor(CPU_SHARES_PER_CPU * cpus), MIN_CPU_SHARES);
    if (settings.cpuQuota) draft.host.NanoCpus = Math.max(Math.round(cpus * 1e9), MIN_NANO_CPUS);
  }
  if (docker.privileged) draft.host.Privileged = true;

  applyDockerParameters(docker.parameters ?? [], draft, {
    network,
    hostPorts: spec.hostPorts,
    reservedLabelPrefix: 'mesolite.',
  });

  // The offered mem is all the task may use: without this Docker lets it swap as much again.
  if (draft.host.Memory !== undefined && draft.host.MemorySwap === undefined) {
    draft.host.MemorySwap = draft.host.Memory;
  }

  const labels: Record<string, string> = Object.fromEntries(draft.labels);
  labels[LABELS.containerId] = spec.containerId;
  labels[LABELS.taskId] = spec.taskId;
  labels[LABELS.frameworkId] = spec.frameworkId;
  labels[LABELS.executorId] = spec.executorId;
  if (settings.agentId !== undefined) labels[LABELS.agentId] = settings.agentId;

  const portBindings: Record<string, PortBinding[]> = Object.fromEntries(draft.portBindings);
  const exposedPorts: Record<string, object> = {};
  for (const port of draft.exposedPorts) exposedPorts[port] = {};

  const create: Docker.ContainerCreateOptions = {
    ...draft.config,
    name,
    Image: docker.image,
    ...commandOf(spec, draft.entrypoint),
    Env: [...draft.env].map(([key, value]) => `${key}=${value}`),
    Labels: labels,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    ...(draft.exposedPorts.size > 0 ? { ExposedPorts: exposedPorts } : {}),
    HostConfig: {
      ...draft.host,
      NetworkMode: network,
      Binds: draft.binds,
      ...(sandboxMount.length > 0 ? { Mounts: sandboxMount } : {}),
      ...(draft.portBindings.size > 0 ? { PortBindings: portBindings } : {}),
    },
  };

  return {
    name,
    image: docker.image,
    forcePullImage: docker.force_pull_image ?? false,
    network,
    publishesPorts: draft.portBindings.size > 0,
    memoryLimitBytes: draft.host.Memory,
    create,
  };
}
