import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { busyboxImage, dockerEngine } from '../support/real-services.js';

describe('the Docker engine the tests drive', () => {
  const started: Docker.Container[] = [];
  afterEach(async () => {
    for (const container of started.splice(0)) {
      await container.remove({ force: true }).catch(() => undefined);
    }
  });

  it('runs `busybox echo` from the locally imported image', async () => {
    const docker = await dockerEngine();
    const image = await busyboxImage(docker);
    const container = await docker.createContainer({
      Image: image,
      Cmd: ['echo', 'hello from docker'],
      HostConfig: { NetworkMode: 'none' },
    });
    started.push(container);
    await container.start();
    const result = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    expect(result.StatusCode).toBe(0);
    // Non-TTY logs are multiplexed: an 8-byte header precedes each frame.
    expect(logs.subarray(8).toString()).toBe('hello from docker\n');
  });
});
