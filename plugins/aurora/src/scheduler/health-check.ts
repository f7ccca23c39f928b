/**
 * A job's HealthCheckConfig as the Mesos health check the agent runs for each task.
 * Mesos's HTTP check looks at the status only, and Aurora's also compares the body
 * with expected_response, so an HTTP checker becomes a COMMAND check running
 * thermos/http-health-check.js (fetched into the sandbox) against the task's port named 'health', else 'http'
 * (the ports Aurora's executor probes). A shell checker runs its command.
 *
 * Timing as Aurora: no check counts during initial_interval_secs, then one every
 * interval_secs with timeout_secs; the task is unhealthy, and killed, after
 * max_consecutive_failures + 1 failures in a row.
 */
import type { HealthCheck } from '@mesolite/daemon/protocol/mesos';
import type { HealthCheckConfig } from '../job-config.js';

/** The port an HTTP health check probes: 'health' when the task has it, else 'http'. */
export function healthPortName(ports: Readonly<Record<string, number>>): string | undefined {
  if (Object.hasOwn(ports, 'health')) return 'health';
  if (Object.hasOwn(ports, 'http')) return 'http';
  return undefined;
}

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export interface HealthCheckInput {
  readonly config: HealthCheckConfig;
  readonly ports: Readonly<Record<string, number>>;
  /** The shell command, its launch-time names resolved. */
  readonly shellCommand?: string;
  /**
   * How the agent starts the HTTP check program, as shell words (the program fetched
   * into the sandbox, run by the agent's Node); the check's arguments follow it.
   */
  readonly httpCheckCommand: string;
}

/** The Mesos check, or undefined when the job checks nothing the task can be probed on. */
export function mesosHealthCheck(input: HealthCheckInput): HealthCheck | undefined {
  const { config } = input;
  const timing = {
    delay_seconds: 0,
    grace_period_seconds: config.initial_interval_secs,
    interval_seconds: config.interval_secs,
    timeout_seconds: config.timeout_secs,
    consecutive_failures: config.max_consecutive_failures + 1,
  };
  const http = config.health_checker.http;
  if (http !== undefined) {
    const name = healthPortName(input.ports);
    const port = name === undefined ? undefined : input.ports[name];
    if (port === undefined) return undefined;
    const args = [
      String(port),
      http.endpoint,
      http.expected_response,
      String(http.expected_response_code),
      String(config.timeout_secs),
    ];
    return {
      type: 'COMMAND',
      ...timing,
      command: { value: `${input.httpCheckCommand} ${args.map(quote).join(' ')}` },
    };
  }
  if (input.shellCommand !== undefined) {
    return { type: 'COMMAND', ...timing, command: { value: input.shellCommand } };
  }
  return undefined;
}
