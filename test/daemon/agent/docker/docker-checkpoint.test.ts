import { fromCheckpoint, toCheckpoint } from '@mesolite/daemon/agent/docker/docker-checkpoint';
import { describe, expect, it } from 'vitest';

describe('Docker checkpoints', () => {
  it('round-trips, and refuses what it cannot use', () => {
    const state = {
      containerId: 'c1',
      taskId: 't1',
      name: 'mesos-c1',
      dockerId: 'abc123',
      sandbox: '/sandbox',
      network: 'bridge' as const,
      publishesPorts: true,
      logStart: { stdout: 10, stderr: 0 },
      memoryLimitBytes: undefined,
    };
    const checkpoint = toCheckpoint(state);
    expect(JSON.parse(JSON.stringify(checkpoint))).toMatchObject({
      kind: 'docker',
      dockerId: 'abc123',
    });
    expect(fromCheckpoint(JSON.parse(JSON.stringify(checkpoint)))).toEqual(state);
    expect(() => fromCheckpoint({ ...checkpoint, dockerId: undefined })).toThrow(
      "Cannot recover a Docker container from this checkpoint: 'dockerId' is missing",
    );
    expect(() => fromCheckpoint({ ...checkpoint, network: 'user' })).toThrow(
      "unknown network 'user'",
    );
  });
});
