/**
 * An instance of an app as Marathon tracks it: one Mesos task, its placement, its
 * latest Mesos state and health. Persisted, so a restarted plugin knows what runs and
 * reconciles it with the master instead of launching duplicates.
 */
import { isIP } from 'node:net';
import type { Attribute, TaskState } from '@mesolite/daemon/protocol/mesos';
import type { IpAddressJson } from '../events/marathon-events.js';

export interface Instance {
  /** The Mesos task id, also Marathon's task id: `<app id, safe form>.<uuid>`. */
  taskId: string;
  appId: string;
  /** The app version (an ISO timestamp) the instance was launched with. */
  version: string;
  /** The app's lastConfigChangeAt at launch: tells instances of an old config from new ones. */
  configVersion?: string | undefined;
  agentId: string;
  host: string;
  /** The agent's IP from its offer's `url`, where Mesos names the agent's address. */
  ipAddress?: string | undefined;
  /** The agent's attributes, for constraints over instances already placed. */
  attributes?: Attribute[] | undefined;
  /** Host ports, in the order of the app's ports. */
  ports: number[];
  state: TaskState;
  /** From Mesos-native health checks; undefined until a result arrives. */
  healthy?: boolean | undefined;
  stagedAt: string;
  startedAt?: string | undefined;
  /** Set when Marathon asked for this instance to be killed. */
  killing?: boolean | undefined;
  message?: string | undefined;
  lastFailureCause?: string | undefined;
  firstHealthyAt?: string | undefined;
  lastHealthChangeAt?: string | undefined;
}

export const ACTIVE_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_UNREACHABLE',
]);

export function isActive(instance: Instance): boolean {
  return ACTIVE_STATES.has(instance.state);
}

/**
 * Marathon's `ipAddresses` of a task on the host network: its agent's address. An
 * instance persisted before agents' addresses were known falls back to its host when
 * that is an address, as it is for agents started with --ip.
 */
export function instanceIpAddresses(instance: Instance): IpAddressJson[] {
  const ip = instance.ipAddress ?? (isIP(instance.host) ? instance.host : '127.0.0.1');
  return [{ ipAddress: ip, protocol: isIP(ip) === 6 ? 'IPv6' : 'IPv4' }];
}

/** A task as /v2/apps/{id}/tasks and /v2/tasks answer it. */
export function taskJson(instance: Instance, servicePorts: number[], hasHealthChecks: boolean) {
  return {
    id: instance.taskId,
    appId: instance.appId,
    host: instance.host,
    ipAddresses: instanceIpAddresses(instance),
    ports: instance.ports,
    servicePorts,
    slaveId: instance.agentId,
    stagedAt: instance.stagedAt,
    ...(instance.startedAt ? { startedAt: instance.startedAt } : {}),
    state: instance.state,
    version: instance.version,
    localVolumes: [],
    role: '*',
    ...(hasHealthChecks && instance.healthy !== undefined
      ? {
          healthCheckResults: [
            {
              alive: instance.healthy,
              consecutiveFailures: instance.healthy ? 0 : 1,
              firstSuccess: instance.firstHealthyAt ?? null,
              lastFailure: instance.healthy ? null : (instance.lastHealthChangeAt ?? null),
              lastSuccess: instance.healthy ? (instance.lastHealthChangeAt ?? null) : null,
              lastFailureCause: instance.healthy ? null : (instance.lastFailureCause ?? null),
              instanceId: instance.taskId,
            },
          ],
        }
      : {}),
  };
}
