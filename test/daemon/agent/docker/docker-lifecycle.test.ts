import type { RunningContainer } from '@mesolite/daemon/agent/containerizer';
import { DockerContainerizer } from '@mesolite/daemon/agent/docker/docker-containerizer';
import { createLogger } from '@mesolite/daemon/logger';
import type Docker from 'dockerode';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { busyboxImage, dockerEngine } from '../../../support/real-services.js';
import { DockerTestFixture, eventually, readSandboxFile } from './docker-fixture.js';

let docker: Docker;
let fixture: DockerTestFixture;
/** Every containerizer a test made, closed after it as an agent process would be. */
const containerizers: DockerContainerizer[] = [];

function newContainerizer(agentId?: string): DockerContainerizer {
  const containerizer = new DockerContainerizer({
    docker,
    logger: createLogger('silent'),
    ...(agentId ? { agentId } : {}),
  });
  containerizers.push(containerizer);
  return containerizer;
}

beforeAll(async () => {
  docker = await dockerEngine();
  await busyboxImage(docker);
  fixture = new DockerTestFixture(docker);
});

afterEach(async () => {
  for (const containerizer of containerizers.splice(0)) await containerizer.close();
  await fixture.cleanup();
  expect(await fixture.containers()).toEqual([]);
});

async function isRemoved(name: string): Promise<boolean> {
  try {
    await docker.getContainer(name).inspect();
    return false;
  } catch {
    return true;
  }
}

async function isRunning(name: string): Promise<boolean> {
  const info = await docker.getContainer(name).inspect();
  return info.State.Running;
}

function assertRunning(value: RunningContainer | object): RunningContainer {
  if (!('terminated' in value))
    throw new Error(`expected a running container: ${JSON.stringify(value)}`);
  return value;
}

describe('kill', () => {
  it('stops the container with its grace period, copies its last words, then removes it', async () => {
    const spec = await fixture.spec({
      command: { value: "trap 'echo bye; exit 3' TERM; echo up; while true; do sleep 0.1; done" },
    });
    const running = await newContainerizer().launch(spec);
    await eventually('the trap to be set', async () =>
      (await readSandboxFile(spec.sandbox, 'stdout')).includes('up'),
    );
    const started = Date.now();
    await running.kill(5000);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await isRemoved(`mesos-${spec.containerId}`)).toBe(true);
    expect(await running.terminated).toEqual({
      exitCode: 3,
      message: 'Container exited with status 3',
    });
    expect(await readSandboxFile(spec.sandbox, 'stdout')).toBe('up\nbye\n');
  });

  it('kills a container that ignores the stop signal once the grace period is over', async () => {
    const spec = await fixture.spec({
      command: { value: "trap '' TERM; echo up; while true; do sleep 0.1; done" },
    });
    const running = await newContainerizer().launch(spec);
    await eventually('the trap to be set', async () =>
      (await readSandboxFile(spec.sandbox, 'stdout')).includes('up'),
    );
    const started = Date.now();
    await running.kill(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await running.terminated).toMatchObject({ exitCode: 137 });
    expect(await isRemoved(`mesos-${spec.containerId}`)).toBe(true);
  });
});

describe('recovery after an agent restart', () => {
  it('re-attaches to a running container and carries on copying its logs without repeats', async () => {
    const spec = await fixture.spec({
      command: {
        value: 'for i in 1 2 3 4 5 6; do echo line $i; echo err $i >&2; sleep 0.3; done; exit 7',
      },
    });
    const first = newContainerizer();
    const launched = await first.launch(spec);
    const checkpoint = launched.checkpoint();
    await eventually('the first line', async () =>
      (await readSandboxFile(spec.sandbox, 'stdout')).includes('line 1'),
    );
    // The agent goes away; the container keeps running and writing.
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await isRunning(`mesos-${spec.containerId}`)).toBe(true);

    const recovered = assertRunning(await newContainerizer().recover(checkpoint));
    expect(recovered.containerId).toBe(spec.containerId);
    expect(recovered.pid).toBe(launched.pid);
    expect(await recovered.terminated).toEqual({
      exitCode: 7,
      message: 'Container exited with status 7',
    });
    const lines = [1, 2, 3, 4, 5, 6];
    expect(await readSandboxFile(spec.sandbox, 'stdout')).toBe(
      lines.map((i) => `line ${i}\n`).join(''),
    );
    expect(await readSandboxFile(spec.sandbox, 'stderr')).toBe(
      lines.map((i) => `err ${i}\n`).join(''),
    );
    expect(await isRemoved(`mesos-${spec.containerId}`)).toBe(true);
  });

  it('reports the exit code of a container that ended while the agent was down, and removes it', async () => {
    const spec = await fixture.spec({
      command: { value: 'echo before; sleep 1; echo after; echo warn >&2; exit 5' },
    });
    const first = newContainerizer();
    const checkpoint = (await first.launch(spec)).checkpoint();
    await first.close();
    await eventually(
      'the container to exit',
      async () => !(await isRunning(`mesos-${spec.containerId}`)),
    );

    expect(await newContainerizer().recover(checkpoint)).toEqual({
      exitCode: 5,
      message: 'Container exited with status 5',
    });
    expect(await readSandboxFile(spec.sandbox, 'stdout')).toBe('before\nafter\n');
    expect(await readSandboxFile(spec.sandbox, 'stderr')).toBe('warn\n');
    expect(await isRemoved(`mesos-${spec.containerId}`)).toBe(true);
  });

  it('says the container is gone when it was removed while the agent was down', async () => {
    const spec = await fixture.spec({ command: { value: 'sleep 60' } });
    const first = newContainerizer();
    const checkpoint = (await first.launch(spec)).checkpoint();
    await first.close();
    await docker.getContainer(`mesos-${spec.containerId}`).remove({ force: true });

    const termination = await newContainerizer().recover(checkpoint);
    expect(termination).toMatchObject({ reason: 'REASON_EXECUTOR_TERMINATED' });
    expect('message' in termination ? termination.message : '').toMatch(
      /^Container 'mesos-dt-.*' is gone/,
    );
  });

  it('refuses a checkpoint another containerizer wrote', async () => {
    await expect(
      newContainerizer().recover({ kind: 'process', containerId: 'c1', pid: 42 }),
    ).rejects.toThrow(/written by the 'process' containerizer/);
  });

  it("removes orphans: this agent's containers that no checkpoint knows", async () => {
    // Agent ids of this run only: containers an interrupted earlier run left are not ours.
    const agentId = `agent-${fixture.prefix}`;
    const agent = newContainerizer(agentId);
    const kept = await fixture.spec({ command: { value: 'sleep 60' } });
    const orphan = await fixture.spec({ command: { value: 'sleep 60' } });
    await agent.launch(kept);
    await agent.launch(orphan);
    await agent.close();
    const other = await newContainerizer(`another-${agentId}`).launch(
      await fixture.spec({ command: { value: 'sleep 60' } }),
    );

    const restarted = newContainerizer(agentId);
    expect(await restarted.removeOrphans([kept.containerId])).toEqual([orphan.containerId]);
    expect(await isRemoved(`mesos-${orphan.containerId}`)).toBe(true);
    expect(await isRunning(`mesos-${kept.containerId}`)).toBe(true);
    expect(await isRunning(`mesos-${other.containerId}`)).toBe(true);
  });
});

describe('memory limit', () => {
  it('reports an OOM-killed container with REASON_CONTAINER_LIMITATION_MEMORY', async (context) => {
    const info = (await docker.info()) as { MemoryLimit?: boolean };
    if (info.MemoryLimit !== true) {
      context.skip('this Docker engine cannot enforce memory limits (no memory cgroup)');
    }
    const spec = await fixture.spec({
      command: { value: 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived' },
      limits: { memMb: 32, cpus: 0.5 },
    });
    const termination = await (await newContainerizer().launch(spec)).terminated;
    expect(termination).toMatchObject({
      exitCode: 137,
      reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
    });
    expect(termination.message).toMatch(/^Memory limit of 32 MB exceeded/);
    expect(await readSandboxFile(spec.sandbox, 'stdout')).not.toContain('survived');
  });
});
