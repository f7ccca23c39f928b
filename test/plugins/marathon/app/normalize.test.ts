import { describe, expect, it } from 'vitest';
import { accepted, MINIMAL } from './app-fixtures.js';

const BRIDGE_MAPPING = { containerPort: 80, hostPort: 0, servicePort: 10000, protocol: 'tcp' };

describe('the two forms of networking', () => {
  it('give the same app for BRIDGE: docker.network + docker.portMappings, or networks + portMappings', () => {
    const before15 = {
      id: '/web',
      container: {
        type: 'DOCKER',
        docker: { image: 'nginx', network: 'BRIDGE', portMappings: [BRIDGE_MAPPING] },
      },
    };
    const since15 = {
      id: '/web',
      networks: [{ mode: 'container/bridge' }],
      container: { type: 'DOCKER', docker: { image: 'nginx' }, portMappings: [BRIDGE_MAPPING] },
    };
    expect(accepted(before15)).toEqual(accepted(since15));
  });

  it('give the same app for HOST: docker.network HOST, or no networks at all', () => {
    const before15 = { id: '/web', container: { docker: { image: 'nginx', network: 'HOST' } } };
    const since15 = { id: '/web', container: { docker: { image: 'nginx' } } };
    expect(accepted(before15)).toEqual(accepted(since15));
  });

  it('translate docker.network USER into a container network, named by the default network', () => {
    const app = accepted(
      { id: '/web', container: { docker: { image: 'nginx', network: 'USER' } } },
      { defaultNetworkName: 'dcos' },
    );
    expect(app.networks).toEqual([{ mode: 'container', name: 'dcos', labels: {} }]);
  });
});

describe('port mappings', () => {
  it('get host port 0 under BRIDGE networking when they name none', () => {
    const app = accepted({
      id: '/web',
      networks: [{ mode: 'container/bridge' }],
      container: { docker: { image: 'nginx' }, portMappings: [{ containerPort: 80 }] },
    });
    expect(app.container?.portMappings?.[0]?.hostPort).toBe(0);
  });

  it('keep no host port on a container network when they name none', () => {
    const app = accepted({
      id: '/web',
      networks: [{ mode: 'container', name: 'overlay' }],
      container: { docker: { image: 'nginx' }, portMappings: [{ containerPort: 80 }] },
    });
    expect(app.container?.portMappings?.[0]).not.toHaveProperty('hostPort');
  });

  it('are dropped under host networking, as Marathon drops them', () => {
    const app = accepted({
      id: '/web',
      container: { docker: { image: 'nginx', network: 'HOST', portMappings: [BRIDGE_MAPPING] } },
    });
    expect(app.container).not.toHaveProperty('portMappings');
  });

  it('default to one named "default" when a container network has none', () => {
    const app = accepted({
      id: '/web',
      networks: [{ mode: 'container/bridge' }],
      container: { docker: { image: 'nginx' } },
    });
    expect(app.container?.portMappings).toEqual([
      {
        containerPort: 0,
        hostPort: 0,
        servicePort: 0,
        protocol: 'tcp',
        name: 'default',
        labels: {},
        networkNames: [],
      },
    ]);
  });

  it('stay empty when an empty list is given', () => {
    const app = accepted({
      id: '/web',
      networks: [{ mode: 'container/bridge' }],
      container: { docker: { image: 'nginx' }, portMappings: [] },
    });
    expect(app.container?.portMappings).toEqual([]);
  });

  it('are added for `ports` beyond the mappings given, under container networking', () => {
    const app = accepted({
      id: '/web',
      networks: [{ mode: 'container/bridge' }],
      container: { docker: { image: 'nginx' }, portMappings: [BRIDGE_MAPPING] },
      ports: [0, 0],
    });
    expect(app.container?.portMappings?.map((mapping) => mapping.containerPort)).toEqual([80, 0]);
  });
});

describe('container networking without a container', () => {
  it('gets a Mesos container with the default port mapping', () => {
    const app = accepted({ ...MINIMAL, networks: [{ mode: 'container/bridge' }] });
    expect(app.container).toEqual({
      type: 'MESOS',
      volumes: [],
      portMappings: [
        {
          containerPort: 0,
          hostPort: 0,
          servicePort: 0,
          protocol: 'tcp',
          name: 'default',
          labels: {},
          networkNames: [],
        },
      ],
    });
  });

  it('has no port definitions and no requirePorts', () => {
    const app = accepted({
      ...MINIMAL,
      networks: [{ mode: 'container/bridge' }],
      requirePorts: true,
    });
    expect([app.portDefinitions, app.requirePorts]).toEqual([undefined, false]);
  });
});

describe('ports', () => {
  it('are a shorthand for port definitions without names', () => {
    const app = accepted({ ...MINIMAL, ports: [8080, 0] });
    expect(app.portDefinitions).toEqual([
      { port: 8080, protocol: 'tcp', labels: {} },
      { port: 0, protocol: 'tcp', labels: {} },
    ]);
  });

  it('give the same app as the equivalent port definitions when both are given', () => {
    const both = accepted({ ...MINIMAL, ports: [8080], portDefinitions: [{ port: 8080 }] });
    expect(both).toEqual(accepted({ ...MINIMAL, portDefinitions: [{ port: 8080 }] }));
  });

  it('may be an empty list, for an app without ports', () => {
    expect(accepted({ ...MINIMAL, ports: [] }).portDefinitions).toEqual([]);
  });
});

describe('uris', () => {
  it('become fetch entries, extracted only when the path ends in an archive suffix', () => {
    const app = accepted({
      ...MINIMAL,
      uris: ['http://host/tool.tar.gz?x=1', 'http://host/config.json'],
    });
    expect(app.fetch.map((artifact) => [artifact.uri, artifact.extract])).toEqual([
      ['http://host/tool.tar.gz?x=1', true],
      ['http://host/config.json', false],
    ]);
  });
});

describe('ids', () => {
  it('are made absolute and canonical', () => {
    expect(accepted({ ...MINIMAL, id: 'group//app/' }).id).toBe('/group/app');
  });

  it('resolve relative dependencies against the base, as POST /v2/apps does against the root', () => {
    const app = accepted({ ...MINIMAL, id: '/prod/web', dependencies: ['db', '../cache'] });
    expect(app.dependencies).toEqual(['/db', '/cache']);
  });
});

describe('health checks', () => {
  it('get portIndex 0 when the app has port definitions and the check names no port', () => {
    const app = accepted({ ...MINIMAL, portDefinitions: [{ port: 0 }], healthChecks: [{}] });
    expect(app.healthChecks[0]?.portIndex).toBe(0);
  });

  it('get no portIndex from `ports` alone, as Marathon looks only at portDefinitions', () => {
    const app = accepted({ ...MINIMAL, ports: [0], healthChecks: [{ protocol: 'TCP' }] });
    expect(app.healthChecks[0]).not.toHaveProperty('portIndex');
  });

  it('keep only the fields of their protocol', () => {
    const app = accepted({
      ...MINIMAL,
      healthChecks: [{ protocol: 'TCP', path: '/ignored', portIndex: 0, ignoreHttp1xx: true }],
    });
    expect(app.healthChecks[0]).not.toHaveProperty('path');
  });

  it('that Marathon runs itself are shown with the default delay, whatever was posted', () => {
    const app = accepted({ ...MINIMAL, healthChecks: [{ protocol: 'HTTP', delaySeconds: 1 }] });
    expect(app.healthChecks[0]?.delaySeconds).toBe(15);
  });

  it('that Mesos runs keep their delay', () => {
    const app = accepted({
      ...MINIMAL,
      healthChecks: [{ protocol: 'MESOS_TCP', delaySeconds: 1 }],
    });
    expect(app.healthChecks[0]?.delaySeconds).toBe(1);
  });

  it('are read with their protocol in any case', () => {
    const app = accepted({ ...MINIMAL, healthChecks: [{ protocol: 'mesos_http' }] });
    expect(app.healthChecks[0]?.protocol).toBe('MESOS_HTTP');
  });

  it('that are equal are kept once, as Marathon keeps them in a set', () => {
    const check = { protocol: 'TCP', portIndex: 0 };
    expect(accepted({ ...MINIMAL, healthChecks: [check, check] }).healthChecks).toHaveLength(1);
  });
});

describe('constraints', () => {
  it('are stored with the operator in upper case', () => {
    const app = accepted({ ...MINIMAL, constraints: [['hostname', 'unique']] });
    expect(app.constraints).toEqual([['hostname', 'UNIQUE']]);
  });

  it('that are equal are kept once', () => {
    const app = accepted({
      ...MINIMAL,
      constraints: [
        ['rack', 'GROUP_BY', '2'],
        ['rack', 'GROUP_BY', '2'],
      ],
    });
    expect(app.constraints).toEqual([['rack', 'GROUP_BY', '2']]);
  });
});

describe('a MESOS container with a Docker image', () => {
  it('keeps the image and drops what only Docker does', () => {
    const app = accepted({
      ...MINIMAL,
      container: { type: 'MESOS', docker: { image: 'alpine', privileged: true } },
    });
    expect(app.container?.docker).toEqual({
      image: 'alpine',
      privileged: false,
      parameters: [],
      forcePullImage: false,
    });
  });
});

describe('versions', () => {
  it('keep a posted version and ignore a posted versionInfo, as Marathon does', () => {
    const app = accepted({
      ...MINIMAL,
      version: '2015-02-03T12:30:00.000Z',
      versionInfo: {
        lastScalingAt: '2015-02-03T12:30:00.000Z',
        lastConfigChangeAt: '2015-02-03T12:30:00.000Z',
      },
    });
    expect([app.version, app.versionInfo]).toEqual(['2015-02-03T12:30:00.000Z', undefined]);
  });
});
