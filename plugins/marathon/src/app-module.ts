/**
 * The app definition module (app/) as the service and the runtime read it: parsing
 * and patching with Marathon's rules, versions, the deployment and placement views,
 * and TaskInfos.
 */
import { randomUUID } from 'node:crypto';
import type { Offer, TaskInfo } from '@mesolite/daemon/protocol/mesos';
import { parseAppDefinition } from './app/parse.js';
import type { AppDefinition } from './app/schema.js';
import { serializeApp } from './app/serialize.js';
import { instanceIdFor, taskIdFor } from './app/task-id.js';
import { buildTaskInfo, requestedHostPorts } from './app/taskinfo.js';
import type { DeployableApp } from './deployment/index.js';
import type { AppModule } from './marathon-service.js';
import { parsePathId } from './path-id.js';
import type { AppAdapter } from './runtime/marathon-runtime.js';
import type { Placement } from './scheduling/placement.js';
import type { PlacementRequest, PortRequest } from './scheduling/placement-request.js';

function parseOrThrow(json: unknown, id?: string, base?: string): AppDefinition {
  const body =
    id !== undefined && json && typeof json === 'object' && !('id' in json)
      ? { ...json, id }
      : json;
  const result = parseAppDefinition(body, base ? { base: parsePathId(base) } : {});
  if (!result.ok) throw result.error;
  if (id !== undefined && result.app.id !== parsePathId(id).toString()) {
    throw Object.assign(new Error('id mismatch'), {
      statusCode: 422,
      body: {
        message: 'Object is not valid',
        details: [
          {
            path: '/id',
            errors: [`The id in the path (${id}) and the body (${result.app.id}) differ`],
          },
        ],
      },
    });
  }
  return result.app;
}

function deployable(app: AppDefinition): DeployableApp {
  const version = app.version ?? '';
  return {
    id: app.id,
    version,
    lastConfigChangeAt: app.versionInfo?.lastConfigChangeAt ?? version,
    instances: app.instances,
    dependencies: app.dependencies,
    upgradeStrategy: app.upgradeStrategy,
    killSelection: app.killSelection,
    hasHealthChecks: app.healthChecks.length > 0,
    unreachableStrategy: app.unreachableStrategy,
  };
}

function portRequests(app: AppDefinition): {
  ports: PortRequest[];
  source: 'portDefinitions' | 'portMappings';
} {
  if (app.portDefinitions) {
    return {
      source: 'portDefinitions',
      ports: app.portDefinitions.map((definition) => ({
        hostPort: definition.port,
        name: definition.name,
      })),
    };
  }
  const mappings = app.container?.portMappings ?? [];
  return {
    source: 'portMappings',
    ports: mappings
      .filter((mapping) => mapping.hostPort !== undefined)
      .map((mapping) => ({ hostPort: mapping.hostPort ?? 0, name: mapping.name })),
  };
}

export const marathonApps: AppModule<AppDefinition> = {
  parse: (json, options) => parseOrThrow(json, options.id, options.base),
  patch(current, json) {
    const merged = {
      ...(serializeApp(current) as Record<string, unknown>),
      ...((json ?? {}) as Record<string, unknown>),
    };
    delete merged.version;
    delete merged.versionInfo;
    return parseOrThrow(merged, current.id);
  },
  toJson: (app) => serializeApp(app) as Record<string, unknown>,
  id: (app) => app.id,
  deployable,
  stamp(app, version, configChanged, previous) {
    const lastConfigChangeAt = configChanged
      ? version
      : (previous?.versionInfo?.lastConfigChangeAt ?? previous?.version ?? version);
    return { ...app, version, versionInfo: { lastConfigChangeAt, lastScalingAt: version } };
  },
  withInstances: (app, instances) => ({ ...app, instances }),
  servicePorts: (app) =>
    app.portDefinitions
      ? app.portDefinitions.map((definition) => definition.port)
      : (app.container?.portMappings ?? []).map((mapping) => mapping.servicePort),
  withServicePorts(app, ports) {
    // With requirePorts the port definitions are host ports, not service ports.
    if (app.portDefinitions) {
      if (app.requirePorts) return app;
      return {
        ...app,
        portDefinitions: app.portDefinitions.map((definition, index) => ({
          ...definition,
          port: ports[index] ?? definition.port,
        })),
      };
    }
    const container = app.container;
    if (!container?.portMappings) return app;
    return {
      ...app,
      container: {
        ...container,
        portMappings: container.portMappings.map((mapping, index) => ({
          ...mapping,
          servicePort: ports[index] ?? mapping.servicePort,
        })),
      },
    };
  },
};

export const marathonAdapter: AppAdapter<AppDefinition> = {
  id: (app) => app.id,
  deployable,
  placement(app): PlacementRequest {
    const { ports, source } = portRequests(app);
    return {
      cpus: app.cpus,
      mem: app.mem,
      disk: app.disk,
      gpus: app.gpus,
      ports,
      portSource: source,
      requirePorts: app.requirePorts,
      constraints: app.constraints.map(
        (constraint) => [constraint[0] ?? '', constraint[1] ?? '', constraint[2]] as const,
      ),
      acceptedResourceRoles: app.acceptedResourceRoles,
      role: app.role,
      instances: app.instances,
    };
  },
  taskInfo(app, input: { taskId: string; offer: Offer; placement: Placement }): TaskInfo {
    // Placement chose ports for the declarations that take one; the rest stay null.
    const chosen = [...input.placement.hostPorts];
    const hostPorts = requestedHostPorts(app).map((requested) =>
      requested === null ? null : (chosen.shift() ?? 0),
    );
    return buildTaskInfo({
      app,
      version: app.version ?? '',
      taskId: input.taskId,
      agentId: input.offer.agent_id.value,
      hostname: input.offer.hostname,
      hostPorts,
      allocationRole: '*',
    });
  },
  newTaskId: (app) => taskIdFor(instanceIdFor(parsePathId(app.id), randomUUID())),
  backoff: (app) => ({
    backoffSeconds: app.backoffSeconds,
    backoffFactor: app.backoffFactor,
    maxLaunchDelaySeconds: app.maxLaunchDelaySeconds,
  }),
};
