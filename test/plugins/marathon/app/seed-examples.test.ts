import { parseAppDefinition } from '@mesolite/plugin-marathon/app/parse';
import type { AppDefinition } from '@mesolite/plugin-marathon/app/schema';
import { describe, expect, it } from 'vitest';
import { accepted, SEED_DOCKER_REGISTRY, SEED_SIMPLE_DOCKER, SEED_TOGGLE } from './app-fixtures.js';

// What every app gets for the fields none of the seeds sets.
const COMMON = {
  args: [],
  gpus: 0,
  executor: '',
  constraints: [],
  requirePorts: false,
  backoffSeconds: 1,
  backoffFactor: 1.15,
  maxLaunchDelaySeconds: 300,
  readinessChecks: [],
  dependencies: [],
  upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
  labels: {},
  killSelection: 'YOUNGEST_FIRST',
  unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
  role: '*',
} satisfies Partial<AppDefinition>;

describe("the seed's toggle example", () => {
  it('is accepted in canonical form: absolute id, fetch from uris, ports as port definitions', () => {
    const expected: AppDefinition = {
      ...COMMON,
      id: '/toggle',
      cmd: 'python toggle.py $PORT0',
      env: {},
      instances: 2,
      cpus: 0.2,
      mem: 32,
      disk: 0,
      fetch: [
        {
          uri: 'http://downloads.mesosphere.com/misc/toggle.tgz',
          extract: true,
          executable: false,
          cache: false,
        },
      ],
      portDefinitions: [{ port: 0, protocol: 'tcp', labels: {} }],
      networks: [{ mode: 'host', labels: {} }],
      healthChecks: [
        {
          protocol: 'HTTP',
          path: '/health',
          portIndex: 0,
          gracePeriodSeconds: 5,
          intervalSeconds: 10,
          timeoutSeconds: 10,
          maxConsecutiveFailures: 3,
          delaySeconds: 15,
          ipProtocol: 'IPv4',
          ignoreHttp1xx: false,
        },
      ],
    };
    expect(accepted(SEED_TOGGLE)).toEqual(expected);
  });
});

describe("the seed's simple-docker example", () => {
  it('is accepted as a DOCKER container under host networking with the default port', () => {
    const expected: AppDefinition = {
      ...COMMON,
      id: '/simple-docker',
      cmd: 'echo hello from docker',
      env: {},
      instances: 2,
      cpus: 0.2,
      mem: 32,
      disk: 0,
      fetch: [],
      portDefinitions: [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }],
      container: {
        type: 'DOCKER',
        docker: { image: 'busybox', privileged: false, parameters: [], forcePullImage: false },
        volumes: [],
      },
      networks: [{ mode: 'host', labels: {} }],
      healthChecks: [],
    };
    expect(accepted(SEED_SIMPLE_DOCKER)).toEqual(expected);
  });
});

describe("the seed's docker registry example", () => {
  it('is accepted with BRIDGE networking and its mapping moved to container.portMappings', () => {
    const expected: AppDefinition = {
      ...COMMON,
      id: '/docker/registry',
      env: { SETTINGS_FLAVOR: 'local', STORAGE_PATH: '/storage' },
      instances: 1,
      cpus: 0.5,
      mem: 1024,
      disk: 128,
      fetch: [],
      container: {
        type: 'DOCKER',
        docker: {
          image: 'registry:latest',
          privileged: false,
          parameters: [],
          forcePullImage: false,
        },
        volumes: [
          { containerPath: '/storage', hostPath: '/local/path/to/store/packages', mode: 'RW' },
        ],
        portMappings: [
          {
            containerPort: 5000,
            hostPort: 0,
            servicePort: 5000,
            protocol: 'tcp',
            labels: {},
            networkNames: [],
          },
        ],
      },
      networks: [{ mode: 'container/bridge', labels: {} }],
      healthChecks: [],
    };
    expect(accepted(SEED_DOCKER_REGISTRY)).toEqual(expected);
  });

  it("reports the docker object's stray `type` as an ignored field, as Marathon ignores it", () => {
    const result = parseAppDefinition(SEED_DOCKER_REGISTRY);
    expect(result.ok && result.ignoredFields).toEqual(['/container/docker/type']);
  });
});
