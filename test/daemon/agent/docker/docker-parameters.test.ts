import {
  applyDockerParameters,
  type ParameterContext,
  parseByteSize,
  type RunDraft,
} from '@mesolite/daemon/agent/docker/docker-parameters';
import { describe, expect, it } from 'vitest';

function draft(): RunDraft {
  return {
    env: new Map(),
    labels: new Map(),
    binds: [],
    exposedPorts: new Set(),
    portBindings: new Map(),
    host: {},
    config: {},
    entrypoint: undefined,
  };
}

const BRIDGE: ParameterContext = {
  network: 'bridge',
  hostPorts: [31000, 31001],
  reservedLabelPrefix: 'mesolite.',
};

function apply(parameters: Array<[string, string]>, context = BRIDGE): RunDraft {
  const target = draft();
  applyDockerParameters(
    parameters.map(([key, value]) => ({ key, value })),
    target,
    context,
  );
  return target;
}

describe('docker parameters', () => {
  it('maps the common docker run flags onto the create request', () => {
    const result = apply([
      ['env', 'A=1=2'],
      ['label', 'team=zombies'],
      ['label', 'flag'],
      ['volume', '/srv:/srv:ro'],
      ['user', 'nobody'],
      ['workdir', '/app'],
      ['hostname', 'tracker'],
      ['add-host', 'db:10.0.0.5'],
      ['add-host', 'cache=10.0.0.6'],
      ['cap-add', 'NET_ADMIN'],
      ['cap-drop', 'MKNOD'],
      ['memory', '512m'],
      ['cpus', '1.5'],
      ['cpu-shares', '512'],
      ['ulimit', 'nofile=1024:2048'],
      ['tmpfs', '/run:rw,size=64m'],
      ['sysctl', 'net.core.somaxconn=1024'],
      ['read-only', 'true'],
      ['init', ''],
      ['dns', '10.0.0.2'],
      ['device', '/dev/fuse'],
      ['stop-signal', 'SIGINT'],
    ]);
    expect(Object.fromEntries(result.env)).toEqual({ A: '1=2' });
    expect(Object.fromEntries(result.labels)).toEqual({ team: 'zombies', flag: '' });
    expect(result.binds).toEqual(['/srv:/srv:ro']);
    expect(result.config).toEqual({
      User: 'nobody',
      WorkingDir: '/app',
      Hostname: 'tracker',
      StopSignal: 'SIGINT',
    });
    expect(result.host).toEqual({
      ExtraHosts: ['db:10.0.0.5', 'cache:10.0.0.6'],
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['MKNOD'],
      Memory: 512 * 1024 * 1024,
      NanoCpus: 1_500_000_000,
      CpuShares: 512,
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
      Tmpfs: { '/run': 'rw,size=64m' },
      Sysctls: { 'net.core.somaxconn': '1024' },
      ReadonlyRootfs: true,
      Init: true,
      Dns: ['10.0.0.2'],
      Devices: [
        { PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' },
      ],
    });
  });

  it("publishes only the task's host ports, and only on BRIDGE", () => {
    const result = apply([
      ['publish', '31000:80'],
      ['publish', '127.0.0.1:31001:53/udp'],
    ]);
    expect([...result.exposedPorts]).toEqual(['80/tcp', '53/udp']);
    expect(Object.fromEntries(result.portBindings)).toEqual({
      '80/tcp': [{ HostPort: '31000' }],
      '53/udp': [{ HostPort: '31001', HostIp: '127.0.0.1' }],
    });
    expect(() => apply([['publish', '32000:80']])).toThrow(
      'Port [32000] not included in resources',
    );
    expect(() => apply([['publish', '80']])).toThrow(
      "must name the host port, one of the task's ports",
    );
    expect(() => apply([['publish', '31000:80']], { ...BRIDGE, network: 'host' })).toThrow(
      "Docker parameter 'publish' needs BRIDGE networking; this container uses HOST",
    );
  });

  it('refuses unknown parameters by name, listing the supported ones', () => {
    expect(() => apply([['frobnicate', 'yes']])).toThrow(
      /^Failed to create docker run options: Docker parameter 'frobnicate' is not supported by mesolite; the supported ones are .*env.*publish/,
    );
    // Names of Object.prototype members are parameters like any other unknown one.
    expect(() => apply([['constructor', 'x']])).toThrow(
      "Docker parameter 'constructor' is not supported",
    );
    expect(() => apply([['__proto__', 'x']])).toThrow(
      "Docker parameter '__proto__' is not supported",
    );
  });

  it('refuses flags that would fight the agent, with the reason', () => {
    expect(() => apply([['restart', 'always']])).toThrow(
      "Docker parameter 'restart' is not allowed: the framework restarts tasks",
    );
    expect(() => apply([['name', 'web']])).toThrow("Docker parameter 'name' is not allowed");
    expect(() => apply([['net', 'host']])).toThrow('set container.docker.network');
    expect(() => apply([['log-driver', 'none']])).toThrow("copies the container's logs");
    expect(() => apply([['tty', 'true']])).toThrow('a TTY merges stdout and stderr');
    expect(() => apply([['health-interval', '5s']])).toThrow("use the task's health_check");
  });

  it('refuses malformed values with what was expected', () => {
    expect(() => apply([['env', 'NOVALUE']])).toThrow(
      "Docker parameter 'env' has the value 'NOVALUE', expected NAME=VALUE",
    );
    expect(() => apply([['memory', 'lots']])).toThrow('expected a size such as 512m or 1g');
    expect(() => apply([['privileged', 'yes']])).toThrow('expected true or false');
    expect(() => apply([['label', 'mesolite.task_id=x']])).toThrow(
      "labels starting with 'mesolite.' belong to the agent",
    );
    expect(() => apply([['hostname', 'x']], { ...BRIDGE, network: 'host' })).toThrow(
      'Unable to set hostname with host network mode',
    );
  });

  it('reads sizes as the Docker CLI does', () => {
    expect(parseByteSize('memory', '1024')).toBe(1024);
    expect(parseByteSize('memory', '64k')).toBe(64 * 1024);
    expect(parseByteSize('memory', '1.5g')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('memory', '256MiB')).toBe(256 * 1024 ** 2);
    expect(parseByteSize('memory', '2 GB')).toBe(2 * 1024 ** 3);
  });
});
