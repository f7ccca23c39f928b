import type { MarathonErrorBody } from '@mesolite/plugin-marathon/app/errors';
import type { ParseAppOptions } from '@mesolite/plugin-marathon/app/options';
import { parseAppDefinition } from '@mesolite/plugin-marathon/app/parse';
import type { AppDefinition } from '@mesolite/plugin-marathon/app/schema';

/** The seed's three Marathon examples (../shared/seed-examples/), exactly as written. */
export const SEED_TOGGLE = {
  id: 'toggle',
  cmd: 'python toggle.py $PORT0',
  cpus: 0.2,
  disk: 0.0,
  healthChecks: [
    {
      protocol: 'HTTP',
      path: '/health',
      portIndex: 0,
      gracePeriodSeconds: 5,
      intervalSeconds: 10,
      timeoutSeconds: 10,
      maxConsecutiveFailures: 3,
    },
  ],
  instances: 2,
  mem: 32.0,
  ports: [0],
  uris: ['http://downloads.mesosphere.com/misc/toggle.tgz'],
};

export const SEED_SIMPLE_DOCKER = {
  id: 'simple-docker',
  container: { docker: { image: 'busybox' } },
  cmd: 'echo hello from docker',
  cpus: 0.2,
  mem: 32.0,
  instances: 2,
};

export const SEED_DOCKER_REGISTRY = {
  id: '/docker/registry',
  instances: 1,
  cpus: 0.5,
  mem: 1024.0,
  disk: 128,
  container: {
    docker: {
      type: 'DOCKER',
      image: 'registry:latest',
      network: 'BRIDGE',
      parameters: [],
      portMappings: [{ containerPort: 5000, hostPort: 0, protocol: 'tcp', servicePort: 5000 }],
    },
    volumes: [{ hostPath: '/local/path/to/store/packages', containerPath: '/storage', mode: 'RW' }],
  },
  env: { SETTINGS_FLAVOR: 'local', STORAGE_PATH: '/storage' },
  ports: [0],
};

/** Parses a definition that must be accepted. */
export function accepted(json: unknown, options?: ParseAppOptions): AppDefinition {
  const result = parseAppDefinition(json, options);
  if (!result.ok) throw new Error(`expected the app to be accepted: ${result.error.message}`);
  return result.app;
}

/** Parses a definition that must be refused, and returns Marathon's 422 body. */
export function refused(json: unknown, options?: ParseAppOptions): MarathonErrorBody {
  const result = parseAppDefinition(json, options);
  if (result.ok) throw new Error(`expected the app to be refused: ${JSON.stringify(result.app)}`);
  expect422(result.error.statusCode);
  return result.error.body;
}

function expect422(status: number): void {
  if (status !== 422) throw new Error(`expected 422, got ${status}`);
}

/** A minimal valid command app, to vary one field at a time. */
export const MINIMAL = { id: '/app', cmd: 'sleep 1000' } as const;
