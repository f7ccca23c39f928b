/**
 * From what a client posted to the canonical app, in Marathon's two steps
 * (api/v2/AppNormalization.scala):
 *
 * - `migrateApp` (Marathon's forDeprecated and forPreValidation) translates the
 *   deprecated API into the canonical one and applies the defaults: `uris` become
 *   `fetch`, `container.docker.network` becomes `networks`,
 *   `container.docker.portMappings` become `container.portMappings`, `ports` become
 *   `portDefinitions`, port configuration that the networking mode ignores is dropped,
 *   and health checks get `portIndex: 0`. Validation runs on its result.
 * - `finalizeApp` (Marathon's forPostValidation) then fills in what validation must not
 *   see: default container network names, a Mesos container for container networking
 *   without one, host port 0 for BRIDGE port mappings without a host port, and no
 *   requirePorts outside host networking.
 *
 * Both forms of networking therefore end in one app: `{"container": {"docker":
 * {"network": "BRIDGE", "portMappings": [...]}}}` and `{"networks": [{"mode":
 * "container/bridge"}], "container": {"portMappings": [...]}}` are the same definition.
 */
import { tryParsePathId } from '../path-id.js';
import {
  APP_DEFAULTS,
  ARTIFACT_DEFAULTS,
  DEFAULT_UNREACHABLE_STRATEGY,
  DEFAULT_UPGRADE_STRATEGY,
  defaultPortDefinitions,
  defaultPortMappings,
  EXTRACTABLE_SUFFIXES,
  HEALTH_CHECK_DEFAULTS,
  READINESS_CHECK_DEFAULTS,
} from './defaults.js';
import { Violations } from './errors.js';
import { javaUriPath } from './java-text.js';
import type { ResolvedParseOptions } from './options.js';
import type {
  AppDefinition,
  AppDefinitionInput,
  AppVolumeInput,
  Artifact,
  Constraint,
  Container,
  ContainerInput,
  HealthCheck,
  HealthCheckInput,
  HostVolume,
  Network,
  PortDefinition,
  PortMapping,
  PortMappingInput,
  ReadinessCheck,
  UnreachableStrategy,
} from './schema.js';
import { MESSAGES } from './validation-messages.js';

export type MigrationResult =
  | { readonly ok: true; readonly app: AppDefinition }
  | { readonly ok: false; readonly violations: Violations };

/** True when the app's only network is the host's (Marathon treats no networks so too). */
export function isHostNetworking(networks: readonly Network[]): boolean {
  return !networks.some((network) => network.mode !== 'host');
}

/**
 * The declarations an instance's ports are numbered by ($PORT0, portIndex): the
 * container's port mappings when it has them, else the port definitions. Marathon's
 * AppDefinition.portIndices.
 */
export function portDeclarations(
  app: Pick<AppDefinition, 'container' | 'portDefinitions'>,
): readonly (PortMapping | PortDefinition)[] {
  return app.container?.portMappings ?? app.portDefinitions ?? [];
}

/** Translates the deprecated API and applies the defaults; see the module comment. */
export function migrateApp(
  input: AppDefinitionInput,
  options: ResolvedParseOptions,
): MigrationResult {
  const violations = new Violations();
  const networks = migrateNetworks(input, violations);
  const host = isHostNetworking(networks);

  const givenPortDefinitions =
    input.portDefinitions?.map(portDefinition) ??
    input.ports?.map((port) => portDefinition({ port }));
  const container =
    input.container === undefined
      ? undefined
      : migrateContainer(input.container, host, givenPortDefinitions?.length ?? 0, violations);
  if (!violations.isEmpty) return { ok: false, violations };

  // Marathon looks at the posted portDefinitions here, not at `ports`.
  const hasPorts =
    (input.portDefinitions?.length ?? 0) > 0 || (container?.portMappings?.length ?? 0) > 0;
  const parsedId = tryParsePathId(input.id, { base: options.base });

  const app: AppDefinition = {
    id: parsedId.ok ? parsedId.id.toString() : input.id,
    ...(input.cmd === undefined ? {} : { cmd: input.cmd }),
    args: input.args ?? [],
    ...(input.user === undefined ? {} : { user: input.user }),
    env: stringEnvironment(input.env ?? {}),
    instances: input.instances ?? APP_DEFAULTS.instances,
    cpus: input.cpus ?? APP_DEFAULTS.cpus,
    mem: input.mem ?? APP_DEFAULTS.mem,
    disk: input.disk ?? APP_DEFAULTS.disk,
    gpus: input.gpus ?? APP_DEFAULTS.gpus,
    executor: input.executor ?? APP_DEFAULTS.executor,
    constraints: (input.constraints ?? []).map(canonicalConstraint),
    fetch: migrateFetch(input),
    ...(host ? { portDefinitions: givenPortDefinitions ?? defaultPortDefinitions() } : {}),
    requirePorts: input.requirePorts ?? APP_DEFAULTS.requirePorts,
    backoffSeconds: input.backoffSeconds ?? APP_DEFAULTS.backoffSeconds,
    backoffFactor: input.backoffFactor ?? APP_DEFAULTS.backoffFactor,
    maxLaunchDelaySeconds: input.maxLaunchDelaySeconds ?? APP_DEFAULTS.maxLaunchDelaySeconds,
    ...(container === undefined ? {} : { container }),
    networks,
    healthChecks: (input.healthChecks ?? []).map((check) => healthCheck(check, hasPorts)),
    readinessChecks: (input.readinessChecks ?? []).map(readinessCheck),
    dependencies: (input.dependencies ?? []).map((dependency) => {
      const parsed = tryParsePathId(dependency, { base: options.base, allowRoot: true });
      return parsed.ok ? parsed.id.toString() : dependency;
    }),
    upgradeStrategy: input.upgradeStrategy
      ? {
          minimumHealthCapacity: input.upgradeStrategy.minimumHealthCapacity,
          maximumOverCapacity: input.upgradeStrategy.maximumOverCapacity,
        }
      : { ...DEFAULT_UPGRADE_STRATEGY },
    labels: { ...input.labels },
    ...(input.acceptedResourceRoles === undefined
      ? {}
      : { acceptedResourceRoles: input.acceptedResourceRoles }),
    // Marathon keeps the version a client posts (the API then stamps its own) and
    // ignores a posted versionInfo.
    ...(input.version === undefined ? {} : { version: input.version }),
    killSelection: input.killSelection ?? 'YOUNGEST_FIRST',
    ...(input.taskKillGracePeriodSeconds === undefined
      ? {}
      : { taskKillGracePeriodSeconds: input.taskKillGracePeriodSeconds }),
    unreachableStrategy: unreachableStrategy(input.unreachableStrategy),
    role: input.role ?? options.defaultRole,
  };
  return { ok: true, app };
}

/**
 * What Marathon applies after validation; see the module comment. Health checks that
 * came out equal are also merged here, as Marathon keeps them in a Set.
 */
export function finalizeApp(app: AppDefinition, options: ResolvedParseOptions): AppDefinition {
  const networks = app.networks.map((network) =>
    network.mode === 'container' &&
    network.name === undefined &&
    options.defaultNetworkName !== undefined
      ? { ...network, name: options.defaultNetworkName }
      : network,
  );
  const host = isHostNetworking(networks);
  const bridge = networks.some((network) => network.mode === 'container/bridge');
  const declared: Container | undefined =
    app.container ??
    (host ? undefined : { type: 'MESOS', volumes: [], portMappings: defaultPortMappings() });
  const container =
    declared === undefined || !bridge || declared.portMappings === undefined
      ? declared
      : {
          ...declared,
          // Marathon's backwards compatibility: BRIDGE mappings without a host port get any port.
          portMappings: declared.portMappings.map((mapping) =>
            mapping.hostPort === undefined ? { ...mapping, hostPort: 0 } : mapping,
          ),
        };
  const seen = new Set<string>();
  const healthChecks = app.healthChecks.filter((check) => {
    const key = JSON.stringify(check);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const result: AppDefinition = {
    ...app,
    networks,
    healthChecks,
    requirePorts: host ? app.requirePorts : false,
  };
  if (container !== undefined) result.container = container;
  return result;
}

function migrateNetworks(input: AppDefinitionInput, violations: Violations): Network[] {
  const dockerNetwork = input.container?.docker?.network;
  const given = (input.networks ?? []).map(
    (network): Network => ({
      mode: network.mode ?? 'container',
      ...(network.name === undefined ? {} : { name: network.name }),
      labels: { ...network.labels },
    }),
  );
  let networks = given;
  if (dockerNetwork !== undefined && given.length === 0) {
    // NetworkTranslation: the pre-1.5 Docker network modes, as networks.
    switch (dockerNetwork) {
      case 'HOST':
        networks = [{ mode: 'host', labels: {} }];
        break;
      case 'BRIDGE':
        networks = [{ mode: 'container/bridge', labels: {} }];
        break;
      case 'USER':
        networks = [{ mode: 'container', labels: {} }];
        break;
      case 'NONE':
        violations.add('/container/docker/network', MESSAGES.unsupportedDockerNetwork('NONE'));
        break;
    }
  }
  // Apps.DefaultNetworks: no networks means the host's.
  return networks.length === 0 ? [{ mode: 'host', labels: {} }] : networks;
}

function migrateContainer(
  input: ContainerInput,
  host: boolean,
  givenPortCount: number,
  violations: Violations,
): Container {
  const type = input.type ?? 'DOCKER';
  const dockerMappings = input.docker?.portMappings;
  let mappings = input.portMappings?.map(portMapping);
  if (dockerMappings !== undefined) {
    if (mappings !== undefined && dockerMappings.length > 0) {
      violations.add('/container', MESSAGES.bothPortMappings);
    } else if (mappings === undefined) {
      mappings = dockerMappings.map(portMapping);
    }
  }
  if (host) {
    // Host networking takes no port mappings; Marathon drops them silently.
    mappings = undefined;
  } else {
    mappings ??= defaultPortMappings();
    // A `ports` list longer than the mappings asks for more ports: add mappings for them.
    for (let extra = givenPortCount - mappings.length; extra > 0; extra--) {
      mappings.push(portMapping({}));
    }
  }
  const docker = input.docker;
  return {
    type,
    ...(docker === undefined
      ? {}
      : {
          docker: {
            image: docker.image,
            // Mesos runs a Docker image without Docker's privileges or parameters;
            // validation refuses parameters there, privileged is ignored as by Marathon.
            privileged: type === 'DOCKER' ? (docker.privileged ?? false) : false,
            parameters: type === 'DOCKER' ? (docker.parameters ?? []) : [],
            forcePullImage: docker.forcePullImage ?? false,
          },
        }),
    volumes: (input.volumes ?? []).filter(isHostVolume).map((volume) => ({ ...volume })),
    ...(mappings === undefined ? {} : { portMappings: mappings }),
  };
}

export function isHostVolume(volume: AppVolumeInput): volume is HostVolume {
  return 'hostPath' in volume && !('persistent' in volume) && !('external' in volume);
}

function portDefinition(input: {
  port?: number;
  labels?: Record<string, string>;
  name?: string;
  protocol?: PortDefinition['protocol'];
}): PortDefinition {
  return {
    port: input.port ?? 0,
    protocol: input.protocol ?? 'tcp',
    ...(input.name === undefined ? {} : { name: input.name }),
    labels: { ...input.labels },
  };
}

function portMapping(input: PortMappingInput): PortMapping {
  return {
    containerPort: input.containerPort ?? 0,
    ...(input.hostPort === undefined ? {} : { hostPort: input.hostPort }),
    servicePort: input.servicePort ?? 0,
    protocol: input.protocol ?? 'tcp',
    ...(input.name === undefined ? {} : { name: input.name }),
    labels: { ...input.labels },
    networkNames: [...(input.networkNames ?? [])],
  };
}

/** Secret references are refused by validation; only plain values stay. */
function stringEnvironment(env: NonNullable<AppDefinitionInput['env']>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** Operators are matched regardless of case by validation and stored in upper case. */
function canonicalConstraint(raw: readonly string[]): Constraint {
  const [field = '', operator = '', value] = raw;
  return value === undefined
    ? [field, operator.toUpperCase()]
    : [field, operator.toUpperCase(), value];
}

function migrateFetch(input: AppDefinitionInput): Artifact[] {
  const uris = input.uris ?? [];
  const fetch = input.fetch ?? [];
  if (uris.length > 0 && fetch.length === 0) {
    return uris.map((uri) => ({
      uri,
      extract: isExtractable(uri),
      executable: ARTIFACT_DEFAULTS.executable,
      cache: ARTIFACT_DEFAULTS.cache,
    }));
  }
  return fetch.map((artifact) => ({
    uri: artifact.uri,
    extract: artifact.extract ?? ARTIFACT_DEFAULTS.extract,
    executable: artifact.executable ?? ARTIFACT_DEFAULTS.executable,
    cache: artifact.cache ?? ARTIFACT_DEFAULTS.cache,
    ...(artifact.destPath === undefined ? {} : { destPath: artifact.destPath }),
  }));
}

/** FetchUri.isExtract: the URI's path ends in an archive suffix the fetcher extracts. */
export function isExtractable(uri: string): boolean {
  const path = javaUriPath(uri);
  return path !== undefined && EXTRACTABLE_SUFFIXES.some((suffix) => path.endsWith(suffix));
}

/**
 * One health check as Marathon stores and shows it: each protocol keeps only its own
 * fields. Marathon runs HTTP, HTTPS and TCP checks itself and models no delay for them,
 * so it shows them with the default `delaySeconds` and IPv4 whatever was posted.
 */
function healthCheck(input: HealthCheckInput, hasPorts: boolean): HealthCheck {
  const protocol = input.protocol ?? HEALTH_CHECK_DEFAULTS.protocol;
  // Before portIndex became optional it defaulted to 0; Marathon restores that default
  // when the app has ports to point at.
  const portIndex =
    hasPorts && protocol !== 'COMMAND' && input.port === undefined && input.portIndex === undefined
      ? 0
      : input.portIndex;
  const timing = {
    gracePeriodSeconds: input.gracePeriodSeconds ?? HEALTH_CHECK_DEFAULTS.gracePeriodSeconds,
    intervalSeconds: input.intervalSeconds ?? HEALTH_CHECK_DEFAULTS.intervalSeconds,
    timeoutSeconds: input.timeoutSeconds ?? HEALTH_CHECK_DEFAULTS.timeoutSeconds,
    maxConsecutiveFailures:
      input.maxConsecutiveFailures ?? HEALTH_CHECK_DEFAULTS.maxConsecutiveFailures,
  };
  const port = {
    ...(input.port === undefined ? {} : { port: input.port }),
    ...(portIndex === undefined ? {} : { portIndex }),
  };
  const path = input.path === undefined ? {} : { path: input.path };
  const mesosDelay = input.delaySeconds ?? HEALTH_CHECK_DEFAULTS.delaySeconds;
  const ipProtocol = input.ipProtocol ?? HEALTH_CHECK_DEFAULTS.ipProtocol;
  switch (protocol) {
    case 'COMMAND':
      return {
        protocol,
        command: { value: input.command?.value ?? '' },
        ...timing,
        delaySeconds: mesosDelay,
        ipProtocol: HEALTH_CHECK_DEFAULTS.ipProtocol,
      };
    case 'HTTP':
    case 'HTTPS':
      return {
        protocol,
        ...path,
        ...port,
        ...timing,
        delaySeconds: HEALTH_CHECK_DEFAULTS.delaySeconds,
        ipProtocol: HEALTH_CHECK_DEFAULTS.ipProtocol,
        ignoreHttp1xx: input.ignoreHttp1xx ?? false,
      };
    case 'TCP':
      return {
        protocol,
        ...port,
        ...timing,
        delaySeconds: HEALTH_CHECK_DEFAULTS.delaySeconds,
        ipProtocol: HEALTH_CHECK_DEFAULTS.ipProtocol,
      };
    case 'MESOS_HTTP':
    case 'MESOS_HTTPS':
      return { protocol, ...path, ...port, ...timing, delaySeconds: mesosDelay, ipProtocol };
    case 'MESOS_TCP':
      return { protocol, ...port, ...timing, delaySeconds: mesosDelay, ipProtocol };
  }
}

function readinessCheck(
  input: NonNullable<AppDefinitionInput['readinessChecks']>[number],
): ReadinessCheck {
  return {
    name: input.name ?? READINESS_CHECK_DEFAULTS.name,
    protocol: input.protocol ?? READINESS_CHECK_DEFAULTS.protocol,
    path: input.path ?? READINESS_CHECK_DEFAULTS.path,
    portName: input.portName ?? READINESS_CHECK_DEFAULTS.portName,
    intervalSeconds: input.intervalSeconds ?? READINESS_CHECK_DEFAULTS.intervalSeconds,
    timeoutSeconds: input.timeoutSeconds ?? READINESS_CHECK_DEFAULTS.timeoutSeconds,
    httpStatusCodesForReady: input.httpStatusCodesForReady ?? [
      ...READINESS_CHECK_DEFAULTS.httpStatusCodesForReady,
    ],
    preserveLastResponse:
      input.preserveLastResponse ?? READINESS_CHECK_DEFAULTS.preserveLastResponse,
  };
}

function unreachableStrategy(
  input: AppDefinitionInput['unreachableStrategy'],
): UnreachableStrategy {
  if (input === undefined) return { ...DEFAULT_UNREACHABLE_STRATEGY };
  if (input === 'disabled') return 'disabled';
  return {
    inactiveAfterSeconds: input.inactiveAfterSeconds ?? 0,
    expungeAfterSeconds: input.expungeAfterSeconds ?? 0,
  };
}
