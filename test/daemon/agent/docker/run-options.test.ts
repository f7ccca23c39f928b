import type { LaunchSpec } from '@mesolite/daemon/agent/containerizer';
import { buildRunOptions } from '@mesolite/daemon/agent/docker/run-options';
import type { ContainerInfo } from '@mesolite/daemon/protocol/mesos';
import { describe, expect, it } from 'vitest';

const SANDBOX = '/var/lib/mesolite/agents/a1/frameworks/f1/executors/t1/runs/c1';

function spec(overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  return {
    containerId: 'c1',
    frameworkId: 'f1',
    executorId: 't1',
    taskId: 't1',
    sandbox: SANDBOX,
    command: { value: 'echo hello from docker' },
    container: { type: 'DOCKER', docker: { image: 'busybox' } },
    environment: { MESOS_TASK_ID: 't1', MESOS_SANDBOX: SANDBOX },
    limits: {},
    hostPorts: [],
    ...overrides,
  };
}

function docker(
  info: Partial<NonNullable<ContainerInfo['docker']>>,
  extra: Partial<ContainerInfo> = {},
) {
  return {
    container: { type: 'DOCKER' as const, docker: { image: 'busybox', ...info }, ...extra },
  };
}

describe('buildRunOptions', () => {
  it('runs the seed example: HOST network, /bin/sh -c, sandbox mounted, labelled', () => {
    const run = buildRunOptions(spec(), { agentId: 'a1' });
    expect(run).toMatchObject({
      name: 'mesos-c1',
      image: 'busybox',
      forcePullImage: false,
      network: 'host',
      publishesPorts: false,
    });
    expect(run.create).toMatchObject({
      name: 'mesos-c1',
      Image: 'busybox',
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: ['echo hello from docker'],
      Tty: false,
      Labels: {
        'mesolite.container_id': 'c1',
        'mesolite.task_id': 't1',
        'mesolite.framework_id': 'f1',
        'mesolite.executor_id': 't1',
        'mesolite.agent_id': 'a1',
      },
      HostConfig: { NetworkMode: 'host', Binds: [`${SANDBOX}:/mnt/mesos/sandbox`] },
    });
    expect(run.create.Env).toEqual([
      'MESOS_TASK_ID=t1',
      'MESOS_SANDBOX=/mnt/mesos/sandbox',
      'MESOS_CONTAINER_NAME=mesos-c1',
    ]);
  });

  it("keeps the image's entrypoint for shell=false: value and arguments are its arguments", () => {
    expect(
      buildRunOptions(spec({ command: { shell: false, arguments: ['-p', '80'] } })).create,
    ).toMatchObject({ Cmd: ['-p', '80'] });
    const withValue = buildRunOptions(
      spec({ command: { shell: false, value: 'serve', arguments: ['--port', '80'] } }),
    ).create;
    expect(withValue.Cmd).toEqual(['serve', '--port', '80']);
    expect(withValue.Entrypoint).toBeUndefined();
    const imageDefault = buildRunOptions(spec({ command: { shell: false } })).create;
    expect(imageDefault.Cmd).toBeUndefined();
    expect(imageDefault.Entrypoint).toBeUndefined();
  });

  it('takes an entrypoint parameter only with shell=false', () => {
    const run = buildRunOptions(
      spec({
        command: { shell: false, arguments: ['x'] },
        ...docker({ parameters: [{ key: 'entrypoint', value: '/bin/echo' }] }),
      }),
    );
    expect(run.create).toMatchObject({ Entrypoint: ['/bin/echo'], Cmd: ['x'] });
    expect(() =>
      buildRunOptions(spec(docker({ parameters: [{ key: 'entrypoint', value: '/bin/echo' }] }))),
    ).toThrow("Docker parameter 'entrypoint' needs a command with shell=false");
  });

  it('refuses a shell command without a value, as Mesos does', () => {
    expect(() => buildRunOptions(spec({ command: {} }))).toThrow(
      'Failed to create docker run options: Shell specified but no command value provided',
    );
  });

  it('maps networks, and refuses USER networks clearly', () => {
    expect(
      buildRunOptions(spec(docker({ network: 'BRIDGE' }))).create.HostConfig?.NetworkMode,
    ).toBe('bridge');
    expect(buildRunOptions(spec(docker({ network: 'NONE' }))).network).toBe('none');
    expect(() => buildRunOptions(spec(docker({ network: 'USER' })))).toThrow(
      'USER networks are not supported by mesolite; use network HOST, BRIDGE or NONE',
    );
  });

  it("publishes port mappings on the task's host ports, for each protocol", () => {
    const run = buildRunOptions(
      spec({
        ...docker({
          network: 'BRIDGE',
          port_mappings: [
            { host_port: 31000, container_port: 80 },
            { host_port: 31001, container_port: 53, protocol: 'udp,tcp' },
          ],
        }),
        hostPorts: [31000, 31001],
      }),
    );
    expect(run.publishesPorts).toBe(true);
    expect(run.create.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {}, '53/tcp': {} });
    expect(run.create.HostConfig?.PortBindings).toEqual({
      '80/tcp': [{ HostPort: '31000' }],
      '53/udp': [{ HostPort: '31001' }],
      '53/tcp': [{ HostPort: '31001' }],
    });
  });

  it('refuses port mappings off BRIDGE, outside the resources, or with an odd protocol', () => {
    const mapping = { host_port: 31000, container_port: 80 };
    expect(() =>
      buildRunOptions(spec({ ...docker({ port_mappings: [mapping] }), hostPorts: [31000] })),
    ).toThrow('Port mappings are only supported for bridge and user-defined networks');
    expect(() =>
      buildRunOptions(spec(docker({ network: 'BRIDGE', port_mappings: [mapping] }))),
    ).toThrow('Port [31000] not included in resources');
    expect(() =>
      buildRunOptions(
        spec({
          ...docker({ network: 'BRIDGE', port_mappings: [{ ...mapping, protocol: 'http' }] }),
          hostPorts: [31000],
        }),
      ),
    ).toThrow("Unsupported port mapping protocol 'http'");
  });

  it('binds volumes with their mode; relative paths are relative to the sandbox', () => {
    const run = buildRunOptions(
      spec(
        docker(
          {},
          {
            volumes: [
              { host_path: '/srv/config', container_path: '/config', mode: 'RO' },
              { host_path: 'data', container_path: '/data', mode: 'RW' },
              { host_path: '/srv/cache', container_path: 'cache', mode: 'RW' },
            ],
          },
        ),
      ),
    );
    expect(run.create.HostConfig?.Binds).toEqual([
      '/srv/config:/config:ro',
      `${SANDBOX}/data:/data:rw`,
      '/srv/cache:/mnt/mesos/sandbox/cache:rw',
      `${SANDBOX}:/mnt/mesos/sandbox`,
    ]);
  });

  it('refuses volumes Mesos refuses, and relative paths that leave the sandbox', () => {
    const withVolume = (volume: { host_path?: string; container_path: string }) =>
      spec(docker({}, { volumes: [{ mode: 'RW', ...volume }] }));
    expect(() => buildRunOptions(withVolume({ container_path: '/data' }))).toThrow(
      "The volume at '/data' has no host_path",
    );
    expect(() => buildRunOptions(withVolume({ host_path: 'a', container_path: 'b' }))).toThrow(
      "Both host_path 'a' and container_path 'b' of a volume are relative",
    );
    expect(() =>
      buildRunOptions(withVolume({ host_path: '../../etc', container_path: '/etc2' })),
    ).toThrow("The relative host_path '../../etc' leaves the sandbox");
  });

  it('sets the hostname except on the host network', () => {
    expect(
      buildRunOptions(spec(docker({ network: 'BRIDGE' }, { hostname: 'tracker' }))).create.Hostname,
    ).toBe('tracker');
    expect(() => buildRunOptions(spec(docker({}, { hostname: 'tracker' })))).toThrow(
      'Unable to set hostname with host network mode',
    );
  });

  it("enforces the task's cpus and mem as Mesos does (shares, 32 MB floor, no extra swap)", () => {
    const host = buildRunOptions(spec({ limits: { cpus: 0.25, memMb: 16 } })).create.HostConfig;
    expect(host).toMatchObject({
      CpuShares: 256,
      Memory: 32 * 1024 * 1024,
      MemorySwap: 32 * 1024 * 1024,
    });
    expect(host?.NanoCpus).toBeUndefined();
    const tiny = buildRunOptions(spec({ limits: { cpus: 0.001, memMb: 128 } }), { cpuQuota: true });
    expect(tiny.create.HostConfig).toMatchObject({
      CpuShares: 2,
      NanoCpus: 10_000_000,
      Memory: 128 * 1024 * 1024,
    });
    expect(tiny.memoryLimitBytes).toBe(128 * 1024 * 1024);
  });

  it('lets a memory parameter win over the limit, and keeps an explicit swap', () => {
    const run = buildRunOptions(
      spec({
        limits: { memMb: 64 },
        ...docker({
          parameters: [
            { key: 'memory', value: '256m' },
            { key: 'memory-swap', value: '-1' },
          ],
        }),
      }),
    );
    expect(run.create.HostConfig).toMatchObject({ Memory: 256 * 1024 * 1024, MemorySwap: -1 });
    expect(run.memoryLimitBytes).toBe(256 * 1024 * 1024);
  });

  it('sets privileged and force_pull_image', () => {
    const run = buildRunOptions(spec(docker({ privileged: true, force_pull_image: true })));
    expect(run.forcePullImage).toBe(true);
    expect(run.create.HostConfig?.Privileged).toBe(true);
  });

  it('lets env parameters override the task environment, as later -e flags do', () => {
    const run = buildRunOptions(
      spec(docker({ parameters: [{ key: 'env', value: 'MESOS_TASK_ID=override=1' }] })),
    );
    expect(run.create.Env).toContain('MESOS_TASK_ID=override=1');
    expect(run.create.Env).not.toContain('MESOS_TASK_ID=t1');
  });

  it('refuses what is not a Docker container or cannot name one', () => {
    expect(() => buildRunOptions(spec({ container: { type: 'MESOS' } }))).toThrow(
      'the container is of type MESOS',
    );
    expect(() => buildRunOptions(spec({ container: undefined }))).toThrow(
      'the task has no container.docker',
    );
    expect(() => buildRunOptions(spec({ containerId: 'bad/id' }))).toThrow(
      "container id 'bad/id' cannot name a Docker container",
    );
  });
});
