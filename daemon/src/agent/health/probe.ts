/** The result of one check attempt, before the checker interprets it over time. */
export type ProbeOutcome = { healthy: true } | { healthy: false; reason: string };

/** One check attempt; aborting the signal abandons it (timeout, stop). */
export type Probe = (signal: AbortSignal) => Promise<ProbeOutcome>;

/** The address to check when the agent was given none: Mesos's fixed loopback. */
export function defaultHost(ipv6: boolean): string {
  return ipv6 ? '::1' : '127.0.0.1';
}
