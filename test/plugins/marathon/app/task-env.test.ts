import {
  labelsEnvironment,
  portsEnvironment,
  taskEnvironment,
} from '@mesolite/plugin-marathon/app/task-env';
import { describe, expect, it } from 'vitest';
import { accepted, MINIMAL, SEED_DOCKER_REGISTRY } from './app-fixtures.js';

const VERSION = '2015-02-03T12:30:00.000Z';
const TASK_ID = 'app.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1';

describe('the task context', () => {
  it("is Marathon's, resources printed as the JVM prints doubles", () => {
    const env = taskEnvironment({
      app: accepted({ ...MINIMAL, ports: [] }),
      version: VERSION,
      taskId: TASK_ID,
      hostname: 'agent-1',
      hostPorts: [],
    });
    expect(Object.fromEntries(env)).toEqual({
      MESOS_TASK_ID: TASK_ID,
      MARATHON_APP_ID: '/app',
      MARATHON_APP_VERSION: VERSION,
      MARATHON_APP_RESOURCE_CPUS: '1.0',
      MARATHON_APP_RESOURCE_MEM: '128.0',
      MARATHON_APP_RESOURCE_DISK: '0.0',
      MARATHON_APP_RESOURCE_GPUS: '0',
      MARATHON_APP_ENFORCE_GROUP_ROLE: 'FALSE',
      MARATHON_APP_LABELS: '',
      HOST: 'agent-1',
    });
  });

  it('names the image of a Docker container', () => {
    const env = taskEnvironment({
      app: accepted(SEED_DOCKER_REGISTRY),
      version: VERSION,
      taskId: TASK_ID,
      hostname: 'agent-1',
      hostPorts: [31000],
    });
    expect(env.get('MARATHON_APP_DOCKER_IMAGE')).toBe('registry:latest');
  });

  it("lets the app's env override what Marathon sets", () => {
    const env = taskEnvironment({
      app: accepted({ ...MINIMAL, env: { HOST: 'example.org', PORT0: '80' } }),
      version: VERSION,
      taskId: TASK_ID,
      hostname: 'agent-1',
      hostPorts: [31000],
    });
    expect([env.get('HOST'), env.get('PORT0')]).toEqual(['example.org', '80']);
  });

  it('puts the env prefix before the port variables and HOST only', () => {
    const env = taskEnvironment({
      app: accepted(MINIMAL),
      version: VERSION,
      taskId: TASK_ID,
      hostname: 'agent-1',
      hostPorts: [31000],
      envPrefix: 'CUSTOM_PREFIX_',
    });
    expect(
      [...env.keys()].filter((name) => name.includes('PORT') || name.endsWith('HOST')),
    ).toEqual([
      'CUSTOM_PREFIX_PORT0',
      'CUSTOM_PREFIX_PORT_31000',
      'CUSTOM_PREFIX_PORT_DEFAULT',
      'CUSTOM_PREFIX_PORT',
      'CUSTOM_PREFIX_PORTS',
      'CUSTOM_PREFIX_HOST',
    ]);
  });
});

describe('labels in the environment', () => {
  it('are listed and given one variable each, names made safe', () => {
    expect(labelsEnvironment({ team: 'web', 'tier-1.x': 'front' })).toEqual([
      ['MARATHON_APP_LABELS', 'TEAM TIER_1_X'],
      ['MARATHON_APP_LABEL_TEAM', 'web'],
      ['MARATHON_APP_LABEL_TIER_1_X', 'front'],
    ]);
  });

  it('leave out a label too long for an environment variable', () => {
    expect(labelsEnvironment({ big: 'x'.repeat(512) })).toEqual([['MARATHON_APP_LABELS', '']]);
  });
});

describe('ports in the environment', () => {
  it('map each index, requested port and name to the host port', () => {
    const env = portsEnvironment(
      [
        { name: 'http', port: 8080 },
        { name: undefined, port: 0 },
      ],
      [31000, 31001],
    );
    expect(Object.fromEntries(env)).toEqual({
      PORT0: '31000',
      PORT1: '31001',
      PORT_8080: '31000',
      PORT_31001: '31001',
      PORT_HTTP: '31000',
      PORT: '31000',
      PORTS: '31000,31001',
    });
  });

  it('map a BRIDGE container port to the host port, as PORT_<container port>', () => {
    expect(Object.fromEntries(portsEnvironment([{ name: 'web', port: 5000 }], [31005]))).toEqual({
      PORT0: '31005',
      PORT_5000: '31005',
      PORT_WEB: '31005',
      PORT: '31005',
      PORTS: '31005',
    });
  });

  it('give a container port without a host port as it is', () => {
    expect(Object.fromEntries(portsEnvironment([{ name: undefined, port: 80 }], [null]))).toEqual({
      PORT0: '80',
      PORT_80: '80',
      PORTS: '',
    });
  });

  it('invent a container port for one that asks for any and gets no host port', () => {
    const env = Object.fromEntries(portsEnvironment([{ name: 'x', port: 0 }], [null], () => 0));
    expect(env).toEqual({
      PORT0: '1025',
      PORT_1025: '1025',
      PORT_X: '1025',
      PORT: '1025',
      PORTS: '1025',
    });
  });

  it('are absent when the app has no ports', () => {
    expect(portsEnvironment([], [])).toEqual([]);
  });
});
