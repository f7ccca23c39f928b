import { describe, expect, it } from 'vitest';
import { accepted, MINIMAL } from './app-fixtures.js';

describe('an app that gives only id and cmd', () => {
  const app = accepted(MINIMAL);

  it.each([
    ['instances', 1],
    ['cpus', 1],
    ['mem', 128],
    ['disk', 0],
    ['gpus', 0],
    ['backoffSeconds', 1],
    ['backoffFactor', 1.15],
    ['maxLaunchDelaySeconds', 300],
    ['requirePorts', false],
    ['killSelection', 'YOUNGEST_FIRST'],
    ['executor', ''],
    ['role', '*'],
  ] as const)('has %s %j', (field, value) => {
    expect(app[field]).toBe(value);
  });

  it('has one port definition named "default"', () => {
    expect(app.portDefinitions).toEqual([
      { port: 0, protocol: 'tcp', name: 'default', labels: {} },
    ]);
  });

  it('uses host networking', () => {
    expect(app.networks).toEqual([{ mode: 'host', labels: {} }]);
  });

  it('upgrades without losing or exceeding capacity', () => {
    expect(app.upgradeStrategy).toEqual({ minimumHealthCapacity: 1, maximumOverCapacity: 1 });
  });

  it("has Marathon's current unreachable strategy, not the one in its docs", () => {
    expect(app.unreachableStrategy).toEqual({ inactiveAfterSeconds: 0, expungeAfterSeconds: 0 });
  });

  it('has no kill grace period, no accepted roles and no container', () => {
    expect([app.taskKillGracePeriodSeconds, app.acceptedResourceRoles, app.container]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('a health check that gives nothing', () => {
  const check = accepted({ ...MINIMAL, healthChecks: [{}] }).healthChecks[0];

  // No portIndex either: Marathon adds one only when the app posted port definitions.
  it("has Marathon's defaults: HTTP, 300 s grace, every 60 s, 20 s timeout, 3 failures", () => {
    expect(check).toEqual({
      protocol: 'HTTP',
      gracePeriodSeconds: 300,
      intervalSeconds: 60,
      timeoutSeconds: 20,
      maxConsecutiveFailures: 3,
      delaySeconds: 15,
      ipProtocol: 'IPv4',
      ignoreHttp1xx: false,
    });
  });
});

describe('a fetch entry that gives only its uri', () => {
  it('is extracted, not executable, not cached', () => {
    const app = accepted({ ...MINIMAL, fetch: [{ uri: 'http://host/tool' }] });
    expect(app.fetch).toEqual([
      { uri: 'http://host/tool', extract: true, executable: false, cache: false },
    ]);
  });
});

describe('a readiness check that gives only its port name', () => {
  it("has Marathon's defaults and status 200 for ready", () => {
    const app = accepted({
      ...MINIMAL,
      portDefinitions: [{ port: 0, name: 'http-api' }],
      readinessChecks: [{}],
    });
    expect(app.readinessChecks).toEqual([
      {
        name: 'readinessCheck',
        protocol: 'HTTP',
        path: '/',
        portName: 'http-api',
        intervalSeconds: 30,
        timeoutSeconds: 10,
        httpStatusCodesForReady: [200],
        preserveLastResponse: false,
      },
    ]);
  });
});

describe('an unreachable strategy', () => {
  it('may be "disabled"', () => {
    expect(accepted({ ...MINIMAL, unreachableStrategy: 'disabled' }).unreachableStrategy).toBe(
      'disabled',
    );
  });

  it('fills in 0 for the time it leaves out', () => {
    const app = accepted({ ...MINIMAL, unreachableStrategy: { expungeAfterSeconds: 600 } });
    expect(app.unreachableStrategy).toEqual({ inactiveAfterSeconds: 0, expungeAfterSeconds: 600 });
  });
});

describe('the role', () => {
  it("is the configured default role when the app names none (Marathon's --mesos_role)", () => {
    expect(accepted(MINIMAL, { defaultRole: 'marathon' }).role).toBe('marathon');
  });

  it('may be the name of the top-level group of the app', () => {
    expect(accepted({ ...MINIMAL, id: '/dev/web', role: 'dev' }).role).toBe('dev');
  });
});
