/**
 * An app's health check as a Mesos-native HealthCheck for the task.
 *
 * mesolite runs all of Marathon's health check protocols as Mesos-native checks on the
 * agent, where Marathon itself probes HTTP, HTTPS and TCP checks from the scheduler and
 * hands only COMMAND and MESOS_* checks to Mesos. The agent is where the task runs, so it
 * sees what Marathon would have seen, and there is one implementation of grace periods,
 * failure counting and the kill; what Marathon's own checker does differently is kept:
 *
 * - HTTP, HTTPS and TCP start after min(interval, 5 s), as Marathon's HealthCheckActor
 *   ticks; their `delaySeconds` (shown as 15) means nothing to Marathon;
 * - `maxConsecutiveFailures: 0` means "never kill" for them (HealthCheckActor ignores
 *   failures then); Mesos has no such value, so the count is set beyond reach;
 * - the path is made absolute as Marathon's HealthCheckWorker does ('' asks for '/').
 *
 * Mesos allows one health check per task; Marathon's API allows several, so the first
 * one is run, and the others are kept in the app for the API only.
 *
 * The port: `port` when given, else the declaration at `portIndex` (0 by default). The
 * agent probes on the host's loopback wherever a host port is published (see
 * daemon/src/agent/docker/docker-container.ts, healthCheckHostFor), so the host port is
 * used whenever the declaration has one, and the container port only for container
 * networking without one. Marathon picks the container port first for MESOS_* checks
 * because Mesos probes from inside the container's network namespace; mesolite's agent
 * does not.
 */
import type { HealthCheck as MesosHealthCheck } from '@mesolite/daemon/protocol/mesos';
import type { HealthCheck } from './schema.js';

/** Where one of the app's port declarations ended up for a task. */
export interface PortAssignment {
  readonly name: string | undefined;
  /** The host port the task got; null when the declaration takes none. */
  readonly hostPort: number | null;
  /** The port inside the container; null under host networking. */
  readonly containerPort: number | null;
}

/** mesos.proto's consecutive_failures is a uint32: this many failures never happen. */
const NEVER = 4_294_967_295;
/** Marathon's HealthCheck.DefaultFirstHealthCheckAfter. */
const FIRST_MARATHON_CHECK_AFTER_SECONDS = 5;

/** The Mesos check for `check`, or undefined when it addresses no port the task has. */
export function mesosHealthCheck(
  check: HealthCheck,
  assignments: readonly PortAssignment[],
): MesosHealthCheck | undefined {
  const marathonRun =
    check.protocol === 'HTTP' || check.protocol === 'HTTPS' || check.protocol === 'TCP';
  const timing = {
    delay_seconds: marathonRun
      ? Math.min(check.intervalSeconds, FIRST_MARATHON_CHECK_AFTER_SECONDS)
      : check.delaySeconds,
    interval_seconds: check.intervalSeconds,
    timeout_seconds: check.timeoutSeconds,
    consecutive_failures:
      marathonRun && check.maxConsecutiveFailures === 0 ? NEVER : check.maxConsecutiveFailures,
    grace_period_seconds: check.gracePeriodSeconds,
  };
  if (check.protocol === 'COMMAND') {
    return { type: 'COMMAND', ...timing, command: { value: check.command?.value ?? '' } };
  }
  const port = checkedPort(check, assignments);
  if (port === undefined) return undefined;
  const protocol = check.ipProtocol;
  switch (check.protocol) {
    case 'HTTP':
    case 'HTTPS':
    case 'MESOS_HTTP':
    case 'MESOS_HTTPS': {
      const scheme = check.protocol.endsWith('HTTPS') ? 'https' : 'http';
      const path = check.path ?? '';
      return {
        type: 'HTTP',
        ...timing,
        http: { protocol, scheme, port, path: path.startsWith('/') ? path : `/${path}` },
      };
    }
    case 'TCP':
    case 'MESOS_TCP':
      return { type: 'TCP', ...timing, tcp: { protocol, port } };
  }
}

function checkedPort(
  check: HealthCheck,
  assignments: readonly PortAssignment[],
): number | undefined {
  if (check.port !== undefined) return check.port;
  const assignment = assignments[check.portIndex ?? 0];
  if (assignment === undefined) return undefined;
  return assignment.hostPort ?? assignment.containerPort ?? undefined;
}
