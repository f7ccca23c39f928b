import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerTermination, RunningContainer } from '@mesolite/daemon/agent/containerizer';
import { DockerContainerizer } from '@mesolite/daemon/agent/docker/docker-containerizer';
import { createLogger } from '@mesolite/daemon/logger';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { busyboxImage, dockerEngine } from '../../../support/real-services.js';
import { DockerTestFixture, eventually, freePort, readSandboxFile } from './docker-fixture.js';

let docker: Docker;
let fixture: DockerTestFixture;
let containerizer: DockerContainerizer;

beforeAll(async () => {
  docker = await dockerEngine();
  await busyboxImage(docker);
  fixture = new DockerTestFixture(docker);
  containerizer = new DockerContainerizer({ docker, logger: createLogger('silent') });
});

afterEach(async () => {
  await containerizer.close();
  await fixture.cleanup();
  expect(await fixture.containers()).toEqual([]);
});

afterAll(async () => {
  await containerizer.close();
});

async function ended(running: RunningContainer): Promise<ContainerTermination> {
  return running.terminated;
}

describe('launching Docker tasks', () => {
  it("runs the seed's simple-docker app, two instances, each into its own sandbox", async () => {
    // {"id":"simple-docker","container":{"docker":{"image":"busybox"}},
    //  "cmd":"echo hello from docker","cpus":0.2,"mem":32,"instances":2}, as TaskInfos.
    const specs = await Promise.all(
      [1, 2].map(() =>
        fixture.spec({
          command: { value: 'echo hello from docker' },
          container: { type: 'DOCKER', docker: { image: 'busybox' } },
          limits: { cpus: 0.2, memMb: 32 },
        }),
      ),
    );
    const runs = await Promise.all(specs.map((spec) => containerizer.launch(spec)));
    const terminations = await Promise.all(runs.map(ended));
    for (const [index, termination] of terminations.entries()) {
      expect(termination).toEqual({ exitCode: 0, message: 'Container exited with status 0' });
      const spec = specs[index];
      if (!spec) throw new Error('missing spec');
      expect(await readSandboxFile(spec.sandbox, 'stdout')).toBe('hello from docker\n');
      expect(await readSandboxFile(spec.sandbox, 'stderr')).toBe('');
    }
    // Removed once ended and copied, as the task's end removes its container.
    expect(await fixture.containers()).toEqual([]);
  });

  it('names the container mesos-<container id>, labels it, and reports its pid', async () => {
    const spec = await fixture.spec({ command: { value: 'sleep 30' } });
    const running = await containerizer.launch(spec);
    const info = await docker.getContainer(`mesos-${spec.containerId}`).inspect();
    expect(info.Config.Labels).toMatchObject({
      'mesolite.container_id': spec.containerId,
      'mesolite.task_id': spec.taskId,
    });
    expect(running.pid).toBe(info.State.Pid);
    expect(running.checkpoint()).toMatchObject({ kind: 'docker', containerId: spec.containerId });
    await running.kill(0);
  });

  it('reports exit codes in Mesos words, with stderr copied apart from stdout', async () => {
    const spec = await fixture.spec({
      command: { value: 'echo out; echo err >&2; exit 3' },
    });
    const termination = await ended(await containerizer.launch(spec));
    expect(termination).toEqual({ exitCode: 3, message: 'Container exited with status 3' });
    expect(await readSandboxFile(spec.sandbox, 'stdout')).toBe('out\n');
    expect(await readSandboxFile(spec.sandbox, 'stderr')).toBe('err\n');
  });

  it('says plainly when the shell cannot find the command', async () => {
    const spec = await fixture.spec({ command: { value: 'python toggle.py 31000' } });
    expect(await ended(await containerizer.launch(spec))).toEqual({
      exitCode: 127,
      message: 'Container exited with status 127: /bin/sh: python: not found',
    });
  });

  it('appends to what the sandbox files already hold (the fetcher writes there first)', async () => {
    const sandbox = await fixture.sandbox();
    await writeFile(join(sandbox, 'stderr'), 'fetched 1 URI\n');
    const spec = await fixture.spec({ sandbox, command: { value: 'echo oops >&2' } });
    await ended(await containerizer.launch(spec));
    expect(await readSandboxFile(sandbox, 'stderr')).toBe('fetched 1 URI\noops\n');
  });

  it('runs a non-shell command as arguments to the image entrypoint', async () => {
    const spec = await fixture.spec({
      command: { shell: false, arguments: ['echo', 'one', 'two words'] },
    });
    expect(await ended(await containerizer.launch(spec))).toMatchObject({ exitCode: 0 });
    expect(await readSandboxFile(spec.sandbox, 'stdout')).toBe('one two words\n');
  });

  it('passes the environment, with MESOS_SANDBOX at the mount that holds the sandbox', async () => {
    const sandbox = await fixture.sandbox();
    await writeFile(join(sandbox, 'fetched.txt'), 'from the fetcher\n');
    const spec = await fixture.spec({
      sandbox,
      command: {
        value: 'echo "$GREETING $MESOS_SANDBOX $PORT0"; cat "$MESOS_SANDBOX/fetched.txt"',
      },
      environment: { GREETING: 'hi there', MESOS_SANDBOX: sandbox, PORT0: '31001' },
    });
    expect(await ended(await containerizer.launch(spec))).toMatchObject({ exitCode: 0 });
    expect(await readSandboxFile(sandbox, 'stdout')).toBe(
      'hi there /mnt/mesos/sandbox 31001\nfrom the fetcher\n',
    );
  });

  it('maps docker parameters onto the container (env, label, workdir, hostname)', async () => {
    const spec = await fixture.spec({
      command: { value: 'echo "$COLOR $(pwd) $(hostname)"; sleep 30' },
      container: {
        type: 'DOCKER',
        docker: {
          image: 'busybox',
          network: 'BRIDGE',
          parameters: [
            { key: 'env', value: 'COLOR=blue' },
            { key: 'label', value: 'team=zombies' },
            { key: 'workdir', value: '/tmp' },
            { key: 'hostname', value: 'tracker' },
          ],
        },
      },
    });
    const running = await containerizer.launch(spec);
    const info = await docker.getContainer(`mesos-${spec.containerId}`).inspect();
    expect(info.Config.Labels.team).toBe('zombies');
    await eventually('the output', async () =>
      (await readSandboxFile(spec.sandbox, 'stdout')).includes('\n'),
    );
    expect(await readSandboxFile(spec.sandbox, 'stdout')).toBe('blue /tmp tracker\n');
    await running.kill(0);
  });

  it('publishes a BRIDGE port mapping on the host port, and checks go to 127.0.0.1', async () => {
    const hostPort = await freePort();
    const sandbox = await fixture.sandbox();
    await writeFile(join(sandbox, 'index.html'), 'zombies tracked\n');
    const spec = await fixture.spec({
      sandbox,
      command: { value: 'httpd -f -p 80 -h /mnt/mesos/sandbox' },
      container: {
        type: 'DOCKER',
        docker: {
          image: 'busybox',
          network: 'BRIDGE',
          port_mappings: [{ host_port: hostPort, container_port: 80, protocol: 'tcp' }],
        },
      },
      hostPorts: [hostPort],
    });
    const running = await containerizer.launch(spec);
    expect(running.healthCheckHost).toBe('127.0.0.1');
    let body = '';
    await eventually('the published port to answer', async () => {
      body = await fetch(`http://127.0.0.1:${hostPort}/index.html`)
        .then((response) => response.text())
        .catch(() => '');
      return body !== '';
    });
    expect(body).toBe('zombies tracked\n');
    await running.kill(1000);
  });

  it("answers the container's own address for BRIDGE without port mappings", async () => {
    const spec = await fixture.spec({
      command: { value: 'nc -ll -p 8080 -e echo pong' },
      container: { type: 'DOCKER', docker: { image: 'busybox', network: 'BRIDGE' } },
    });
    const running = await containerizer.launch(spec);
    expect(running.healthCheckHost).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(running.healthCheckHost).not.toBe('127.0.0.1');
    let answer = '';
    await eventually('the container address to answer', async () => {
      answer = await readLine(running.healthCheckHost, 8080).catch(() => '');
      return answer !== '';
    });
    expect(answer).toBe('pong\n');
    await running.kill(0);
  });

  it('mounts a RO volume read-only and a relative RW volume from the sandbox', async () => {
    const shared = await mkdtemp(join(tmpdir(), 'mesolite-docker-volume-'));
    try {
      await writeFile(join(shared, 'config.txt'), 'read me\n');
      const spec = await fixture.spec({
        command: {
          value: 'cat /config/config.txt; echo written > /work/out.txt; touch /config/new',
        },
        container: {
          type: 'DOCKER',
          docker: { image: 'busybox' },
          volumes: [
            { host_path: shared, container_path: '/config', mode: 'RO' },
            { host_path: 'work', container_path: '/work', mode: 'RW' },
          ],
        },
      });
      const termination = await ended(await containerizer.launch(spec));
      expect(termination.exitCode).not.toBe(0);
      expect(await readSandboxFile(spec.sandbox, 'stdout')).toBe('read me\n');
      expect(await readSandboxFile(spec.sandbox, 'stderr')).toMatch(/Read-only file system/);
      expect(await readSandboxFile(join(spec.sandbox, 'work'), 'out.txt')).toBe('written\n');
      await expect(stat(join(shared, 'new'))).rejects.toThrow();
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  it('runs COMMAND checks inside the container, bounded by their timeout', async () => {
    const spec = await fixture.spec({
      command: { value: 'sleep 60' },
      environment: { ROLE: 'tracker' },
    });
    const running = await containerizer.launch(spec);
    const runCheck = running.runCheck?.bind(running);
    if (!runCheck) throw new Error('the Docker containerizer runs COMMAND checks');

    expect(await runCheck({ value: 'test -f /mnt/mesos/sandbox/ready' }, 5000)).toMatchObject({
      exitCode: 1,
    });
    await writeFile(join(spec.sandbox, 'ready'), '');
    expect(await runCheck({ value: 'echo "$ROLE ok"' }, 5000)).toEqual({
      exitCode: 0,
      output: 'tracker ok\n',
    });

    const started = Date.now();
    const slow = await runCheck({ value: 'sleep 20' }, 500);
    expect(slow.exitCode).toBeNull();
    expect(slow.output).toMatch(/timed out after 0.5s/);
    expect(Date.now() - started).toBeLessThan(5000);
    // The timed-out check was killed, not left running in the container.
    const ps = await runCheck({ value: 'ps -o args' }, 5000);
    expect(ps.exitCode).toBe(0);
    expect(ps.output).toContain('sleep 60');
    expect(ps.output).not.toContain('sleep 20');
    await running.kill(0);
  });

  it('refuses what Mesos refuses before touching the engine', async () => {
    const spec = await fixture.spec({
      command: { value: 'true' },
      container: {
        type: 'DOCKER',
        docker: {
          image: 'busybox',
          network: 'BRIDGE',
          port_mappings: [{ host_port: 31999, container_port: 80 }],
        },
      },
      hostPorts: [31000],
    });
    await expect(containerizer.launch(spec)).rejects.toThrow(
      'Failed to create docker run options: Port [31999] not included in resources',
    );
    expect(await fixture.containers()).toEqual([]);
  });

  it('says plainly when Docker cannot start the command', async () => {
    const spec = await fixture.spec({
      command: { shell: false, value: 'no-such-program' },
    });
    await expect(containerizer.launch(spec)).rejects.toThrow(
      /Docker could not start container 'mesos-dt-.*': .*no-such-program/,
    );
    expect(await fixture.containers()).toEqual([]);
  });
});

describe('images', () => {
  it('fails fast with a clear message when the image is missing and cannot be pulled', async () => {
    const spec = await fixture.spec({
      command: { value: 'true' },
      container: { type: 'DOCKER', docker: { image: 'mesolite-test/no-such-image:1' } },
    });
    const started = Date.now();
    await expect(containerizer.launch(spec)).rejects.toThrow(
      /^Failed to pull image 'mesolite-test\/no-such-image:1': /,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await fixture.containers()).toEqual([]);
  });

  it('force_pull_image pulls even a local image, and fails the same way', async () => {
    const spec = await fixture.spec({
      command: { value: 'true' },
      container: { type: 'DOCKER', docker: { image: 'busybox', force_pull_image: true } },
    });
    await expect(containerizer.launch(spec)).rejects.toThrow(/^Failed to pull image 'busybox': /);
  });

  it('bounds a pull that hangs with its timeout', async () => {
    // A "registry" that accepts connections and never answers: the engine's pull hangs.
    const sockets = new Set<Socket>();
    const registry: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    const address = registry.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const hanging = new DockerContainerizer({
      docker,
      logger: createLogger('silent'),
      pullTimeoutMs: 1000,
    });
    try {
      const spec = await fixture.spec({
        command: { value: 'true' },
        container: { type: 'DOCKER', docker: { image: `127.0.0.1:${port}/stuck:1` } },
      });
      const started = Date.now();
      await expect(hanging.launch(spec)).rejects.toThrow(
        `Failed to pull image '127.0.0.1:${port}/stuck:1': no result within 1s`,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => registry.close(() => resolve()));
      await hanging.close();
    }
  });
});

describe('without a Docker engine', () => {
  it('is unavailable, and launch says why', async () => {
    const absent = new DockerContainerizer({
      docker: new Docker({ socketPath: '/nonexistent/docker.sock' }),
      logger: createLogger('silent'),
    });
    const availability = await absent.available();
    expect(availability.ok).toBe(false);
    if (availability.ok) return;
    expect(availability.message).toMatch(
      /^Docker engine is not available on this agent: .*nonexistent\/docker\.sock/,
    );
    const spec = await fixture.spec({ command: { value: 'true' } });
    await expect(absent.launch(spec)).rejects.toThrow(
      /^Docker engine is not available on this agent: /,
    );
  });

  it('is available with the engine', async () => {
    expect(await containerizer.available()).toEqual({ ok: true });
  });
});

/** Connects, and answers everything the server sent before it closed the connection. */
function readLine(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let data = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}
