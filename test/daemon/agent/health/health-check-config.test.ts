import { resolveHealthCheck } from '@mesolite/daemon/agent/health/health-check-config';
import { HealthChecker } from '@mesolite/daemon/agent/health/health-checker';
import { describe, expect, it } from 'vitest';

describe('resolveHealthCheck', () => {
  it("fills in Mesos's defaults", () => {
    expect(resolveHealthCheck({ type: 'TCP', tcp: { port: 80 } })).toEqual({
      probe: { type: 'TCP', port: 80, ipv6: false },
      delayMs: 15_000,
      intervalMs: 10_000,
      timeoutMs: 20_000,
      consecutiveFailures: 3,
      gracePeriodMs: 10_000,
    });
  });

  it('takes http as the default scheme and the path as given', () => {
    expect(resolveHealthCheck({ type: 'HTTP', http: { port: 8080 } }).probe).toEqual({
      type: 'HTTP',
      scheme: 'http',
      port: 8080,
      path: '',
      statuses: undefined,
      ipv6: false,
    });
  });

  it('infers the type of a check written before Mesos 1.2 from its one field', () => {
    expect(resolveHealthCheck({ http: { port: 8080, path: '/health' } }).probe.type).toBe('HTTP');
  });

  it.each([
    [
      { type: 'HTTP', http: { port: 80, scheme: 'ftp' } },
      "unsupported HTTP health check scheme: 'ftp'",
    ],
    [
      { type: 'HTTP', http: { port: 80, path: 'health' } },
      "the path 'health' of HTTP health check must start with '/'",
    ],
    [{ type: 'HTTP' }, "expecting 'http' to be set for HTTP health check"],
    [{ type: 'TCP' }, "expecting 'tcp' to be set for TCP health check"],
    [{ type: 'COMMAND' }, "expecting 'command' to be set for COMMAND health check"],
    [
      { type: 'COMMAND', command: { shell: true } },
      "command health check must contain 'shell command'",
    ],
    [{ type: 'UNKNOWN' }, "'UNKNOWN' is not a valid health check type"],
    [{}, "HealthCheck must specify 'type'"],
    [
      { type: 'TCP', tcp: { port: 1 }, interval_seconds: -1 },
      "expecting 'interval_seconds' to be non-negative",
    ],
  ] as const)('refuses %j', (check, problem) => {
    expect(() => resolveHealthCheck(check)).toThrow(
      expect.objectContaining({
        code: 'MESOLITE_ERR_INVALID_HEALTH_CHECK',
        message: `Invalid health check: ${problem}`,
      }),
    );
  });

  it('refuses a COMMAND check when there is no way to run commands', () => {
    expect(
      () =>
        new HealthChecker({
          check: { type: 'COMMAND', command: { value: 'true' } },
          onHealthChange: () => undefined,
          onUnhealthy: () => undefined,
        }),
    ).toThrow(expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_HEALTH_CHECK' }));
  });
});
