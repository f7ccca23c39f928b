import { terminationOf } from '@mesolite/daemon/agent/docker/container-termination';
import { healthCheckHostFor } from '@mesolite/daemon/agent/docker/docker-container';
import { describe, expect, it } from 'vitest';

describe('terminations and checks', () => {
  it('words an exit as Mesos does, and an OOM kill as a memory limitation', () => {
    expect(terminationOf(0, false, undefined)).toEqual({
      exitCode: 0,
      message: 'Container exited with status 0',
    });
    expect(terminationOf(137, true, 64 * 1024 * 1024)).toEqual({
      exitCode: 137,
      reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
      message:
        "Memory limit of 64 MB exceeded: the kernel's OOM killer ended the container. Container exited with status 137",
    });
  });

  it('sends health checks to loopback unless a BRIDGE container publishes nothing', () => {
    expect(healthCheckHostFor('host', false, undefined)).toBe('127.0.0.1');
    expect(healthCheckHostFor('bridge', true, '172.17.0.2')).toBe('127.0.0.1');
    expect(healthCheckHostFor('bridge', false, '172.17.0.2')).toBe('172.17.0.2');
    expect(healthCheckHostFor('bridge', false, undefined)).toBe('127.0.0.1');
  });
});
