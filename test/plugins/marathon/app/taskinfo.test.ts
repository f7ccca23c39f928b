import type { TaskInfo } from '@mesolite/daemon/protocol/mesos';
import { TaskInfo as TaskInfoSchema } from '@mesolite/daemon/protocol/mesos';
import type { AppDefinition } from '@mesolite/plugin-marathon/app/schema';
import {
  buildTaskInfo,
  hostnameOf,
  requestedHostPorts,
  type TaskInfoRequest,
} from '@mesolite/plugin-marathon/app/taskinfo';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { accepted, MINIMAL, SEED_DOCKER_REGISTRY, SEED_TOGGLE } from './app-fixtures.js';

const VERSION = '2015-02-03T12:30:00.000Z';
const TASK_ID = 'toggle.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1';

function build(
  app: AppDefinition,
  hostPorts: (number | null)[],
  extra: Partial<TaskInfoRequest> = {},
) {
  return buildTaskInfo({
    app,
    version: VERSION,
    taskId: TASK_ID,
    agentId: 'agent-1',
    hostname: 'node-1.local',
    hostPorts,
    ...extra,
  });
}

function environment(task: TaskInfo): Record<string, string | undefined> {
  return Object.fromEntries(
    (task.command?.environment?.variables ?? []).map((variable) => [variable.name, variable.value]),
  );
}

const HTTP_CHECK = {
  protocol: 'HTTP',
  path: '/health',
  portIndex: 0,
  gracePeriodSeconds: 5,
  intervalSeconds: 10,
  timeoutSeconds: 10,
  maxConsecutiveFailures: 3,
};

describe('the TaskInfo of a command app (the toggle example)', () => {
  const task = build(accepted(SEED_TOGGLE), [31000]);

  it('runs the shell command with the fetched archive, extracted', () => {
    expect(task.command).toMatchObject({
      value: 'python toggle.py $PORT0',
      uris: [
        {
          value: 'http://downloads.mesosphere.com/misc/toggle.tgz',
          executable: false,
          extract: true,
          cache: false,
        },
      ],
    });
  });

  it('takes the resources and the chosen host port', () => {
    expect(task.resources).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.2 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31000 }] } },
    ]);
  });

  it('has no container, and the task and agent ids it was given', () => {
    expect([task.container, task.task_id, task.agent_id, task.name]).toEqual([
      undefined,
      { value: TASK_ID },
      { value: 'agent-1' },
      'toggle',
    ]);
  });

  it('tells the task its port, host and identity in the environment', () => {
    expect(environment(task)).toMatchObject({
      PORT0: '31000',
      PORT: '31000',
      PORTS: '31000',
      PORT_31000: '31000',
      HOST: 'node-1.local',
      MESOS_TASK_ID: TASK_ID,
      MARATHON_APP_ID: '/toggle',
      MARATHON_APP_VERSION: VERSION,
      MARATHON_APP_RESOURCE_CPUS: '0.2',
      MARATHON_APP_RESOURCE_MEM: '32.0',
    });
  });

  it('runs its HTTP health check on the agent, on the host port', () => {
    expect(task.health_check).toEqual({
      type: 'HTTP',
      delay_seconds: 5,
      interval_seconds: 10,
      timeout_seconds: 10,
      consecutive_failures: 3,
      grace_period_seconds: 5,
      http: { protocol: 'IPv4', scheme: 'http', port: 31000, path: '/health' },
    });
  });

  it('is discoverable by its port', () => {
    expect(task.discovery).toEqual({
      visibility: 'FRAMEWORK',
      name: 'toggle',
      ports: { ports: [{ number: 31000, protocol: 'tcp' }] },
    });
  });

  it('is a valid Mesos TaskInfo', () => {
    expect(Compile(TaskInfoSchema).Check(task)).toBe(true);
  });
});

describe('the TaskInfo of a Docker BRIDGE app with host port 0 (the registry example)', () => {
  const task = build(accepted(SEED_DOCKER_REGISTRY), [31005]);

  it('maps the chosen host port to the container port, with the volume and task label', () => {
    expect(task.container).toEqual({
      type: 'DOCKER',
      docker: {
        image: 'registry:latest',
        network: 'BRIDGE',
        port_mappings: [{ host_port: 31005, container_port: 5000, protocol: 'tcp' }],
        privileged: false,
        parameters: [{ key: 'label', value: `MESOS_TASK_ID=${TASK_ID}` }],
        force_pull_image: false,
      },
      volumes: [
        { container_path: '/storage', host_path: '/local/path/to/store/packages', mode: 'RW' },
      ],
    });
  });

  it("runs the image's own command: no value, no shell", () => {
    expect(task.command).toMatchObject({ shell: false });
    expect(task.command).not.toHaveProperty('value');
  });

  it('gives the container port as PORT_<container port>, and the env of the app', () => {
    expect(environment(task)).toMatchObject({
      PORT0: '31005',
      PORT_5000: '31005',
      SETTINGS_FLAVOR: 'local',
      STORAGE_PATH: '/storage',
      MARATHON_APP_DOCKER_IMAGE: 'registry:latest',
      MARATHON_APP_RESOURCE_DISK: '128.0',
    });
  });

  it('is named and discovered as a host name, with the host port in host scope', () => {
    expect([task.name, task.discovery?.ports?.ports]).toEqual([
      'registry.docker',
      [
        {
          number: 31005,
          protocol: 'tcp',
          labels: { labels: [{ key: 'network-scope', value: 'host' }] },
        },
      ],
    ]);
  });

  it('takes the disk it asks for', () => {
    expect(task.resources?.find((resource) => resource.name === 'disk')).toEqual({
      name: 'disk',
      type: 'SCALAR',
      scalar: { value: 128 },
    });
  });
});

describe('the TaskInfo of a Mesos container on a named container network', () => {
  const app = accepted({
    id: '/web',
    networks: [{ mode: 'container', name: 'overlay', labels: { zone: 'a' } }],
    container: {
      type: 'MESOS',
      portMappings: [
        { containerPort: 80, name: 'http' },
        { containerPort: 443, hostPort: 0, name: 'https' },
      ],
    },
    cmd: 'serve',
  });
  const task = build(app, [null, 31443]);

  it('joins the network, mapping only the port that got a host port', () => {
    expect(task.container).toEqual({
      type: 'MESOS',
      mesos: {},
      network_infos: [
        {
          ip_addresses: [{}],
          name: 'overlay',
          port_mappings: [{ host_port: 31443, container_port: 443, protocol: 'tcp' }],
          labels: { labels: [{ key: 'zone', value: 'a' }] },
        },
      ],
    });
  });

  it('is discovered on the container port in container scope, and on the host port', () => {
    expect(task.discovery?.ports?.ports).toEqual([
      {
        number: 80,
        name: 'http',
        protocol: 'tcp',
        labels: {
          labels: [
            { key: 'network-scope', value: 'container' },
            { key: 'network-name', value: 'overlay' },
          ],
        },
      },
      {
        number: 31443,
        name: 'https',
        protocol: 'tcp',
        labels: { labels: [{ key: 'network-scope', value: 'host' }] },
      },
    ]);
  });
});

describe('a Docker container port 0', () => {
  it('takes the number of the host port chosen for it', () => {
    const app = accepted({
      id: '/web',
      networks: [{ mode: 'container/bridge' }],
      container: { docker: { image: 'nginx' }, portMappings: [{ containerPort: 0 }] },
    });
    expect(build(app, [31010]).container?.docker?.port_mappings).toEqual([
      { host_port: 31010, container_port: 31010, protocol: 'tcp' },
    ]);
  });
});

const HEALTH_NO_PORT = {
  protocol: 'TCP',
  gracePeriodSeconds: 300,
  intervalSeconds: 60,
  timeoutSeconds: 20,
  maxConsecutiveFailures: 3,
  delaySeconds: 15,
  ipProtocol: 'IPv4',
} as const;

describe('health checks', () => {
  const withCheck = (check: Record<string, unknown>, ports: number[] = [31000]) =>
    build(accepted({ ...MINIMAL, ports: ports.map(() => 0), healthChecks: [check] }), ports)
      .health_check;

  it('HTTPS is an HTTP check with the https scheme', () => {
    expect(withCheck({ ...HTTP_CHECK, protocol: 'HTTPS' })?.http?.scheme).toBe('https');
  });

  it('TCP probes the port at the port index', () => {
    expect(withCheck({ protocol: 'TCP', portIndex: 1 }, [31000, 31001])).toMatchObject({
      type: 'TCP',
      tcp: { port: 31001 },
    });
  });

  it('a fixed port is probed as it is', () => {
    expect(withCheck({ protocol: 'MESOS_TCP', port: 8080 })?.tcp?.port).toBe(8080);
  });

  it('COMMAND runs its command, after its own delay', () => {
    expect(withCheck({ protocol: 'COMMAND', command: { value: 'curl -f localhost' } })).toEqual({
      type: 'COMMAND',
      delay_seconds: 15,
      interval_seconds: 60,
      timeout_seconds: 20,
      consecutive_failures: 3,
      grace_period_seconds: 300,
      command: { value: 'curl -f localhost' },
    });
  });

  it('MESOS_HTTP keeps its delay and makes its path absolute', () => {
    expect(withCheck({ protocol: 'MESOS_HTTP', path: 'ping', delaySeconds: 2 })).toMatchObject({
      delay_seconds: 2,
      http: { scheme: 'http', port: 31000, path: '/ping' },
    });
  });

  it('that Marathon would never kill for (maxConsecutiveFailures 0) never reach the limit', () => {
    expect(withCheck({ ...HTTP_CHECK, maxConsecutiveFailures: 0 })?.consecutive_failures).toBe(
      4_294_967_295,
    );
  });

  it('in BRIDGE mode probe the published host port, which the agent reaches on loopback', () => {
    const app = accepted({
      ...SEED_DOCKER_REGISTRY,
      healthChecks: [{ protocol: 'MESOS_HTTP', portIndex: 0 }],
    });
    expect(build(app, [31005]).health_check?.http?.port).toBe(31005);
  });

  it('are left out when they address no port of the task', () => {
    // Validation refuses such an app; a stored one may still lack the port.
    const app = accepted({ ...MINIMAL, ports: [] });
    expect(build({ ...app, healthChecks: [HEALTH_NO_PORT] }, []).health_check).toBeUndefined();
  });

  it("only the first one becomes the task's, as Mesos runs one per task", () => {
    const app = accepted({
      ...MINIMAL,
      healthChecks: [
        { protocol: 'TCP', portIndex: 0 },
        { protocol: 'HTTP', portIndex: 0 },
      ],
    });
    expect(build(app, [31000]).health_check?.type).toBe('TCP');
  });
});

describe('the rest of the TaskInfo', () => {
  it('gives args without a shell, the first one as the value when there is no container', () => {
    const task = build(accepted({ id: '/app', args: ['sleep', '10'], ports: [] }), []);
    expect(task.command).toMatchObject({
      shell: false,
      arguments: ['sleep', '10'],
      value: 'sleep',
    });
  });

  it('kills with the grace period of the app, in nanoseconds', () => {
    const task = build(accepted({ ...MINIMAL, taskKillGracePeriodSeconds: 30 }), [31000]);
    expect(task.kill_policy).toEqual({ grace_period: { nanoseconds: 30_000_000_000 } });
  });

  it('carries the labels of the app', () => {
    const task = build(accepted({ ...MINIMAL, labels: { team: 'web' } }), [31000]);
    expect(task.labels).toEqual({ labels: [{ key: 'team', value: 'web' }] });
  });

  it('merges adjacent host ports into one range', () => {
    const app = accepted({ ...MINIMAL, ports: [0, 0, 0] });
    expect(build(app, [31002, 31000, 31001]).resources?.at(-1)?.ranges).toEqual({
      range: [{ begin: 31000, end: 31002 }],
    });
  });

  it('allocates its resources to the given role', () => {
    const task = build(accepted({ ...MINIMAL, ports: [] }), [], { allocationRole: '*' });
    expect(task.resources?.[0]?.allocation_info).toEqual({ role: '*' });
  });

  it('runs as the user of the app', () => {
    expect(build(accepted({ ...MINIMAL, user: 'nobody' }), [31000]).command?.user).toBe('nobody');
  });

  it('refuses host ports that do not match the declarations', () => {
    expect(() => build(accepted(MINIMAL), [])).toThrow(
      'app /app declares 1 ports but 0 host ports were given',
    );
  });
});

describe('the ports a launch needs', () => {
  it('are any port per port definition, unless requirePorts asks for those numbers', () => {
    const app = accepted({ ...MINIMAL, portDefinitions: [{ port: 8080 }, { port: 0 }] });
    expect([requestedHostPorts(app), requestedHostPorts({ ...app, requirePorts: true })]).toEqual([
      [0, 0],
      [8080, 0],
    ]);
  });

  it('are the host ports of the mappings, none where a mapping takes no host port', () => {
    const app = accepted({
      id: '/web',
      networks: [{ mode: 'container', name: 'overlay' }],
      container: {
        docker: { image: 'nginx' },
        portMappings: [{ containerPort: 80 }, { containerPort: 443, hostPort: 8443 }],
      },
    });
    expect(requestedHostPorts(app)).toEqual([null, 8443]);
  });
});

describe('the name of a task', () => {
  it('is the app id read as a host name', () => {
    expect(hostnameOf('/prod/web/frontend')).toBe('frontend.web.prod');
  });
});
