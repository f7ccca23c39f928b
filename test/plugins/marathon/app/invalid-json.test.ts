import { parseAppDefinition } from '@mesolite/plugin-marathon/app/parse';
import { describe, expect, it } from 'vitest';
import { accepted, MINIMAL, refused } from './app-fixtures.js';

// A body that does not fit Marathon's types is answered like Marathon's JsResultException:
// 422, "Invalid JSON", play-json's codes under play-json's paths.
const invalid = (...details: { path: string; errors: string[] }[]) => ({
  message: 'Invalid JSON',
  details,
});

describe('a body of the wrong shape', () => {
  it('without an id', () => {
    expect(refused({ cmd: 'sleep 1' })).toEqual(
      invalid({ path: '/id', errors: ['error.path.missing'] }),
    );
  });

  it('with a number for the id', () => {
    expect(refused({ id: 123 })).toEqual(
      invalid({ path: '/id', errors: ['error.expected.jsstring'] }),
    );
  });

  it('with an id outside the id pattern', () => {
    expect(refused({ ...MINIMAL, id: '/App' })).toEqual(
      invalid({ path: '/id', errors: ['error.pattern'] }),
    );
  });

  it('with an empty id', () => {
    expect(refused({ ...MINIMAL, id: '' })).toEqual(
      invalid({ path: '/id', errors: ['error.minLength'] }),
    );
  });

  it('that is not an object', () => {
    expect(refused([])).toEqual(invalid({ path: '/', errors: ['error.expected.jsobject'] }));
  });
});

describe('numbers out of range', () => {
  it.each([
    ['cpus', -1, 'error.min'],
    ['cpus', 0, 'error.min'],
    ['mem', -128, 'error.min'],
    ['disk', -1, 'error.min'],
    ['gpus', -1, 'error.min'],
    ['instances', -1, 'error.min'],
    ['backoffFactor', 0.5, 'error.min'],
    ['backoffSeconds', -1, 'error.min'],
    ['maxLaunchDelaySeconds', -1, 'error.min'],
    ['taskKillGracePeriodSeconds', -1, 'error.min'],
  ])('%s %d is %s', (field, value, code) => {
    expect(refused({ ...MINIMAL, [field]: value })).toEqual(
      invalid({ path: `/${field}`, errors: [code] }),
    );
  });

  it('a port above 65535', () => {
    expect(refused({ ...MINIMAL, portDefinitions: [{ port: 70000 }] })).toEqual(
      invalid({ path: '/portDefinitions(0)/port', errors: ['error.max'] }),
    );
  });

  it('an upgrade capacity above 1', () => {
    const body = {
      ...MINIMAL,
      upgradeStrategy: { minimumHealthCapacity: 1.5, maximumOverCapacity: 0.5 },
    };
    expect(refused(body)).toEqual(
      invalid({ path: '/upgradeStrategy/minimumHealthCapacity', errors: ['error.max'] }),
    );
  });
});

describe('values of the wrong type', () => {
  it('a fraction of an instance', () => {
    expect(refused({ ...MINIMAL, instances: 0.1 })).toEqual(
      invalid({ path: '/instances', errors: ['error.expected.int'] }),
    );
  });

  it('a string for cpus', () => {
    expect(refused({ ...MINIMAL, cpus: '1' })).toEqual(
      invalid({ path: '/cpus', errors: ['error.expected.jsnumber'] }),
    );
  });

  it('a string for args', () => {
    expect(refused({ ...MINIMAL, args: 'sleep' })).toEqual(
      invalid({ path: '/args', errors: ['error.expected.jsarray'] }),
    );
  });

  it('a number for a label', () => {
    expect(refused({ ...MINIMAL, labels: { team: 1 } })).toEqual(
      invalid({ path: '/labels/team', errors: ['error.expected.jsstring'] }),
    );
  });

  it('a string for requirePorts', () => {
    expect(refused({ ...MINIMAL, requirePorts: 'yes' })).toEqual(
      invalid({ path: '/requirePorts', errors: ['error.expected.jsboolean'] }),
    );
  });

  it('an unknown kill selection', () => {
    expect(refused({ ...MINIMAL, killSelection: 'YoungestFirst' })).toEqual(
      invalid({ path: '/killSelection', errors: ['error.unknown.enum.literal'] }),
    );
  });

  it('an unknown health check protocol', () => {
    expect(refused({ ...MINIMAL, healthChecks: [{ protocol: 'GRPC' }] })).toEqual(
      invalid({ path: '/healthChecks(0)/protocol', errors: ['error.unknown.enum.literal'] }),
    );
  });

  it('a port protocol Marathon does not know ("tcp,udp" is spelled "udp,tcp")', () => {
    expect(refused({ ...MINIMAL, portDefinitions: [{ protocol: 'tcp,udp' }] })).toEqual(
      invalid({ path: '/portDefinitions(0)/protocol', errors: ['error.unknown.enum.literal'] }),
    );
  });

  it('a port name outside the name pattern', () => {
    expect(refused({ ...MINIMAL, portDefinitions: [{ name: 'Http' }] })).toEqual(
      invalid({ path: '/portDefinitions(0)/name', errors: ['error.pattern'] }),
    );
  });

  it('a constraint with one element', () => {
    expect(refused({ ...MINIMAL, constraints: [['hostname']] })).toEqual(
      invalid({ path: '/constraints(0)', errors: ['error.minLength'] }),
    );
  });

  it('a version that is not a timestamp', () => {
    expect(refused({ ...MINIMAL, version: 'yesterday' })).toEqual(
      invalid({ path: '/version', errors: ['error.expected.date.isoformat'] }),
    );
  });

  it('an unreachable strategy that is neither "disabled" nor an object', () => {
    expect(refused({ ...MINIMAL, unreachableStrategy: 'never' })).toEqual(
      invalid({ path: '/unreachableStrategy', errors: ['error.expected.jsobject'] }),
    );
  });
});

describe('nested fields that are required', () => {
  it("a docker container's image", () => {
    expect(refused({ ...MINIMAL, container: { docker: {} } })).toEqual(
      invalid({ path: '/container/docker/image', errors: ['error.path.missing'] }),
    );
  });

  it("a fetch entry's uri", () => {
    expect(refused({ ...MINIMAL, fetch: [{ extract: false }] })).toEqual(
      invalid({ path: '/fetch(0)/uri', errors: ['error.path.missing'] }),
    );
  });

  it("a host volume's hostPath, reported as Marathon reports any volume it cannot read", () => {
    const body = { ...MINIMAL, container: { volumes: [{ containerPath: '/data', mode: 'RW' }] } };
    expect(refused(body)).toEqual(
      invalid({ path: '/container/volumes(0)/hostPath', errors: ['error.path.missing'] }),
    );
  });

  it('both capacities of an upgrade strategy', () => {
    expect(refused({ ...MINIMAL, upgradeStrategy: { minimumHealthCapacity: 0.5 } })).toEqual(
      invalid({ path: '/upgradeStrategy/maximumOverCapacity', errors: ['error.path.missing'] }),
    );
  });
});

describe('every bad field', () => {
  it('is named, not only the first', () => {
    const body = { id: '/app', cmd: 'sleep 1', cpus: -1, mem: 'lots', instances: 1.5 };
    expect(refused(body)).toEqual(
      invalid(
        { path: '/cpus', errors: ['error.min'] },
        { path: '/instances', errors: ['error.expected.int'] },
        { path: '/mem', errors: ['error.expected.jsnumber'] },
      ),
    );
  });
});

describe('lenient reading, as Marathon reads', () => {
  it('matches enum literals regardless of case', () => {
    const app = accepted({ ...MINIMAL, killSelection: 'oldest_first' });
    expect(app.killSelection).toBe('OLDEST_FIRST');
  });

  it('takes null for an optional field as absent', () => {
    expect(accepted({ ...MINIMAL, user: null, instances: null }).instances).toBe(1);
  });

  it('ignores unknown fields and lists them', () => {
    const result = parseAppDefinition({
      ...MINIMAL,
      uptime: 5,
      container: { docker: { image: 'a', tty: true } },
    });
    expect(result.ok && result.ignoredFields).toEqual(['/container/docker/tty', '/uptime']);
  });
});

describe('maps read from JSON', () => {
  it('keep a key named __proto__ as an ordinary key', () => {
    const app = accepted(
      JSON.parse('{"id": "/app", "cmd": "sleep 1", "labels": {"__proto__": "x"}}'),
    );
    expect(Object.entries(app.labels)).toEqual([['__proto__', 'x']]);
  });
});
