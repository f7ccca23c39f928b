/**
 * A task's HealthCheck as the checker runs it: Mesos's defaults filled in, times in
 * milliseconds, and the same validation as Mesos's common/validation.cpp
 * (validateHealthCheck), so a check that cannot run is refused when the task starts.
 */
import type { CommandInfo, HealthCheck } from '../../protocol/mesos.js';
import { InvalidHealthCheckError } from './health-errors.js';

/** HealthCheck's defaults in Mesos's mesos.proto. */
export const HEALTH_CHECK_DEFAULTS = {
  delay_seconds: 15,
  interval_seconds: 10,
  timeout_seconds: 20,
  consecutive_failures: 3,
  grace_period_seconds: 10,
} as const;

export type ProbeSpec =
  | {
      type: 'HTTP';
      scheme: 'http' | 'https';
      port: number;
      /** Appended to the authority as given; '' requests '/'. */
      path: string;
      /** When given and not empty, the statuses that count as healthy. */
      statuses: readonly number[] | undefined;
      ipv6: boolean;
    }
  | { type: 'TCP'; port: number; ipv6: boolean }
  | { type: 'COMMAND'; command: CommandInfo };

export interface ResolvedHealthCheck {
  probe: ProbeSpec;
  delayMs: number;
  intervalMs: number;
  /** 0: no timeout, as Mesos reads timeout_seconds 0. */
  timeoutMs: number;
  consecutiveFailures: number;
  gracePeriodMs: number;
}

function seconds(check: HealthCheck, field: keyof typeof HEALTH_CHECK_DEFAULTS): number {
  const value = check[field] ?? HEALTH_CHECK_DEFAULTS[field];
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidHealthCheckError(`expecting '${field}' to be non-negative`);
  }
  return value;
}

/**
 * Mesos requires `type`; checks written before Mesos 1.2 have none, so when exactly one
 * of command, http and tcp is set, that is the type.
 */
function checkType(check: HealthCheck): 'COMMAND' | 'HTTP' | 'TCP' {
  if (check.type === 'COMMAND' || check.type === 'HTTP' || check.type === 'TCP') return check.type;
  if (check.type === 'UNKNOWN') {
    throw new InvalidHealthCheckError("'UNKNOWN' is not a valid health check type");
  }
  const present = (
    [
      ['COMMAND', check.command],
      ['HTTP', check.http],
      ['TCP', check.tcp],
    ] as const
  ).filter(([, field]) => field !== undefined);
  const only = present.length === 1 ? present[0] : undefined;
  if (only === undefined) throw new InvalidHealthCheckError("HealthCheck must specify 'type'");
  return only[0];
}

function probeSpec(check: HealthCheck): ProbeSpec {
  const type = checkType(check);
  if (type === 'COMMAND') {
    if (!check.command) {
      throw new InvalidHealthCheckError("expecting 'command' to be set for COMMAND health check");
    }
    if (check.command.value === undefined || check.command.value === '') {
      throw new InvalidHealthCheckError(
        `command health check must contain ${check.command.shell === false ? "'executable path'" : "'shell command'"}`,
      );
    }
    return { type, command: check.command };
  }
  if (type === 'HTTP') {
    const http = check.http;
    if (!http)
      throw new InvalidHealthCheckError("expecting 'http' to be set for HTTP health check");
    const scheme = http.scheme ?? 'http';
    if (scheme !== 'http' && scheme !== 'https') {
      throw new InvalidHealthCheckError(`unsupported HTTP health check scheme: '${scheme}'`);
    }
    const path = http.path ?? '';
    if (http.path !== undefined && !path.startsWith('/')) {
      throw new InvalidHealthCheckError(
        `the path '${path}' of HTTP health check must start with '/'`,
      );
    }
    return {
      type,
      scheme,
      port: http.port,
      path,
      statuses: http.statuses?.length ? http.statuses : undefined,
      ipv6: http.protocol === 'IPv6',
    };
  }
  const tcp = check.tcp;
  if (!tcp) throw new InvalidHealthCheckError("expecting 'tcp' to be set for TCP health check");
  return { type, port: tcp.port, ipv6: tcp.protocol === 'IPv6' };
}

/** Validates `check` and fills in Mesos's defaults; throws InvalidHealthCheckError. */
export function resolveHealthCheck(check: HealthCheck): ResolvedHealthCheck {
  const probe = probeSpec(check);
  const consecutiveFailures =
    check.consecutive_failures ?? HEALTH_CHECK_DEFAULTS.consecutive_failures;
  if (!Number.isInteger(consecutiveFailures) || consecutiveFailures < 0) {
    throw new InvalidHealthCheckError(
      "expecting 'consecutive_failures' to be a non-negative integer",
    );
  }
  return {
    probe,
    delayMs: seconds(check, 'delay_seconds') * 1000,
    intervalMs: seconds(check, 'interval_seconds') * 1000,
    timeoutMs: seconds(check, 'timeout_seconds') * 1000,
    consecutiveFailures,
    gracePeriodMs: seconds(check, 'grace_period_seconds') * 1000,
  };
}
