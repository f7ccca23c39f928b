import { AppDefinition } from '@mesolite/plugin-marathon/app/schema';
import { serializeApp } from '@mesolite/plugin-marathon/app/serialize';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import {
  accepted,
  MINIMAL,
  SEED_DOCKER_REGISTRY,
  SEED_SIMPLE_DOCKER,
  SEED_TOGGLE,
} from './app-fixtures.js';

const VERSION = '2015-02-03T12:30:00.000Z';

// Uses every field the canonical form has, so that a round trip exercises all of them.
const EVERYTHING = {
  id: '/prod/web',
  cmd: 'python -m http.server $PORT0',
  user: 'nobody',
  env: { MODE: 'prod' },
  instances: 3,
  cpus: 0.25,
  mem: 64,
  disk: 10,
  executor: '//cmd',
  constraints: [
    ['hostname', 'UNIQUE'],
    ['rack', 'GROUP_BY', '2'],
  ],
  fetch: [{ uri: 'http://host/app.tgz', destPath: 'app.tgz', cache: true }],
  portDefinitions: [{ port: 10001, name: 'http', labels: { VIP_0: '/web:80' }, protocol: 'tcp' }],
  requirePorts: true,
  backoffSeconds: 2,
  backoffFactor: 2,
  maxLaunchDelaySeconds: 60,
  healthChecks: [
    { protocol: 'HTTP', path: '/health', portIndex: 0, gracePeriodSeconds: 10 },
    { protocol: 'COMMAND', command: { value: 'true' } },
  ],
  readinessChecks: [{ portName: 'http', intervalSeconds: 20 }],
  dependencies: ['/prod/db'],
  upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.25 },
  labels: { team: 'web' },
  acceptedResourceRoles: ['*'],
  version: VERSION,
  killSelection: 'OLDEST_FIRST',
  taskKillGracePeriodSeconds: 30,
  unreachableStrategy: 'disabled',
};

describe('serializing an app', () => {
  it("writes Marathon 1.5's networking, never the deprecated fields", () => {
    const json = serializeApp(accepted(SEED_DOCKER_REGISTRY));
    expect([json.networks, json.ports, json.uris, json.container]).toEqual([
      [{ mode: 'container/bridge' }],
      undefined,
      undefined,
      {
        type: 'DOCKER',
        docker: {
          forcePullImage: false,
          image: 'registry:latest',
          parameters: [],
          privileged: false,
        },
        volumes: [
          { containerPath: '/storage', hostPath: '/local/path/to/store/packages', mode: 'RW' },
        ],
        portMappings: [
          { containerPort: 5000, hostPort: 0, labels: {}, protocol: 'tcp', servicePort: 5000 },
        ],
      },
    ]);
  });

  it('writes what Marathon writes for the toggle example', () => {
    expect(serializeApp({ ...accepted(SEED_TOGGLE), version: VERSION })).toEqual({
      id: '/toggle',
      backoffFactor: 1.15,
      backoffSeconds: 1,
      cmd: 'python toggle.py $PORT0',
      cpus: 0.2,
      disk: 0,
      executor: '',
      fetch: [
        {
          uri: 'http://downloads.mesosphere.com/misc/toggle.tgz',
          extract: true,
          executable: false,
          cache: false,
        },
      ],
      healthChecks: [
        {
          gracePeriodSeconds: 5,
          ignoreHttp1xx: false,
          intervalSeconds: 10,
          maxConsecutiveFailures: 3,
          path: '/health',
          portIndex: 0,
          protocol: 'HTTP',
          ipProtocol: 'IPv4',
          timeoutSeconds: 10,
          delaySeconds: 15,
        },
      ],
      instances: 2,
      labels: {},
      maxLaunchDelaySeconds: 300,
      mem: 32,
      gpus: 0,
      networks: [{ mode: 'host' }],
      portDefinitions: [{ port: 0, protocol: 'tcp' }],
      requirePorts: false,
      upgradeStrategy: { maximumOverCapacity: 1, minimumHealthCapacity: 1 },
      version: VERSION,
      killSelection: 'YOUNGEST_FIRST',
      unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
      role: '*',
    });
  });

  it('leaves out the empty lists Marathon leaves out, and keeps labels', () => {
    const json = serializeApp(accepted(MINIMAL));
    expect(Object.keys(json).filter((key) => ['args', 'env', 'labels'].includes(key))).toEqual([
      'labels',
    ]);
  });

  it('writes the version info when the app has one', () => {
    const versionInfo = { lastScalingAt: VERSION, lastConfigChangeAt: VERSION };
    expect(serializeApp({ ...accepted(MINIMAL), versionInfo }).versionInfo).toEqual(versionInfo);
  });
});

describe('reading back what was written', () => {
  it.each([
    ['the toggle example', SEED_TOGGLE],
    ['the simple-docker example', SEED_SIMPLE_DOCKER],
    ['the docker registry example', SEED_DOCKER_REGISTRY],
    ['an app with every field', EVERYTHING],
    [
      'a Mesos container on a named network',
      {
        ...MINIMAL,
        networks: [{ mode: 'container', name: 'overlay', labels: { zone: 'a' } }],
        container: {
          type: 'MESOS',
          docker: { image: 'alpine', forcePullImage: true },
          portMappings: [{ containerPort: 80, name: 'http', networkNames: ['overlay'] }],
        },
      },
    ],
  ])('gives the same app for %s', (_name, definition) => {
    const app = accepted(definition);
    expect(accepted(serializeApp(app))).toEqual(app);
  });
});

describe('the canonical form', () => {
  it('of every example satisfies the AppDefinition schema, for stores that check it', () => {
    const check = Compile(AppDefinition);
    const apps = [SEED_TOGGLE, SEED_SIMPLE_DOCKER, SEED_DOCKER_REGISTRY, EVERYTHING].map((json) =>
      accepted(json),
    );
    expect(apps.every((app) => check.Check(app))).toBe(true);
  });
});
