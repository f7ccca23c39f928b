/**
 * The JSON Marathon's API answers for an app (GET /v2/apps/{id}, the `app` of events,
 * versions), written from the canonical app.
 *
 * The form is Marathon 1.5's: `networks` and `container.portMappings`, never
 * `container.docker.network`, `container.docker.portMappings`, `ports` or `uris`
 * (Marathon's AppConversion.appWriter drops the deprecated fields the same way). Which
 * fields appear follows Marathon's generated serializers: optional values only when
 * set, lists marked `omitEmpty` in the RAML (`args`, `constraints`, `dependencies`,
 * `env`, `fetch`, `healthChecks`, `readinessChecks`) only when not empty, and the rest
 * always, so clients that map every field find them. Fields are in the RAML's order.
 * Reading this JSON back with parseAppDefinition gives the same app.
 */
import type {
  AppDefinition,
  Artifact,
  Container,
  HealthCheck,
  Network,
  PortDefinition,
  PortMapping,
  ReadinessCheck,
} from './schema.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

type Field = readonly [key: string, value: JsonValue | undefined];

/** Builds an object from fields in order, leaving out those without a value. */
function object(...fields: readonly Field[]): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of fields) if (value !== undefined) result[key] = value;
  return result;
}

/** A list Marathon leaves out when empty. */
function nonEmpty<T extends JsonValue>(values: readonly T[]): T[] | undefined {
  return values.length > 0 ? [...values] : undefined;
}

/** A map Marathon leaves out when empty. */
function nonEmptyMap(map: Readonly<Record<string, string>>): JsonObject | undefined {
  return Object.keys(map).length > 0 ? { ...map } : undefined;
}

/** The app as Marathon's API shows it; see the module comment. */
export function serializeApp(app: AppDefinition): JsonObject {
  return object(
    ['id', app.id],
    ['acceptedResourceRoles', app.acceptedResourceRoles && [...app.acceptedResourceRoles]],
    ['args', nonEmpty(app.args)],
    ['backoffFactor', app.backoffFactor],
    ['backoffSeconds', app.backoffSeconds],
    ['cmd', app.cmd],
    ['constraints', nonEmpty(app.constraints.map((constraint) => [...constraint]))],
    ['container', app.container && container(app.container)],
    ['cpus', app.cpus],
    ['dependencies', nonEmpty(app.dependencies)],
    ['disk', app.disk],
    ['env', nonEmptyMap(app.env)],
    ['executor', app.executor],
    ['fetch', nonEmpty(app.fetch.map(artifact))],
    ['healthChecks', nonEmpty(app.healthChecks.map(healthCheck))],
    ['instances', app.instances],
    ['labels', { ...app.labels }],
    ['maxLaunchDelaySeconds', app.maxLaunchDelaySeconds],
    ['mem', app.mem],
    ['gpus', app.gpus],
    ['networks', app.networks.map(network)],
    ['portDefinitions', app.portDefinitions?.map(portDefinition)],
    ['readinessChecks', nonEmpty(app.readinessChecks.map(readinessCheck))],
    ['requirePorts', app.requirePorts],
    ['taskKillGracePeriodSeconds', app.taskKillGracePeriodSeconds],
    [
      'upgradeStrategy',
      object(
        ['maximumOverCapacity', app.upgradeStrategy.maximumOverCapacity],
        ['minimumHealthCapacity', app.upgradeStrategy.minimumHealthCapacity],
      ),
    ],
    ['user', app.user],
    ['version', app.version],
    ['versionInfo', app.versionInfo && { ...app.versionInfo }],
    ['killSelection', app.killSelection],
    [
      'unreachableStrategy',
      app.unreachableStrategy === 'disabled' ? 'disabled' : { ...app.unreachableStrategy },
    ],
    ['role', app.role],
  );
}

function container(value: Container): JsonObject {
  return object(
    ['type', value.type],
    [
      'docker',
      value.docker &&
        object(
          ['forcePullImage', value.docker.forcePullImage],
          ['image', value.docker.image],
          ['parameters', value.docker.parameters.map((p) => ({ key: p.key, value: p.value }))],
          ['privileged', value.docker.privileged],
        ),
    ],
    ['volumes', value.volumes.map((v) => ({ ...v }))],
    ['portMappings', value.portMappings?.map(portMapping)],
  );
}

function portMapping(mapping: PortMapping): JsonObject {
  return object(
    ['containerPort', mapping.containerPort],
    ['hostPort', mapping.hostPort],
    // Unlike a port definition's, a port mapping's labels are always written.
    ['labels', { ...mapping.labels }],
    ['name', mapping.name],
    ['protocol', mapping.protocol],
    ['servicePort', mapping.servicePort],
    ['networkNames', nonEmpty(mapping.networkNames)],
  );
}

function portDefinition(definition: PortDefinition): JsonObject {
  return object(
    ['port', definition.port],
    ['labels', nonEmptyMap(definition.labels)],
    ['name', definition.name],
    ['protocol', definition.protocol],
  );
}

function network(value: Network): JsonObject {
  return object(['name', value.name], ['mode', value.mode], ['labels', nonEmptyMap(value.labels)]);
}

function artifact(value: Artifact): JsonObject {
  return object(
    ['uri', value.uri],
    ['extract', value.extract],
    ['executable', value.executable],
    ['cache', value.cache],
    ['destPath', value.destPath],
  );
}

function healthCheck(check: HealthCheck): JsonObject {
  return object(
    ['command', check.command && { value: check.command.value }],
    ['gracePeriodSeconds', check.gracePeriodSeconds],
    ['ignoreHttp1xx', check.ignoreHttp1xx],
    ['intervalSeconds', check.intervalSeconds],
    ['maxConsecutiveFailures', check.maxConsecutiveFailures],
    ['path', check.path],
    ['port', check.port],
    ['portIndex', check.portIndex],
    ['protocol', check.protocol],
    ['ipProtocol', check.ipProtocol],
    ['timeoutSeconds', check.timeoutSeconds],
    ['delaySeconds', check.delaySeconds],
  );
}

function readinessCheck(check: ReadinessCheck): JsonObject {
  return object(
    ['name', check.name],
    ['protocol', check.protocol],
    ['path', check.path],
    ['portName', check.portName],
    ['intervalSeconds', check.intervalSeconds],
    ['timeoutSeconds', check.timeoutSeconds],
    ['httpStatusCodesForReady', [...check.httpStatusCodesForReady]],
    ['preserveLastResponse', check.preserveLastResponse],
  );
}
