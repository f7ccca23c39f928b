/**
 * Marathon's v2 app definition as schemas, with the types derived from them.
 *
 * Two forms are declared:
 * - `AppDefinitionInput`: what POST /v2/apps accepts, taken from Marathon's RAML types
 *   (docs/docs/rest-api/public/api/v2/types/app.raml and the files it uses), including
 *   the fields deprecated since Marathon 1.5 (`ports`, `uris`,
 *   `container.docker.network`, `container.docker.portMappings`). Its constraints
 *   (minimum, maximum, pattern, minLength...) are the RAML ones: Marathon's generated
 *   readers enforce them before any validation rule runs, and json-reads.ts does the
 *   same here with Marathon's error codes.
 * - `AppDefinition`: the one canonical form mesolite keeps, Marathon 1.5's form (`networks`
 *   and `container.portMappings`) with every default applied. serialize.ts writes it the
 *   way Marathon's API answers.
 *
 * Extra keywords read by json-reads.ts (TypeBox keeps unknown schema options): `int64`
 * marks a RAML `format: int64` integer, `dateTime` a RAML `datetime` string.
 */
import { type Static, Type } from 'typebox';

const Opt = Type.Optional;

/** strings.PathId in Marathon's stringTypes.raml; a looser check than the per-segment one. */
export const PATH_ID_PATTERN = String.raw`^(\/?((\.\.)|(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9]))?($|\/))+$`;
/** strings.LegacyName: port names. */
export const LEGACY_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** strings.NetworkName: container network names. */
export const NETWORK_NAME_PATTERN = '^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$';
/** App.executor in app.raml: '//cmd', a path, or empty. */
export const EXECUTOR_PATTERN = '^(//cmd)|(/?[^/]+(/[^/]+)*)|$';

const PathIdString = Type.String({ minLength: 1, pattern: PATH_ID_PATTERN });
/** numbers.AnyPort: a port number where 0 asks for any port. */
const AnyPort = Type.Integer({ minimum: 0, maximum: 65535 });
const LegacyName = Type.String({ minLength: 1, pattern: LEGACY_NAME_PATTERN });
const Name = Type.String({ minLength: 1, maxLength: 63, pattern: LEGACY_NAME_PATTERN });
const NetworkName = Type.String({ minLength: 1, maxLength: 63, pattern: NETWORK_NAME_PATTERN });
const NonNegativeInt = Type.Integer({ minimum: 0 });
const NonNegativeLong = Type.Integer({ minimum: 0, int64: true });
const DateTime = Type.String({ dateTime: true });
const Uri = Type.String({ minLength: 1, maxLength: 1024 });

/** label.KVLabels: free-form string metadata. */
export const Labels = Type.Record(Type.String(), Type.String());
export type Labels = Static<typeof Labels>;

export const NetworkProtocol = Type.Enum(['tcp', 'udp', 'udp,tcp']);
export type NetworkProtocol = Static<typeof NetworkProtocol>;
export const NetworkMode = Type.Enum(['container', 'container/bridge', 'host']);
export type NetworkMode = Static<typeof NetworkMode>;
export const EngineType = Type.Enum(['MESOS', 'DOCKER']);
export type EngineType = Static<typeof EngineType>;
export const DockerNetwork = Type.Enum(['BRIDGE', 'HOST', 'NONE', 'USER']);
export type DockerNetwork = Static<typeof DockerNetwork>;
export const ReadMode = Type.Enum(['RO', 'RW']);
export const HEALTH_CHECK_PROTOCOLS = [
  'HTTP',
  'HTTPS',
  'TCP',
  'COMMAND',
  'MESOS_TCP',
  'MESOS_HTTP',
  'MESOS_HTTPS',
] as const;
export const HealthCheckProtocol = Type.Enum([...HEALTH_CHECK_PROTOCOLS]);
export type HealthCheckProtocol = Static<typeof HealthCheckProtocol>;
export const IpProtocol = Type.Enum(['IPv4', 'IPv6']);
export const HttpScheme = Type.Enum(['HTTP', 'HTTPS']);
export const KillSelection = Type.Enum(['YOUNGEST_FIRST', 'OLDEST_FIRST']);
export type KillSelection = Static<typeof KillSelection>;
const TaskLostBehavior = Type.Enum(['WAIT_FOREVER', 'RELAUNCH_AFTER_TIMEOUT']);
/** The operators of Marathon's Protos.Constraint.Operator, in its message's order. */
export const CONSTRAINT_OPERATORS = [
  'UNIQUE',
  'CLUSTER',
  'GROUP_BY',
  'LIKE',
  'UNLIKE',
  'MAX_PER',
  'IS',
] as const;
export type ConstraintOperator = (typeof CONSTRAINT_OPERATORS)[number];

const DockerParameter = Type.Object({ key: Type.String({ minLength: 1 }), value: Type.String() });

// ---------------------------------------------------------------------------------------
// What the API accepts
// ---------------------------------------------------------------------------------------

export const PortDefinitionInput = Type.Object({
  port: Opt(AnyPort),
  labels: Opt(Labels),
  name: Opt(LegacyName),
  protocol: Opt(NetworkProtocol),
});

export const PortMappingInput = Type.Object({
  containerPort: Opt(AnyPort),
  hostPort: Opt(AnyPort),
  labels: Opt(Labels),
  name: Opt(LegacyName),
  protocol: Opt(NetworkProtocol),
  servicePort: Opt(AnyPort),
  networkNames: Opt(Type.Array(Name)),
});
export type PortMappingInput = Static<typeof PortMappingInput>;

export const DockerContainerInput = Type.Object({
  // Accepted so that they can be refused with Marathon's messages, not silently dropped.
  credential: Opt(Type.Object({ principal: Type.String(), secret: Opt(Type.String()) })),
  pullConfig: Opt(Type.Object({ secret: Type.String({ minLength: 1 }) })),
  forcePullImage: Opt(Type.Boolean()),
  image: Type.String({ minLength: 1 }),
  network: Opt(DockerNetwork),
  parameters: Opt(Type.Array(DockerParameter)),
  portMappings: Opt(Type.Array(PortMappingInput)),
  privileged: Opt(Type.Boolean()),
});

export const HostVolumeInput = Type.Object({
  containerPath: Type.String({ minLength: 1 }),
  hostPath: Type.String({ minLength: 1 }),
  mode: ReadMode,
});
// Marathon's other volume kinds are recognised only to be refused by name (mesolite has
// no persistent, external or secret volumes); their insides are not read.
const PersistentVolumeInput = Type.Object({
  containerPath: Type.String({ minLength: 1 }),
  persistent: Type.Unknown(),
});
const ExternalVolumeInput = Type.Object({
  containerPath: Type.String({ minLength: 1 }),
  external: Type.Unknown(),
});
const SecretVolumeInput = Type.Object({
  containerPath: Type.String({ minLength: 1 }),
  secret: Type.String({ minLength: 1 }),
});
/**
 * volumes.AppVolume. Marathon tries the kinds in this order and, when none fits, reports
 * what the last one (a host volume) misses.
 */
export const AppVolumeInput = Type.Union([
  PersistentVolumeInput,
  ExternalVolumeInput,
  SecretVolumeInput,
  HostVolumeInput,
]);
export type AppVolumeInput = Static<typeof AppVolumeInput>;

export const ContainerInput = Type.Object({
  type: Opt(EngineType),
  docker: Opt(DockerContainerInput),
  volumes: Opt(Type.Array(AppVolumeInput)),
  portMappings: Opt(Type.Array(PortMappingInput)),
});
export type ContainerInput = Static<typeof ContainerInput>;

export const NetworkInput = Type.Object({
  name: Opt(NetworkName),
  mode: Opt(NetworkMode),
  labels: Opt(Labels),
});

export const HealthCheckInput = Type.Object({
  command: Opt(Type.Object({ value: Type.String() })),
  gracePeriodSeconds: Opt(NonNegativeInt),
  ignoreHttp1xx: Opt(Type.Boolean()),
  intervalSeconds: Opt(NonNegativeInt),
  maxConsecutiveFailures: Opt(NonNegativeInt),
  path: Opt(Type.String()),
  port: Opt(AnyPort),
  portIndex: Opt(AnyPort),
  protocol: Opt(HealthCheckProtocol),
  ipProtocol: Opt(IpProtocol),
  // The RAML gives timeoutSeconds no minimum.
  timeoutSeconds: Opt(Type.Integer()),
  delaySeconds: Opt(NonNegativeInt),
});
export type HealthCheckInput = Static<typeof HealthCheckInput>;

export const ArtifactInput = Type.Object({
  uri: Uri,
  extract: Opt(Type.Boolean()),
  executable: Opt(Type.Boolean()),
  cache: Opt(Type.Boolean()),
  destPath: Opt(Uri),
});

export const ReadinessCheckInput = Type.Object({
  name: Opt(Type.String({ minLength: 1 })),
  protocol: Opt(HttpScheme),
  path: Opt(Type.String({ minLength: 1, maxLength: 1024 })),
  portName: Opt(LegacyName),
  intervalSeconds: Opt(NonNegativeInt),
  timeoutSeconds: Opt(Type.Integer({ minimum: 1 })),
  httpStatusCodesForReady: Opt(
    Type.Array(Type.Integer({ minimum: 100, maximum: 999 }), { minItems: 1, uniqueItems: true }),
  ),
  preserveLastResponse: Opt(Type.Boolean()),
});

/** Both fields are required once an upgradeStrategy is given, as in Marathon's RAML. */
export const UpgradeStrategyInput = Type.Object({
  maximumOverCapacity: Type.Number({ minimum: 0, maximum: 1 }),
  minimumHealthCapacity: Type.Number({ minimum: 0, maximum: 1 }),
});

const UnreachableEnabledInput = Type.Object({
  inactiveAfterSeconds: Opt(NonNegativeLong),
  expungeAfterSeconds: Opt(NonNegativeLong),
});
export const UnreachableStrategyInput = Type.Union([
  Type.Literal('disabled'),
  UnreachableEnabledInput,
]);

/** An environment variable's value, or a reference to a secret (refused: no secret store). */
export const EnvVarInput = Type.Union([Type.String(), Type.Object({ secret: Type.String() })]);
export type EnvVarInput = Static<typeof EnvVarInput>;

/** constraint.AppConstraint: `[field, operator]` or `[field, operator, value]`. */
export const ConstraintInput = Type.Array(Type.String(), { minItems: 2, maxItems: 3 });

export const AppDefinitionInput = Type.Object({
  id: PathIdString,
  acceptedResourceRoles: Opt(Type.Array(Type.String(), { uniqueItems: true })),
  args: Opt(Type.Array(Type.String())),
  backoffFactor: Opt(Type.Number({ minimum: 1 })),
  backoffSeconds: Opt(NonNegativeInt),
  cmd: Opt(Type.String({ minLength: 1 })),
  constraints: Opt(Type.Array(ConstraintInput, { uniqueItems: true })),
  container: Opt(ContainerInput),
  cpus: Opt(Type.Number({ minimum: 0.001 })),
  dependencies: Opt(Type.Array(PathIdString, { uniqueItems: true })),
  disk: Opt(Type.Number({ minimum: 0 })),
  env: Opt(Type.Record(Type.String(), EnvVarInput)),
  executor: Opt(Type.String({ pattern: EXECUTOR_PATTERN })),
  fetch: Opt(Type.Array(ArtifactInput)),
  healthChecks: Opt(Type.Array(HealthCheckInput, { uniqueItems: true })),
  instances: Opt(NonNegativeInt),
  labels: Opt(Labels),
  maxLaunchDelaySeconds: Opt(NonNegativeInt),
  mem: Opt(Type.Number({ minimum: 0 })),
  gpus: Opt(NonNegativeInt),
  networks: Opt(Type.Array(NetworkInput)),
  ports: Opt(Type.Array(AnyPort)),
  portDefinitions: Opt(Type.Array(PortDefinitionInput)),
  readinessChecks: Opt(Type.Array(ReadinessCheckInput)),
  // Deprecated in Marathon and without effect; read so that a wrong type is still reported.
  residency: Opt(
    Type.Object({
      relaunchEscalationTimeoutSeconds: Opt(NonNegativeLong),
      taskLostBehavior: Opt(TaskLostBehavior),
    }),
  ),
  requirePorts: Opt(Type.Boolean()),
  secrets: Opt(Type.Record(Type.String(), Type.Object({ source: Type.String({ minLength: 1 }) }))),
  taskKillGracePeriodSeconds: Opt(NonNegativeInt),
  upgradeStrategy: Opt(UpgradeStrategyInput),
  uris: Opt(Type.Array(Uri)),
  user: Opt(Type.String()),
  version: Opt(DateTime),
  versionInfo: Opt(Type.Object({ lastScalingAt: DateTime, lastConfigChangeAt: DateTime })),
  killSelection: Opt(KillSelection),
  unreachableStrategy: Opt(UnreachableStrategyInput),
  role: Opt(Type.String({ minLength: 1 })),
});
export type AppDefinitionInput = Static<typeof AppDefinitionInput>;

// ---------------------------------------------------------------------------------------
// The canonical form
// ---------------------------------------------------------------------------------------

export const PortDefinition = Type.Object({
  /** A service port (0: Marathon assigns one) unless requirePorts makes it the host port. */
  port: AnyPort,
  protocol: NetworkProtocol,
  name: Opt(Type.String()),
  labels: Labels,
});
export type PortDefinition = Static<typeof PortDefinition>;

export const PortMapping = Type.Object({
  /** 0: the same number as the host port chosen for the instance. */
  containerPort: AnyPort,
  /** 0: any offered port; absent: no host port (container networks only). */
  hostPort: Opt(AnyPort),
  servicePort: AnyPort,
  protocol: NetworkProtocol,
  name: Opt(Type.String()),
  labels: Labels,
  networkNames: Type.Array(Type.String()),
});
export type PortMapping = Static<typeof PortMapping>;

export const DockerContainer = Type.Object({
  image: Type.String({ minLength: 1 }),
  privileged: Type.Boolean(),
  parameters: Type.Array(DockerParameter),
  forcePullImage: Type.Boolean(),
});
export type DockerContainer = Static<typeof DockerContainer>;

export const HostVolume = Type.Object({
  containerPath: Type.String({ minLength: 1 }),
  hostPath: Type.String({ minLength: 1 }),
  mode: ReadMode,
});
export type HostVolume = Static<typeof HostVolume>;

export const Container = Type.Object({
  type: EngineType,
  /** For MESOS, only `image` and `forcePullImage` mean anything (a Docker image run by Mesos). */
  docker: Opt(DockerContainer),
  volumes: Type.Array(HostVolume),
  /** Present exactly when the app's networking is not host networking. */
  portMappings: Opt(Type.Array(PortMapping)),
});
export type Container = Static<typeof Container>;

export const Network = Type.Object({
  mode: NetworkMode,
  name: Opt(Type.String()),
  labels: Labels,
});
export type Network = Static<typeof Network>;

export const HealthCheck = Type.Object({
  protocol: HealthCheckProtocol,
  /** COMMAND only. */
  command: Opt(Type.Object({ value: Type.String() })),
  /** HTTP(S) and MESOS_HTTP(S) only. */
  path: Opt(Type.String()),
  port: Opt(AnyPort),
  portIndex: Opt(AnyPort),
  gracePeriodSeconds: Type.Integer({ minimum: 0 }),
  intervalSeconds: Type.Integer({ minimum: 0 }),
  timeoutSeconds: Type.Integer(),
  /** 0: never kill an unhealthy task (Marathon's rule for the checks it runs itself). */
  maxConsecutiveFailures: Type.Integer({ minimum: 0 }),
  delaySeconds: Type.Integer({ minimum: 0 }),
  ipProtocol: IpProtocol,
  /** HTTP and HTTPS only. */
  ignoreHttp1xx: Opt(Type.Boolean()),
});
export type HealthCheck = Static<typeof HealthCheck>;

export const Artifact = Type.Object({
  uri: Type.String({ minLength: 1 }),
  extract: Type.Boolean(),
  executable: Type.Boolean(),
  cache: Type.Boolean(),
  destPath: Opt(Type.String({ minLength: 1 })),
});
export type Artifact = Static<typeof Artifact>;

export const ReadinessCheck = Type.Object({
  name: Type.String(),
  protocol: HttpScheme,
  path: Type.String(),
  portName: Type.String(),
  intervalSeconds: Type.Integer({ minimum: 0 }),
  timeoutSeconds: Type.Integer({ minimum: 1 }),
  httpStatusCodesForReady: Type.Array(Type.Integer()),
  preserveLastResponse: Type.Boolean(),
});
export type ReadinessCheck = Static<typeof ReadinessCheck>;

export const UpgradeStrategy = Type.Object({
  minimumHealthCapacity: Type.Number({ minimum: 0, maximum: 1 }),
  maximumOverCapacity: Type.Number({ minimum: 0, maximum: 1 }),
});
export type UpgradeStrategy = Static<typeof UpgradeStrategy>;

export const UnreachableStrategy = Type.Union([
  Type.Literal('disabled'),
  Type.Object({
    inactiveAfterSeconds: Type.Integer({ minimum: 0 }),
    expungeAfterSeconds: Type.Integer({ minimum: 0 }),
  }),
]);
export type UnreachableStrategy = Static<typeof UnreachableStrategy>;

/** `[field, OPERATOR]` or `[field, OPERATOR, value]`, the operator in upper case. */
export const Constraint = Type.Union([
  Type.Tuple([Type.String(), Type.String()]),
  Type.Tuple([Type.String(), Type.String(), Type.String()]),
]);
export type Constraint = Static<typeof Constraint>;

export const VersionInfo = Type.Object({
  lastScalingAt: Type.String(),
  lastConfigChangeAt: Type.String(),
});
export type VersionInfo = Static<typeof VersionInfo>;

/**
 * An app as mesolite keeps it: Marathon 1.5's form, every default applied, ids absolute
 * and canonical. Environment secrets, `secrets` and volumes other than host volumes are
 * refused by validation, so they have no place here; `residency` is accepted but, as
 * in Marathon, has no effect and is not kept.
 */
export const AppDefinition = Type.Object({
  id: Type.String({ minLength: 1 }),
  cmd: Opt(Type.String()),
  args: Type.Array(Type.String()),
  user: Opt(Type.String()),
  env: Type.Record(Type.String(), Type.String()),
  instances: Type.Integer({ minimum: 0 }),
  cpus: Type.Number({ minimum: 0 }),
  mem: Type.Number({ minimum: 0 }),
  disk: Type.Number({ minimum: 0 }),
  gpus: Type.Integer({ minimum: 0 }),
  executor: Type.String(),
  constraints: Type.Array(Constraint),
  fetch: Type.Array(Artifact),
  /** Present exactly when the app uses host networking. */
  portDefinitions: Opt(Type.Array(PortDefinition)),
  requirePorts: Type.Boolean(),
  backoffSeconds: Type.Integer({ minimum: 0 }),
  backoffFactor: Type.Number({ minimum: 1 }),
  maxLaunchDelaySeconds: Type.Integer({ minimum: 0 }),
  container: Opt(Container),
  networks: Type.Array(Network, { minItems: 1 }),
  healthChecks: Type.Array(HealthCheck),
  readinessChecks: Type.Array(ReadinessCheck),
  dependencies: Type.Array(Type.String()),
  upgradeStrategy: UpgradeStrategy,
  labels: Labels,
  /** Absent: every role the app may use; never empty. */
  acceptedResourceRoles: Opt(Type.Array(Type.String())),
  /** The version timestamp, kept as the owner of the app set it. */
  version: Opt(Type.String()),
  versionInfo: Opt(VersionInfo),
  killSelection: KillSelection,
  taskKillGracePeriodSeconds: Opt(Type.Integer({ minimum: 0 })),
  unreachableStrategy: UnreachableStrategy,
  role: Type.String({ minLength: 1 }),
});
export type AppDefinition = Static<typeof AppDefinition>;
