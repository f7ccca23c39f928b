/**
 * What the Docker containerizer tests share: sandboxes in a temporary directory, launch
 * specs, free host ports, and the cleanup that force-removes every container a test
 * file started (found by the containerizer's label, narrowed to this file's ids so that
 * test files running side by side leave each other's containers alone).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LaunchSpec } from '@mesolite/daemon/agent/containerizer';
import { LABELS } from '@mesolite/daemon/agent/docker/container-identity';
import type Docker from 'dockerode';

export class DockerTestFixture {
  /** Every container id of this fixture starts with it. */
  readonly prefix = `dt-${randomUUID().slice(0, 8)}-`;
  private readonly sandboxes: string[] = [];
  private counter = 0;

  constructor(readonly docker: Docker) {}

  newContainerId(): string {
    this.counter += 1;
    return `${this.prefix}${this.counter}`;
  }

  async sandbox(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-docker-sandbox-'));
    this.sandboxes.push(dir);
    return dir;
  }

  async spec(overrides: Partial<LaunchSpec> & Pick<LaunchSpec, 'command'>): Promise<LaunchSpec> {
    const containerId = overrides.containerId ?? this.newContainerId();
    return {
      containerId,
      frameworkId: 'fw-docker-test',
      executorId: `task-${containerId}`,
      taskId: `task-${containerId}`,
      sandbox: overrides.sandbox ?? (await this.sandbox()),
      container: { type: 'DOCKER', docker: { image: 'busybox' } },
      environment: { MESOS_SANDBOX: '/mnt/mesos/sandbox' },
      limits: {},
      hostPorts: [],
      ...overrides,
    };
  }

  /** This fixture's containers still on the engine. */
  async containers(): Promise<Docker.ContainerInfo[]> {
    const listed = await this.docker.listContainers({
      all: true,
      filters: { label: [LABELS.containerId] },
    });
    return listed.filter((entry) => entry.Labels[LABELS.containerId]?.startsWith(this.prefix));
  }

  async cleanup(): Promise<void> {
    for (const entry of await this.containers()) {
      await this.docker
        .getContainer(entry.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    }
    for (const dir of this.sandboxes.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}

export async function readSandboxFile(sandbox: string, name: string): Promise<string> {
  return readFile(join(sandbox, name), 'utf8').catch(() => '');
}

/** Polls until `check` answers true, or fails with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A port nothing listens on right now, for a container to publish. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port assigned');
  return address.port;
}
