/**
 * The sentences Marathon's validation answers with, word for word, from its
 * api/v2/validation/*.scala, api/v2/Validation.scala, state/*.scala and accord's
 * built-in messages. Clients and scripts match on them, so they are kept here once and
 * used everywhere. The few mesolite adds (things mesolite cannot do, and Marathon
 * failures that surface as HTTP 500 there) are marked.
 */
export const MESSAGES = {
  // accord's built-in combinators
  notDefined: 'not defined',
  mustBeEmpty: 'must be empty',
  mustNotBeEmpty: 'must not be empty',
  isNotOneOf: (options: readonly string[]) => `is not one of (${options.join(',')})`,
  gotExpectedEqual: (got: string, expected: string) => `got ${got}, expected ${expected}`,
  gotExpectedAtMost: (got: number, bound: number) => `got ${got}, expected ${bound} or less`,
  gotExpectedLessThan: (got: number, bound: number) => `got ${got}, expected less than ${bound}`,
  gotExpectedOneOf: (got: string, options: readonly string[]) =>
    `got ${got}, expected one of: [${options.join(', ')}]`,

  // AppValidation.scala
  cmdArgsOrContainer:
    "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.",
  atMostOneMesosHealthCheck: 'AppDefinition can contain at most one Mesos health check',
  healthCheckPortIndex:
    'Health check port indices must address an element of the ports array or container port mappings.',
  healthCheckIpProtocol:
    'IPv6 can only be used for container type DOCKER and Mesos http/https/tcp health checks',
  portNamesUnique: 'Port names must be unique.',
  portsUnique: 'Ports must be unique.',
  legacyPortsUnique: 'ports must be unique',
  portsAndPortDefinitions: 'cannot specify both ports and port definitions',
  dockerNetworkAndNetworks: 'must not specify both container.docker.network and networks',
  urisWithFetch: 'may not be set in conjunction with fetch',
  pullConfigWithDocker: 'pullConfig is not supported with Docker containerizer',
  networkNameRequiredForMultipleContainerNetworks:
    'networkNames must be a single item list when hostPort is specified and more than 1 container network is defined',
  dockerSingleContainerNetwork:
    'may only specify a single container network when using the Docker container engine',
  notRoot: 'must not be root',
  cmdNotEmpty: 'must not be an empty string',
  portMappingsWithHostNetworking: 'portMappings are not allowed with host-networking',
  portDefinitionsWithoutHostNetworking: 'portDefinitions are only allowed with host-networking',
  gpusWithDocker: 'GPU resources only work with the Mesos containerizer',
  migrationApi:
    'DCOS_PACKAGE_FRAMEWORK_NAME and DCOS_MIGRATION_API_PATH must be defined when using DCOS_MIGRATION_API_VERSION',
  singleInstance: 'Single instance app may only have one instance',
  unreachableForResident: 'unreachableStrategy must be disabled for resident tasks',
  readinessPortName: (name: string) => `No port definition reference for portName ${name}`,

  // Validation.scala
  uriSyntax: 'URI has invalid syntax.',
  featureNotEnabled: (feature: string) =>
    `Feature ${feature} is not enabled. Enable with --enable_features ${feature})`,

  // NetworkValidation.scala
  hostNetworkNameOrLabels: 'Host networks may not have names or labels',
  bridgeNetworkName: 'Bridge networks may not have names',
  duplicateNetworks: 'Duplicate networks are not allowed',
  networkModes:
    'May specify a single host network, single bridge network, or else 1-to-n container networks',
  networkNameMustBeSpecified: 'Network name must be specified when container network is selected.',

  // EnvVarValidation.scala, SecretValidation.scala
  envSecretReferences:
    'use of secret-references in the environment requires the secrets feature to be enabled',
  undefinedSecret: 'references an undefined secret',

  // SchedulingValidation.scala
  illegalConstraint: 'illegal constraint specification',
  constraintOperator:
    'operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS',
  uniqueTakesNoValue: 'UNIQUE does not accept a value',
  groupByValue: 'GROUP BY must define an integer value or else no value at all',
  maxPerValue: 'MAX_PER requires an integer value',
  likeNeedsRegex: 'LIKE and UNLIKE require a non-empty, regular expression value',
  invalidRegex: 'is not a valid regular expression',
  isOnlyText:
    'IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)',

  // ResourceRole.scala
  acceptedRolesForRole: (roles: readonly string[]) =>
    `acceptedResourceRoles can only contain ${roles.join(' and ')}`,
  roleNameMustNotBe: (what: string) => `A role name must not be ${what}.`,
  roleNameMustNotStartWithDash: "A role name must not start with a '-'.",
  roleNameMustNotInclude: (what: string) => `A role name must not include a ${what} character.`,

  // state/UnreachableStrategy.scala
  inactiveAfterExpunge: (inactive: number, expunge: number) =>
    `inactiveAfterSeconds (${inactive}) must be less or equal to expungeAfterSeconds, which is ${expunge}`,

  // Marathon throws these while normalizing (HTTP 500 there); mesolite answers 422.
  bothPortMappings: 'cannot specify both portMappings and docker.portMappings',
  unsupportedDockerNetwork: (network: string) => `unsupported docker network type ${network}`,
  // Marathon throws these while converting health checks (HTTP 500 there).
  commandWithProtocol: (protocol: string) => `illegal protocol ${protocol} specified with command`,
  commandProtocolWithoutCommand: 'illegal protocol COMMAND for non-command health check',
  // mesolite's wording for Marathon's "Invalid combination of HealthCheck parameters".
  commandWithPort: 'a health check with a command must specify neither path nor port',

  // mesolite: what it has no means to run.
  secretsUnsupported:
    'Feature secrets is not enabled. mesolite has no secret store, so secrets cannot be used.',
  unsupportedVolume: (kind: string) =>
    `${kind} volumes are not supported by mesolite; use a host volume (containerPath, hostPath, mode)`,
} as const;
