import { describe, expect, it } from 'vitest';
import { accepted, MINIMAL, refused } from './app-fixtures.js';

// Marathon's sentences, copied from its sources and tests rather than built from our
// constants, so that a drift in our wording fails here.
const notValid = (...details: { path: string; errors: string[] }[]) => ({
  message: 'Object is not valid',
  details,
});
const one = (path: string, error: string) => notValid({ path, errors: [error] });

const CMD_ARGS_OR_CONTAINER =
  "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.";
const PORT_INDEX =
  'Health check port indices must address an element of the ports array or container port mappings.';
const DOCKER = { type: 'DOCKER', docker: { image: 'nginx' } };

describe('the id', () => {
  it('must not end in a reserved word', () => {
    expect(refused({ ...MINIMAL, id: '/group/restart' })).toEqual(
      one(
        '/id',
        'must not end with any of the following reserved keywords: restart, tasks, versions, ., ..',
      ),
    );
  });

  it('must not be the root', () => {
    expect(refused({ ...MINIMAL, id: '/' })).toEqual(
      notValid(
        { path: '/id', errors: ['Path must contain at least one path element'] },
        { path: '/', errors: ['must not be root'] },
      ),
    );
  });
});

describe('dependencies', () => {
  it('must be valid ids', () => {
    expect(refused({ ...MINIMAL, dependencies: ['/db/tasks'] })).toEqual(
      one(
        '/dependencies(0)',
        'must not end with any of the following reserved keywords: restart, tasks, versions, ., ..',
      ),
    );
  });
});

describe('what to run', () => {
  it('is required: cmd, args or a container', () => {
    expect(refused({ id: '/app' })).toEqual(one('/', CMD_ARGS_OR_CONTAINER));
  });

  it('is not both cmd and args', () => {
    expect(refused({ ...MINIMAL, args: ['sleep', '1'] })).toEqual(one('/', CMD_ARGS_OR_CONTAINER));
  });

  it('may be a container alone', () => {
    expect(accepted({ id: '/app', container: DOCKER }).cmd).toBeUndefined();
  });

  it('may be args with a container', () => {
    expect(accepted({ id: '/app', args: ['-v'], container: DOCKER }).args).toEqual(['-v']);
  });

  it('is not a one-letter cmd, which Marathon calls empty', () => {
    expect(refused({ ...MINIMAL, cmd: 'x' })).toEqual(one('/', 'must not be an empty string'));
  });
});

describe('a DOCKER container', () => {
  it('needs its docker object', () => {
    expect(refused({ ...MINIMAL, container: { type: 'DOCKER' } })).toEqual(
      one('/container/docker', 'not defined'),
    );
  });

  it('takes no pull config', () => {
    const body = {
      ...MINIMAL,
      container: { docker: { image: 'nginx', pullConfig: { secret: 'config' } } },
    };
    expect(refused(body)).toEqual(
      one('/container/docker/pullConfig', 'pullConfig is not supported with Docker containerizer'),
    );
  });

  it('takes no credential', () => {
    const body = {
      ...MINIMAL,
      container: { docker: { image: 'nginx', credential: { principal: 'me' } } },
    };
    expect(refused(body)).toEqual(one('/container/docker/credential', 'must be empty'));
  });

  it('may join at most one container network', () => {
    const body = {
      ...MINIMAL,
      container: DOCKER,
      networks: [
        { mode: 'container', name: 'a' },
        { mode: 'container', name: 'b' },
      ],
    };
    expect(refused(body)).toEqual(
      one(
        '/',
        'may only specify a single container network when using the Docker container engine',
      ),
    );
  });
});

describe('a MESOS container with a Docker image', () => {
  it.each([
    ['network', { network: 'BRIDGE' }],
    ['parameters', { parameters: [{ key: 'a', value: 'b' }] }],
    ['portMappings', { portMappings: [] }],
  ])('takes no docker %s', (field, extra) => {
    const body = { ...MINIMAL, container: { type: 'MESOS', docker: { image: 'a', ...extra } } };
    expect(refused(body)).toEqual(one(`/container/docker/${field}`, 'must be empty'));
  });
});

describe('the deprecated networking fields', () => {
  it('do not mix with networks', () => {
    const body = {
      ...MINIMAL,
      container: { docker: { image: 'nginx', network: 'BRIDGE' } },
      networks: [{ mode: 'container/bridge' }],
    };
    expect(refused(body)).toEqual(
      one('/', 'must not specify both container.docker.network and networks'),
    );
  });

  it('do not give port mappings twice', () => {
    const body = {
      ...MINIMAL,
      networks: [{ mode: 'container/bridge' }],
      container: {
        docker: { image: 'nginx', portMappings: [{ containerPort: 80 }] },
        portMappings: [{ containerPort: 81 }],
      },
    };
    expect(refused(body)).toEqual(
      one('/container', 'cannot specify both portMappings and docker.portMappings'),
    );
  });

  it('know no NONE network', () => {
    const body = { ...MINIMAL, container: { docker: { image: 'nginx', network: 'NONE' } } };
    expect(refused(body)).toEqual(
      one('/container/docker/network', 'unsupported docker network type NONE'),
    );
  });
});

describe('ports', () => {
  it('given as `ports` must be unique, apart from 0', () => {
    expect(refused({ ...MINIMAL, ports: [80, 0, 0, 80] })).toEqual(
      one('/', 'ports must be unique'),
    );
  });

  it('given as port definitions must be unique, apart from 0', () => {
    const body = { ...MINIMAL, portDefinitions: [{ port: 80 }, { port: 80 }] };
    expect(refused(body)).toEqual(one('/portDefinitions', 'Ports must be unique.'));
  });

  it('must have unique names', () => {
    const body = { ...MINIMAL, portDefinitions: [{ name: 'http' }, { name: 'http' }] };
    expect(refused(body)).toEqual(one('/portDefinitions', 'Port names must be unique.'));
  });

  it('must agree when given both as ports and as port definitions', () => {
    const body = { ...MINIMAL, ports: [80], portDefinitions: [{ port: 81 }] };
    expect(refused(body)).toEqual(one('/', 'cannot specify both ports and port definitions'));
  });
});

describe('port mappings', () => {
  it('must have unique names', () => {
    const body = {
      ...MINIMAL,
      networks: [{ mode: 'container/bridge' }],
      container: { ...DOCKER, portMappings: [{ name: 'web' }, { name: 'web' }] },
    };
    expect(refused(body)).toEqual(one('/container/portMappings', 'Port names must be unique.'));
  });

  it('must name a network of the app', () => {
    const body = {
      ...MINIMAL,
      networks: [{ mode: 'container', name: 'one' }],
      container: { ...DOCKER, portMappings: [{ networkNames: ['two'] }] },
    };
    expect(refused(body)).toEqual(
      one('/container/portMappings(0)/networkNames(0)', 'is not one of (one)'),
    );
  });

  it('with a host port must name their network when there are several', () => {
    const body = {
      ...MINIMAL,
      networks: [
        { mode: 'container', name: 'one' },
        { mode: 'container', name: 'two' },
      ],
      container: { type: 'MESOS', portMappings: [{ containerPort: 80, hostPort: 0 }] },
    };
    expect(refused(body)).toEqual(
      one(
        '/container/portMappings(0)',
        'networkNames must be a single item list when hostPort is specified and more than 1 container network is defined',
      ),
    );
  });
});

describe('networks', () => {
  it('of the host have no name', () => {
    expect(refused({ ...MINIMAL, networks: [{ mode: 'host', name: 'x' }] })).toEqual(
      one('/networks', 'Host networks may not have names or labels'),
    );
  });

  it('of the bridge have no name', () => {
    expect(refused({ ...MINIMAL, networks: [{ mode: 'container/bridge', name: 'x' }] })).toEqual(
      one('/networks', 'Bridge networks may not have names'),
    );
  });

  it('are not repeated', () => {
    const body = {
      ...MINIMAL,
      networks: [
        { mode: 'container', name: 'a' },
        { mode: 'container', name: 'a' },
      ],
    };
    expect(refused(body)).toEqual(one('/networks', 'Duplicate networks are not allowed'));
  });

  it('are one host network, one bridge network, or container networks only', () => {
    const body = { ...MINIMAL, networks: [{ mode: 'host' }, { mode: 'container/bridge' }] };
    expect(refused(body)).toEqual(
      one(
        '/networks',
        'May specify a single host network, single bridge network, or else 1-to-n container networks',
      ),
    );
  });

  it('of containers need a name when no default network name is configured', () => {
    expect(refused({ ...MINIMAL, networks: [{ mode: 'container' }] })).toEqual(
      one('/networks', 'Network name must be specified when container network is selected.'),
    );
  });
});

describe('health checks', () => {
  it('must address one of the ports', () => {
    const body = { ...MINIMAL, ports: [0], healthChecks: [{ portIndex: 1 }] };
    expect(refused(body)).toEqual(one('/healthChecks(0)', PORT_INDEX));
  });

  it('without a port index need exactly one port', () => {
    const body = { ...MINIMAL, ports: [0, 0], healthChecks: [{ protocol: 'TCP' }] };
    expect(refused(body)).toEqual(one('/healthChecks(0)', PORT_INDEX));
  });

  it('may give a port instead of an index', () => {
    const app = accepted({ ...MINIMAL, ports: [], healthChecks: [{ port: 8080 }] });
    expect(app.healthChecks[0]?.port).toBe(8080);
  });

  it('run by Mesos are at most one, apart from command checks', () => {
    const body = {
      ...MINIMAL,
      healthChecks: [
        { protocol: 'MESOS_HTTP', portIndex: 0 },
        { protocol: 'MESOS_TCP', portIndex: 0 },
      ],
    };
    expect(refused(body)).toEqual(
      one('/', 'AppDefinition can contain at most one Mesos health check'),
    );
  });

  it('use IPv6 only when Mesos probes a Docker container', () => {
    const body = { ...MINIMAL, healthChecks: [{ protocol: 'TCP', ipProtocol: 'IPv6' }] };
    expect(refused(body)).toEqual(
      one(
        '/healthChecks(0)',
        'IPv6 can only be used for container type DOCKER and Mesos http/https/tcp health checks',
      ),
    );
  });

  it('with a command have the COMMAND protocol', () => {
    const body = { ...MINIMAL, healthChecks: [{ command: { value: 'true' } }] };
    expect(refused(body)).toEqual(
      one('/healthChecks(0)', 'illegal protocol HTTP specified with command'),
    );
  });

  it('of the COMMAND protocol have a command', () => {
    expect(refused({ ...MINIMAL, healthChecks: [{ protocol: 'COMMAND' }] })).toEqual(
      one('/healthChecks(0)', 'illegal protocol COMMAND for non-command health check'),
    );
  });
});

describe('constraints', () => {
  const constraint = (...parts: string[]) => refused({ ...MINIMAL, constraints: [parts] });

  it.each([
    [['hostname', 'UNIQUE', 'x'], 'UNIQUE does not accept a value'],
    [['rack', 'MAX_PER'], 'MAX_PER requires an integer value'],
    [['rack', 'MAX_PER', 'two'], 'MAX_PER requires an integer value'],
    [['rack', 'GROUP_BY', 'two'], 'GROUP BY must define an integer value or else no value at all'],
    [['rack', 'LIKE'], 'LIKE and UNLIKE require a non-empty, regular expression value'],
    [['rack', 'UNLIKE', '(rack'], 'is not a valid regular expression'],
    [
      ['rack', 'IS', 'a b'],
      'IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)',
    ],
    [
      ['rack', 'NEAR', 'x'],
      'operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS',
    ],
    [['', 'UNIQUE'], 'illegal constraint specification'],
  ])('%j: %s', (parts, message) => {
    expect(constraint(...parts)).toEqual(one('/constraints(0)', message));
  });

  it.each([
    [['hostname', 'UNIQUE']],
    [['rack', 'CLUSTER', 'rack-1']],
    [['rack', 'GROUP_BY']],
    [['rack', 'GROUP_BY', '3']],
    [['rack', 'MAX_PER', '2']],
    [['rack', 'LIKE', 'rack-[1-3]']],
    [['rack', 'IS', 'rack-1']],
  ])('%j is accepted', (parts) => {
    expect(accepted({ ...MINIMAL, constraints: [parts] }).constraints).toEqual([parts]);
  });
});

describe('the upgrade strategy of a single-instance app', () => {
  it('must not run two instances at once', () => {
    const body = {
      ...MINIMAL,
      labels: { MARATHON_SINGLE_INSTANCE_APP: 'true' },
      upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
    };
    expect(refused(body)).toEqual(
      one('/upgradeStrategy/minimumHealthCapacity', 'got 0.5, expected 0.0'),
    );
  });

  it('comes with at most one instance', () => {
    const body = { ...MINIMAL, instances: 2, labels: { MARATHON_SINGLE_INSTANCE_APP: 'true' } };
    expect(refused(body)).toEqual(one('/', 'Single instance app may only have one instance'));
  });
});

describe('the unreachable strategy', () => {
  it('makes an instance inactive no later than it expunges it', () => {
    const body = {
      ...MINIMAL,
      unreachableStrategy: { inactiveAfterSeconds: 600, expungeAfterSeconds: 300 },
    };
    expect(refused(body)).toEqual(
      one(
        '/unreachableStrategy/inactiveAfterSeconds',
        'inactiveAfterSeconds (600) must be less or equal to expungeAfterSeconds, which is 300',
      ),
    );
  });
});

describe('readiness checks', () => {
  it('must name a port of the app', () => {
    expect(refused({ ...MINIMAL, readinessChecks: [{ portName: 'web' }] })).toEqual(
      one('/readinessChecks(0)/portName', 'No port definition reference for portName web'),
    );
  });

  it('time out before their interval', () => {
    const body = {
      ...MINIMAL,
      portDefinitions: [{ name: 'http-api' }],
      readinessChecks: [{ intervalSeconds: 10, timeoutSeconds: 10 }],
    };
    expect(refused(body)).toEqual(
      one('/readinessChecks(0)/timeoutSeconds', 'got 10, expected less than 10'),
    );
  });
});

describe('uris', () => {
  it('must be valid URIs', () => {
    expect(refused({ ...MINIMAL, uris: ['http://host/a b.tgz'] })).toEqual(
      one('/uris(0)', 'URI has invalid syntax.'),
    );
  });

  it('do not mix with fetch', () => {
    const body = { ...MINIMAL, uris: ['http://a/x'], fetch: [{ uri: 'http://a/y' }] };
    expect(refused(body)).toEqual(one('/uris', 'may not be set in conjunction with fetch'));
  });

  it('given in fetch must be valid too', () => {
    expect(refused({ ...MINIMAL, fetch: [{ uri: 'http://a/{x}' }] })).toEqual(
      one('/fetch(0)/uri', 'URI has invalid syntax.'),
    );
  });
});

describe('secrets, which mesolite has no store for', () => {
  it('are refused in the environment', () => {
    const body = { ...MINIMAL, env: { PASSWORD: { secret: 'db' } } };
    expect(refused(body)).toEqual(
      notValid(
        {
          path: '/env',
          errors: [
            'use of secret-references in the environment requires the secrets feature to be enabled',
          ],
        },
        { path: '/env/PASSWORD/secret', errors: ['references an undefined secret'] },
      ),
    );
  });

  it('are refused as declarations', () => {
    const body = { ...MINIMAL, secrets: { db: { source: '/db/password' } } };
    expect(refused(body)).toEqual(
      one(
        '/secrets',
        'Feature secrets is not enabled. mesolite has no secret store, so secrets cannot be used.',
      ),
    );
  });
});

describe('volumes mesolite cannot provide', () => {
  it.each([
    ['persistent', { containerPath: 'data', persistent: { size: 10 }, mode: 'RW' }],
    ['external', { containerPath: '/data', external: { name: 'v' }, mode: 'RW' }],
    ['secret', { containerPath: '/secret', secret: 'db' }],
  ])('refuses a %s volume by name', (kind, volume) => {
    const body = { ...MINIMAL, container: { ...DOCKER, volumes: [volume] } };
    expect(refused(body)).toEqual(
      one(
        '/container/volumes(0)',
        `${kind} volumes are not supported by mesolite; use a host volume (containerPath, hostPath, mode)`,
      ),
    );
  });
});

describe('environment variable names', () => {
  it('are not empty', () => {
    expect(refused({ ...MINIMAL, env: { '': 'x' } })).toEqual(
      one('/env/keys(0)', 'must not be empty'),
    );
  });
});

describe('roles', () => {
  it('are the default role or the top-level group', () => {
    expect(refused({ ...MINIMAL, id: '/dev/web', role: 'prod' })).toEqual(
      one('/role', 'got prod, expected one of: [*, dev]'),
    );
  });

  it('accepted for resources are "*" and the app\'s role', () => {
    const body = { ...MINIMAL, acceptedResourceRoles: ['public'] };
    expect(refused(body)).toEqual(
      one('/acceptedResourceRoles', 'acceptedResourceRoles can only contain *'),
    );
  });

  it('accepted for resources are not an empty list', () => {
    expect(refused({ ...MINIMAL, acceptedResourceRoles: [] })).toEqual(
      one('/acceptedResourceRoles', 'must not be empty'),
    );
  });

  it('accepted for resources follow the rules for role names', () => {
    const body = { ...MINIMAL, id: '/dev/web', role: 'dev', acceptedResourceRoles: ['-dev'] };
    expect(refused(body)).toEqual(
      notValid(
        { path: '/acceptedResourceRoles(0)', errors: ["A role name must not start with a '-'."] },
        {
          path: '/acceptedResourceRoles',
          errors: ['acceptedResourceRoles can only contain * and dev'],
        },
      ),
    );
  });
});

describe('GPUs', () => {
  it('need the gpu_resources feature', () => {
    expect(refused({ ...MINIMAL, gpus: 1 })).toEqual(
      one(
        '/',
        'Feature gpu_resources is not enabled. Enable with --enable_features gpu_resources)',
      ),
    );
  });

  it('are accepted once the feature is enabled', () => {
    expect(accepted({ ...MINIMAL, gpus: 1 }, { enabledFeatures: ['gpu_resources'] }).gpus).toBe(1);
  });
});

describe('DC/OS migration labels', () => {
  it('come complete', () => {
    const body = { ...MINIMAL, labels: { DCOS_MIGRATION_API_VERSION: 'v1' } };
    expect(refused(body)).toEqual(
      one(
        '/',
        'DCOS_PACKAGE_FRAMEWORK_NAME and DCOS_MIGRATION_API_PATH must be defined when using DCOS_MIGRATION_API_VERSION',
      ),
    );
  });
});

describe('every broken rule', () => {
  it('is named at once, each under its own path', () => {
    const body = {
      id: '/app',
      ports: [0],
      healthChecks: [{ portIndex: 3 }],
      constraints: [['hostname', 'UNIQUE', 'x']],
      networks: [{ mode: 'host', name: 'x' }],
    };
    expect(refused(body)).toEqual(
      notValid(
        { path: '/', errors: [CMD_ARGS_OR_CONTAINER] },
        { path: '/healthChecks(0)', errors: [PORT_INDEX] },
        { path: '/constraints(0)', errors: ['UNIQUE does not accept a value'] },
        { path: '/networks', errors: ['Host networks may not have names or labels'] },
      ),
    );
  });
});
