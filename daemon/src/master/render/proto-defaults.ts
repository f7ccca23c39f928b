/**
 * Mesos turns protobufs into JSON with stout's `JSON::Protobuf` (and the v1 copy of it,
 * `asV1Protobuf` in src/common/http.cpp), which writes every optional field that has an
 * explicit `[default = ...]` in mesos.proto even when it was never set. So a task's
 * health check always shows `delay_seconds: 15`, a framework always shows
 * `failover_timeout: 0`. These functions add those defaults to the messages the master
 * renders, leaving set fields alone; clients that read the defaults from the JSON get
 * the values Mesos would have sent.
 */
import type {
  AgentInfo,
  CommandInfo,
  ContainerInfo,
  ExecutorInfo,
  FrameworkInfo,
  HealthCheck,
  Task,
  TaskStatus,
} from '../../protocol/mesos.js';

type NetworkInfo = NonNullable<ContainerInfo['network_infos']>[number];

/** `FrameworkInfo.failover_timeout [default = 0.0]`, `checkpoint [default = false]`. */
export function frameworkInfoWithDefaults<T extends FrameworkInfo>(info: T): T {
  return {
    ...info,
    failover_timeout: info.failover_timeout ?? 0,
    checkpoint: info.checkpoint ?? false,
  };
}

/** `AgentInfo.port [default = 5051]`. */
export function agentInfoWithDefaults<T extends AgentInfo>(info: T): T {
  return { ...info, port: info.port ?? 5051 };
}

/** `CommandInfo.shell [default = true]`, `URI.extract [default = true]`, `Variable.type [default = VALUE]`. */
export function commandWithDefaults(command: CommandInfo): CommandInfo {
  const result: CommandInfo = { ...command, shell: command.shell ?? true };
  if (command.uris !== undefined) {
    result.uris = command.uris.map((uri) => ({ ...uri, extract: uri.extract ?? true }));
  }
  if (command.environment !== undefined) {
    result.environment = environmentWithDefaults(command.environment);
  }
  return result;
}

export function environmentWithDefaults(
  environment: NonNullable<CommandInfo['environment']>,
): NonNullable<CommandInfo['environment']> {
  if (environment.variables === undefined) return { ...environment };
  return {
    ...environment,
    variables: environment.variables.map((variable) => ({
      ...variable,
      type: variable.type ?? 'VALUE',
    })),
  };
}

/**
 * HealthCheck's defaults: delay 15 s, interval 10 s, timeout 20 s, 3 consecutive
 * failures, grace period 10 s, and IPv4 for HTTP and TCP checks.
 */
export function healthCheckWithDefaults(check: HealthCheck): HealthCheck {
  const result: HealthCheck = {
    ...check,
    delay_seconds: check.delay_seconds ?? 15,
    interval_seconds: check.interval_seconds ?? 10,
    timeout_seconds: check.timeout_seconds ?? 20,
    consecutive_failures: check.consecutive_failures ?? 3,
    grace_period_seconds: check.grace_period_seconds ?? 10,
  };
  if (check.http !== undefined)
    result.http = { ...check.http, protocol: check.http.protocol ?? 'IPv4' };
  if (check.tcp !== undefined)
    result.tcp = { ...check.tcp, protocol: check.tcp.protocol ?? 'IPv4' };
  if (check.command !== undefined) result.command = commandWithDefaults(check.command);
  return result;
}

/** `NetworkInfo.IPAddress.protocol [default = IPv4]`. */
export function networkInfoWithDefaults(info: NetworkInfo): NetworkInfo {
  if (info.ip_addresses === undefined) return { ...info };
  return {
    ...info,
    ip_addresses: info.ip_addresses.map((address) => ({
      ...address,
      protocol: address.protocol ?? 'IPv4',
    })),
  };
}

/** `DockerInfo.network [default = HOST]`, `privileged [default = false]`, and network infos. */
export function containerWithDefaults(container: ContainerInfo): ContainerInfo {
  const result: ContainerInfo = { ...container };
  if (container.docker !== undefined) {
    result.docker = {
      ...container.docker,
      network: container.docker.network ?? 'HOST',
      privileged: container.docker.privileged ?? false,
    };
  }
  if (container.network_infos !== undefined) {
    result.network_infos = container.network_infos.map(networkInfoWithDefaults);
  }
  return result;
}

export function taskStatusWithDefaults(status: TaskStatus): TaskStatus {
  const containerStatus = status.container_status;
  if (containerStatus?.network_infos === undefined) return status;
  return {
    ...status,
    container_status: {
      ...containerStatus,
      network_infos: containerStatus.network_infos.map(networkInfoWithDefaults),
    },
  };
}

export function taskWithDefaults(task: Task): Task {
  const result: Task = { ...task, statuses: task.statuses.map(taskStatusWithDefaults) };
  if (task.health_check !== undefined)
    result.health_check = healthCheckWithDefaults(task.health_check);
  if (task.container !== undefined) result.container = containerWithDefaults(task.container);
  return result;
}

export function executorInfoWithDefaults(info: ExecutorInfo): ExecutorInfo {
  const result: ExecutorInfo = { ...info };
  if (info.command !== undefined) result.command = commandWithDefaults(info.command);
  if (info.container !== undefined) result.container = containerWithDefaults(info.container);
  return result;
}
