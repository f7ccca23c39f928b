/**
 * DockerInfo.parameters: Mesos appends each one to `docker run` as `--key=value`. The
 * agent talks to the engine's API instead of the CLI, so each supported flag is mapped
 * onto the field of the create request that the CLI would have set; a flag mesolite
 * does not map is refused by name rather than silently dropped, and flags that would
 * fight the agent (a restart policy, another name, a log driver that hides the logs the
 * agent copies) are refused with the reason.
 */
import type Docker from 'dockerode';
import type { MesoliteError } from '../../errors.js';
import { DockerRunOptionsError } from './docker-errors.js';

export type DockerNetwork = 'host' | 'bridge' | 'none';

export interface PortBinding {
  HostIp?: string;
  HostPort: string;
}

/** The parts of a create request that options and parameters build up together. */
export interface RunDraft {
  readonly env: Map<string, string>;
  readonly labels: Map<string, string>;
  readonly binds: string[];
  readonly exposedPorts: Set<string>;
  readonly portBindings: Map<string, PortBinding[]>;
  /** Scalar and list fields of HostConfig that parameters may set. */
  readonly host: Docker.HostConfig;
  /** Scalar fields of the container's Config that parameters may set. */
  readonly config: Docker.ContainerCreateOptions;
  /** `--entrypoint`, when a parameter asked for one. */
  entrypoint: string[] | undefined;
}

export interface ParameterContext {
  network: DockerNetwork;
  /** The task's host ports: a published host port must be one of them. */
  hostPorts: readonly number[];
  /** Label keys reserved for the agent's own bookkeeping. */
  reservedLabelPrefix: string;
}

type Apply = (value: string, draft: RunDraft, context: ParameterContext) => void;

function invalid(key: string, value: string, expected: string): MesoliteError {
  return new DockerRunOptionsError(
    `Docker parameter '${key}' has the value '${value}', expected ${expected}`,
  );
}

function parseBoolean(key: string, value: string): boolean {
  // `docker run --init` without a value means true; Mesos always sends `--key=value`.
  if (value === '' || value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(key, value, 'true or false');
}

function parseInteger(key: string, value: string, min = Number.MIN_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(value.trim())) throw invalid(key, value, 'an integer');
  const parsed = Number(value.trim());
  if (parsed < min) throw invalid(key, value, `an integer of at least ${min}`);
  return parsed;
}

function parseNumber(key: string, value: string): number {
  const parsed = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw invalid(key, value, 'a non-negative number');
  }
  return parsed;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/** Sizes as the Docker CLI reads them (go-units RAMInBytes): "512m", "1g", "64MiB", "1024". */
export function parseByteSize(key: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(value.trim());
  const amount = match?.[1];
  const multiplier = BYTE_UNITS[(match?.[2] ?? '').toLowerCase()];
  if (amount === undefined || multiplier === undefined) {
    throw invalid(key, value, 'a size such as 512m or 1g');
  }
  return Math.floor(Number(amount) * multiplier);
}

function splitPair(key: string, value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  if (at <= 0) throw invalid(key, value, `NAME${separator}VALUE`);
  return [value.slice(0, at), value.slice(at + separator.length)];
}

function pushTo(list: string[] | undefined, value: string): string[] {
  return [...(list ?? []), value];
}

function portKey(key: string, value: string): { port: number; protocol: string } {
  const [portText = '', protocolText] = value.split('/');
  const protocol = (protocolText ?? 'tcp').toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(protocol)) throw invalid(key, value, 'PORT[/tcp|udp|sctp]');
  if (portText.includes('-')) {
    throw new DockerRunOptionsError(
      `Docker parameter '${key}' with a port range ('${value}') is not supported; give one port per parameter`,
    );
  }
  const port = parseInteger(key, portText, 1);
  if (port > 65535) throw invalid(key, value, 'a port from 1 to 65535');
  return { port, protocol };
}

/** `--publish [IP:]HOST_PORT:CONTAINER_PORT[/PROTOCOL]`, restricted to the task's host ports. */
function publish(value: string, draft: RunDraft, context: ParameterContext): void {
  if (context.network !== 'bridge') {
    throw new DockerRunOptionsError(
      `Docker parameter 'publish' needs BRIDGE networking; this container uses ${context.network.toUpperCase()}`,
    );
  }
  const slash = value.lastIndexOf('/');
  const protocolPart = slash >= 0 ? value.slice(slash) : '';
  const addressPart = slash >= 0 ? value.slice(0, slash) : value;
  const parts = addressPart.split(':');
  const containerPart = parts.pop() ?? '';
  const hostPart = parts.pop() ?? '';
  const hostIp = parts.join(':');
  const { port: containerPort, protocol } = portKey('publish', `${containerPart}${protocolPart}`);
  if (hostPart === '') {
    // A port the engine picks is not a port the task was offered: it could collide.
    throw new DockerRunOptionsError(
      `Docker parameter 'publish' ('${value}') must name the host port, one of the task's ports`,
    );
  }
  const { port: hostPort } = portKey('publish', hostPart);
  if (!context.hostPorts.includes(hostPort)) {
    throw new DockerRunOptionsError(`Port [${hostPort}] not included in resources`);
  }
  const exposed = `${containerPort}/${protocol}`;
  draft.exposedPorts.add(exposed);
  const binding: PortBinding = { HostPort: String(hostPort) };
  if (hostIp) binding.HostIp = hostIp.replace(/^\[|\]$/g, '');
  draft.portBindings.set(exposed, [...(draft.portBindings.get(exposed) ?? []), binding]);
}

function label(value: string, draft: RunDraft, context: ParameterContext): void {
  const at = value.indexOf('=');
  const name = at >= 0 ? value.slice(0, at) : value;
  if (!name) throw invalid('label', value, 'NAME=VALUE');
  if (name.startsWith(context.reservedLabelPrefix)) {
    throw new DockerRunOptionsError(
      `Docker parameter 'label' may not set '${name}': labels starting with '${context.reservedLabelPrefix}' belong to the agent`,
    );
  }
  draft.labels.set(name, at >= 0 ? value.slice(at + 1) : '');
}

function env(value: string, draft: RunDraft): void {
  const at = value.indexOf('=');
  if (at <= 0) {
    // The CLI would copy the variable from its own environment; the agent's is not the task's.
    throw invalid('env', value, 'NAME=VALUE');
  }
  draft.env.set(value.slice(0, at), value.slice(at + 1));
}

function device(value: string, draft: RunDraft): void {
  const [pathOnHost = '', pathInContainer, permissions] = value.split(':');
  if (!pathOnHost.startsWith('/'))
    throw invalid('device', value, 'HOST_PATH[:CONTAINER_PATH[:rwm]]');
  const devices: unknown[] = Array.isArray(draft.host.Devices) ? draft.host.Devices : [];
  draft.host.Devices = [
    ...devices,
    {
      PathOnHost: pathOnHost,
      PathInContainer: pathInContainer || pathOnHost,
      CgroupPermissions: permissions || 'rwm',
    },
  ];
}

function ulimit(value: string, draft: RunDraft): void {
  const [name, limits] = splitPair('ulimit', value, '=');
  const [soft = '', hard] = limits.split(':');
  const toLimit = (text: string) => (text === 'unlimited' ? -1 : parseInteger('ulimit', text, -1));
  const Soft = toLimit(soft);
  draft.host.Ulimits = [
    ...(draft.host.Ulimits ?? []),
    { Name: name, Soft, Hard: hard === undefined ? Soft : toLimit(hard) },
  ];
}

function addHost(value: string, draft: RunDraft): void {
  // Docker accepts HOST:IP and, since 23.0, HOST=IP; the API wants HOST:IP.
  const equals = value.indexOf('=');
  const colon = value.indexOf(':');
  const at = equals > 0 && (colon < 0 || equals < colon) ? equals : colon;
  if (at <= 0 || at === value.length - 1) throw invalid('add-host', value, 'HOST:IP');
  const hosts: string[] = Array.isArray(draft.host.ExtraHosts) ? draft.host.ExtraHosts : [];
  draft.host.ExtraHosts = [...hosts, `${value.slice(0, at)}:${value.slice(at + 1)}`];
}

function appendAny(field: 'CapAdd' | 'CapDrop' | 'SecurityOpt' | 'Links' | 'VolumesFrom') {
  return (value: string, draft: RunDraft) => {
    const current: string[] = Array.isArray(draft.host[field]) ? draft.host[field] : [];
    draft.host[field] = [...current, value];
  };
}

const APPLIERS: Record<string, Apply> = {
  env,
  label,
  publish,
  volume: (value, draft) => {
    if (!value.includes(':') && !value.startsWith('/'))
      throw invalid('volume', value, 'SOURCE:DEST[:MODE]');
    draft.binds.push(value);
  },
  user: (value, draft) => {
    draft.config.User = value;
  },
  workdir: (value, draft) => {
    if (!value.startsWith('/')) throw invalid('workdir', value, 'an absolute path');
    draft.config.WorkingDir = value;
  },
  hostname: (value, draft, context) => {
    if (context.network === 'host') {
      throw new DockerRunOptionsError('Unable to set hostname with host network mode');
    }
    draft.config.Hostname = value;
  },
  domainname: (value, draft) => {
    draft.config.Domainname = value;
  },
  'mac-address': (value, draft) => {
    draft.config.MacAddress = value;
  },
  entrypoint: (value, draft) => {
    // As with the CLI: one word, and an empty value clears the image's entrypoint.
    draft.entrypoint = [value];
  },
  'stop-signal': (value, draft) => {
    draft.config.StopSignal = value;
  },
  'stop-timeout': (value, draft) => {
    draft.config.StopTimeout = parseInteger('stop-timeout', value, 0);
  },
  expose: (value, draft) => {
    const { port, protocol } = portKey('expose', value);
    draft.exposedPorts.add(`${port}/${protocol}`);
  },
  'add-host': addHost,
  'cap-add': appendAny('CapAdd'),
  'cap-drop': appendAny('CapDrop'),
  'security-opt': appendAny('SecurityOpt'),
  link: appendAny('Links'),
  'volumes-from': appendAny('VolumesFrom'),
  'group-add': (value, draft) => {
    draft.host.GroupAdd = pushTo(draft.host.GroupAdd, value);
  },
  dns: (value, draft) => {
    const servers: unknown[] = draft.host.Dns ?? [];
    draft.host.Dns = [...servers, value];
  },
  'dns-search': (value, draft) => {
    draft.host.DnsSearch = pushTo(draft.host.DnsSearch, value);
  },
  'dns-opt': (value, draft) => {
    const options: unknown[] = draft.host.DnsOptions ?? [];
    draft.host.DnsOptions = [...options, value];
  },
  'dns-option': (value, draft) => {
    const options: unknown[] = draft.host.DnsOptions ?? [];
    draft.host.DnsOptions = [...options, value];
  },
  memory: (value, draft) => {
    draft.host.Memory = parseByteSize('memory', value);
  },
  'memory-reservation': (value, draft) => {
    draft.host.MemoryReservation = parseByteSize('memory-reservation', value);
  },
  'memory-swap': (value, draft) => {
    draft.host.MemorySwap = value.trim() === '-1' ? -1 : parseByteSize('memory-swap', value);
  },
  'memory-swappiness': (value, draft) => {
    const swappiness = parseInteger('memory-swappiness', value, 0);
    if (swappiness > 100) throw invalid('memory-swappiness', value, 'an integer from 0 to 100');
    draft.host.MemorySwappiness = swappiness;
  },
  'shm-size': (value, draft) => {
    draft.host.ShmSize = parseByteSize('shm-size', value);
  },
  'oom-kill-disable': (value, draft) => {
    draft.host.OomKillDisable = parseBoolean('oom-kill-disable', value);
  },
  'oom-score-adj': (value, draft) => {
    const score = parseInteger('oom-score-adj', value, -1000);
    if (score > 1000) throw invalid('oom-score-adj', value, 'an integer from -1000 to 1000');
    draft.host.OomScoreAdj = score;
  },
  'cpu-shares': (value, draft) => {
    draft.host.CpuShares = parseInteger('cpu-shares', value, 0);
  },
  cpus: (value, draft) => {
    draft.host.NanoCpus = Math.round(parseNumber('cpus', value) * 1e9);
  },
  'cpu-period': (value, draft) => {
    draft.host.CpuPeriod = parseInteger('cpu-period', value, 0);
  },
  'cpu-quota': (value, draft) => {
    draft.host.CpuQuota = parseInteger('cpu-quota', value, -1);
  },
  'cpuset-cpus': (value, draft) => {
    draft.host.CpusetCpus = value;
  },
  'cpuset-mems': (value, draft) => {
    draft.host.CpusetMems = value;
  },
  'blkio-weight': (value, draft) => {
    draft.host.BlkioWeight = parseInteger('blkio-weight', value, 0);
  },
  'pids-limit': (value, draft) => {
    draft.host.PidsLimit = parseInteger('pids-limit', value, -1);
  },
  ulimit,
  device,
  tmpfs: (value, draft) => {
    const at = value.indexOf(':');
    const path = at >= 0 ? value.slice(0, at) : value;
    if (!path.startsWith('/')) throw invalid('tmpfs', value, 'CONTAINER_PATH[:OPTIONS]');
    draft.host.Tmpfs = { ...draft.host.Tmpfs, [path]: at >= 0 ? value.slice(at + 1) : '' };
  },
  sysctl: (value, draft) => {
    const [name, setting] = splitPair('sysctl', value, '=');
    draft.host.Sysctls = { ...draft.host.Sysctls, [name]: setting };
  },
  privileged: (value, draft) => {
    draft.host.Privileged = parseBoolean('privileged', value);
  },
  'read-only': (value, draft) => {
    draft.host.ReadonlyRootfs = parseBoolean('read-only', value);
  },
  init: (value, draft) => {
    draft.host.Init = parseBoolean('init', value);
  },
  ipc: (value, draft) => {
    draft.host.IpcMode = value;
  },
  pid: (value, draft) => {
    draft.host.PidMode = value;
  },
  uts: (value, draft) => {
    draft.host.UTSMode = value;
  },
  userns: (value, draft) => {
    draft.host.UsernsMode = value;
  },
  'cgroup-parent': (value, draft) => {
    draft.host.CgroupParent = value;
  },
  runtime: (value, draft) => {
    draft.host.Runtime = value;
  },
};

/** Flags that would undo what the agent relies on, with what to do instead. */
const REFUSED: Record<string, string> = {
  name: 'the agent names the container mesos-<container id> so that it can recover it',
  net: 'set container.docker.network (HOST, BRIDGE or NONE) instead',
  network: 'set container.docker.network (HOST, BRIDGE or NONE) instead',
  rm: 'the agent removes the container itself once its logs are copied',
  restart: 'the framework restarts tasks; a restart policy would hide their failures',
  detach: 'the agent always runs containers detached',
  tty: "a TTY merges stdout and stderr, and the agent copies them to the sandbox's stdout and stderr",
  interactive: 'tasks get no stdin',
  'log-driver': "the agent copies the container's logs into the sandbox through the engine",
  'log-opt': "the agent copies the container's logs into the sandbox through the engine",
  'publish-all': "published ports must be the task's own host ports; use port_mappings",
  'env-file': 'the file would be read on the agent, not with the task; use env parameters',
  'label-file': 'the file would be read on the agent, not with the task; use label parameters',
  pull: 'set container.docker.force_pull_image instead',
  platform: 'the agent runs the image it has or pulls',
  cidfile: 'the agent tracks containers by name and label',
  'health-cmd': "use the task's health_check, which the agent runs",
};

export const SUPPORTED_PARAMETERS: readonly string[] = Object.keys(APPLIERS).sort();

export function applyDockerParameters(
  parameters: ReadonlyArray<{ key: string; value: string }>,
  draft: RunDraft,
  context: ParameterContext,
): void {
  for (const { key, value } of parameters) {
    // Own properties only: a key such as 'constructor' must not reach Object.prototype.
    const refusal = Object.hasOwn(REFUSED, key)
      ? REFUSED[key]
      : key.startsWith('health-')
        ? REFUSED['health-cmd']
        : undefined;
    if (refusal) {
      throw new DockerRunOptionsError(`Docker parameter '${key}' is not allowed: ${refusal}`);
    }
    const apply = Object.hasOwn(APPLIERS, key) ? APPLIERS[key] : undefined;
    if (!apply) {
      throw new DockerRunOptionsError(
        `Docker parameter '${key}' is not supported by mesolite; the supported ones are ${SUPPORTED_PARAMETERS.join(', ')}`,
      );
    }
    apply(value, draft, context);
  }
}
