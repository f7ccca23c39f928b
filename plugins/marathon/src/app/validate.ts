/**
 * Marathon's validation rules for an app definition, each with its path and sentence:
 *
 * - `validateDeprecatedApi` is AppValidation.validateOldAppAPI: the rules about the
 *   fields deprecated since 1.5, checked on the definition as posted.
 * - `validateApp` is AppValidation.validateCanonicalAppAPI together with the rules of
 *   AppDefinition.validAppDefinition that the first does not repeat, checked on the
 *   migrated app (normalize.ts). Marathon stops at the first of its two validators that
 *   fails; one pass here names every bad field at once.
 *
 * Rules that the RAML types already enforce (minimums, patterns, enums) are left to
 * json-reads.ts, which reports them first, as Marathon does.
 */
import { tryParsePathId } from '../path-id.js';
import type { Violations } from './errors.js';
import { isJavaInt, isValidJavaUri, javaDouble } from './java-text.js';
import { isHostVolume, portDeclarations } from './normalize.js';
import type { ResolvedParseOptions } from './options.js';
import {
  type AppDefinition,
  type AppDefinitionInput,
  CONSTRAINT_OPERATORS,
  type ConstraintOperator,
  type HealthCheckProtocol,
  type Network,
  type PortMapping,
} from './schema.js';
import { MESSAGES } from './validation-messages.js';

const LABEL_SINGLE_INSTANCE_APP = 'MARATHON_SINGLE_INSTANCE_APP';
const LABEL_MIGRATION_API_VERSION = 'DCOS_MIGRATION_API_VERSION';
const LABEL_MIGRATION_API_PATH = 'DCOS_MIGRATION_API_PATH';
const LABEL_PACKAGE_FRAMEWORK_NAME = 'DCOS_PACKAGE_FRAMEWORK_NAME';

/** Health checks that Mesos runs in Marathon (the others Marathon runs itself). */
const MESOS_HEALTH_CHECK_PROTOCOLS: ReadonlySet<HealthCheckProtocol> = new Set([
  'COMMAND',
  'MESOS_HTTP',
  'MESOS_HTTPS',
  'MESOS_TCP',
]);
const MARATHON_HEALTH_CHECK_PROTOCOLS: ReadonlySet<HealthCheckProtocol> = new Set([
  'HTTP',
  'HTTPS',
  'TCP',
]);

/** AppValidation.validateOldAppAPI: rules on the deprecated fields, as posted. */
export function validateDeprecatedApi(input: AppDefinitionInput, violations: Violations): void {
  const container = input.container;
  const docker = container?.docker;
  if (docker !== undefined) {
    // Credentials are not supported in the docker object any more, in either engine.
    if (docker.credential !== undefined) {
      violations.add('/container/docker/credential', MESSAGES.mustBeEmpty);
    }
    if (container?.type === 'MESOS') {
      if (docker.network !== undefined) {
        violations.add('/container/docker/network', MESSAGES.mustBeEmpty);
      }
      if ((docker.parameters ?? []).length > 0) {
        violations.add('/container/docker/parameters', MESSAGES.mustBeEmpty);
      }
      if (docker.portMappings !== undefined) {
        violations.add('/container/docker/portMappings', MESSAGES.mustBeEmpty);
      }
    }
    if (hasDuplicates((docker.portMappings ?? []).flatMap((m) => (m.name ? [m.name] : [])))) {
      violations.add('/container/docker/portMappings', MESSAGES.portNamesUnique);
    }
  }
  if (input.uris !== undefined) {
    input.uris.forEach((uri, index) => {
      if (!isValidJavaUri(uri)) violations.add(`/uris(${index})`, MESSAGES.uriSyntax);
    });
    if (input.uris.length > 0 && (input.fetch ?? []).length > 0) {
      violations.add('/uris', MESSAGES.urisWithFetch);
    }
  }
  if (docker?.network !== undefined && (input.networks ?? []).length > 0) {
    violations.add('/', MESSAGES.dockerNetworkAndNetworks);
  }
  if (hasDuplicates((input.ports ?? []).filter((port) => port !== 0))) {
    violations.add('/', MESSAGES.legacyPortsUnique);
  }
  if (input.ports !== undefined && input.portDefinitions !== undefined) {
    const definedPorts = input.portDefinitions.map((definition) => definition.port ?? 0);
    const same =
      definedPorts.length === input.ports.length &&
      definedPorts.every((port, index) => port === input.ports?.[index]);
    if (!same) violations.add('/', MESSAGES.portsAndPortDefinitions);
  }
}

/** Marathon's canonical and model validation of the migrated app; see the module comment. */
export function validateApp(
  input: AppDefinitionInput,
  app: AppDefinition,
  options: ResolvedParseOptions,
  violations: Violations,
): void {
  validateIds(input, options, violations);
  validateContainer(input, app, violations);
  validatePortDefinitions(app, violations);
  if (!hasCmdArgsOrContainer(app)) violations.add('/', MESSAGES.cmdArgsOrContainer);
  validateHealthChecks(input, app, violations);
  app.fetch.forEach((artifact, index) => {
    if (!isValidJavaUri(artifact.uri)) violations.add(`/fetch(${index})/uri`, MESSAGES.uriSyntax);
  });
  validateSecrets(input, violations);
  validateRoles(app, options, violations);
  if (app.gpus > 0) {
    if (app.container?.type === 'DOCKER') violations.add('/', MESSAGES.gpusWithDocker);
    if (!options.enabledFeatures.has('gpu_resources')) {
      violations.add('/', MESSAGES.featureNotEnabled('gpu_resources'));
    }
  }
  if (!compliesWithMigrationApi(app.labels)) violations.add('/', MESSAGES.migrationApi);
  validateReadinessChecks(app, violations);
  const singleInstance = app.labels[LABEL_SINGLE_INSTANCE_APP] === 'true';
  if (singleInstance && app.instances > 1) violations.add('/', MESSAGES.singleInstance);
  validateUpgradeStrategy(input, singleInstance, violations);
  if (
    app.container?.type === 'DOCKER' &&
    app.networks.filter((network) => network.mode === 'container').length > 1
  ) {
    violations.add('/', MESSAGES.dockerSingleContainerNetwork);
  }
  if (
    input.residency !== undefined &&
    input.unreachableStrategy !== undefined &&
    input.unreachableStrategy !== 'disabled'
  ) {
    violations.add('/', MESSAGES.unreachableForResident);
  }
  (input.constraints ?? []).forEach((constraint, index) => {
    const problem = constraintProblem(constraint);
    if (problem !== undefined) violations.add(`/constraints(${index})`, problem);
  });
  validateNetworks(app.networks, options, violations);
  if (app.cmd !== undefined && app.cmd.length <= 1) {
    // Marathon's rule says "empty" but tests length > 1, so a one-letter cmd is refused too.
    violations.add('/', MESSAGES.cmdNotEmpty);
  }
  const host = app.networks.some((network) => network.mode === 'host');
  if (host && (app.container?.portMappings ?? []).length > 0) {
    violations.add('/', MESSAGES.portMappingsWithHostNetworking);
  }
  if (
    app.networks.some((network) => network.mode !== 'host') &&
    (app.portDefinitions ?? []).length > 0
  ) {
    violations.add('/', MESSAGES.portDefinitionsWithoutHostNetworking);
  }
  const unreachable = app.unreachableStrategy;
  if (
    unreachable !== 'disabled' &&
    unreachable.inactiveAfterSeconds > unreachable.expungeAfterSeconds
  ) {
    violations.add(
      '/unreachableStrategy/inactiveAfterSeconds',
      MESSAGES.inactiveAfterExpunge(
        unreachable.inactiveAfterSeconds,
        unreachable.expungeAfterSeconds,
      ),
    );
  }
}

function hasDuplicates(values: readonly (string | number)[]): boolean {
  return new Set(values).size !== values.length;
}

function validateIds(
  input: AppDefinitionInput,
  options: ResolvedParseOptions,
  violations: Violations,
): void {
  const id = tryParsePathId(input.id, { base: options.base });
  if (!id.ok) {
    violations.add('/id', id.error.message);
    if (id.error.problem === 'root') violations.add('/', MESSAGES.notRoot);
  }
  (input.dependencies ?? []).forEach((dependency, index) => {
    const parsed = tryParsePathId(dependency, { base: options.base, allowRoot: true });
    if (!parsed.ok) violations.add(`/dependencies(${index})`, parsed.error.message);
  });
}

function validateContainer(
  input: AppDefinitionInput,
  app: AppDefinition,
  violations: Violations,
): void {
  const container = app.container;
  if (container === undefined) return;
  if (container.portMappings !== undefined) {
    validatePortMappings(container.portMappings, app.networks, violations);
  }
  (input.container?.volumes ?? []).forEach((volume, index) => {
    if (isHostVolume(volume)) return;
    const kind =
      'persistent' in volume ? 'persistent' : 'external' in volume ? 'external' : 'secret';
    violations.add(`/container/volumes(${index})`, MESSAGES.unsupportedVolume(kind));
  });
  const pullConfig = input.container?.docker?.pullConfig;
  if (container.type === 'DOCKER') {
    if (container.docker === undefined) violations.add('/container/docker', MESSAGES.notDefined);
    if (pullConfig !== undefined) {
      violations.add('/container/docker/pullConfig', MESSAGES.pullConfigWithDocker);
    }
  } else if (pullConfig !== undefined) {
    // A pull config names a secret, and mesolite has no secret store.
    violations.add('/container/docker/pullConfig', MESSAGES.mustBeEmpty);
    violations.add('/container/docker/pullConfig', MESSAGES.secretsUnsupported);
  }
}

function validatePortMappings(
  mappings: readonly PortMapping[],
  networks: readonly Network[],
  violations: Violations,
): void {
  if (hasDuplicates(mappings.flatMap((mapping) => (mapping.name ? [mapping.name] : [])))) {
    violations.add('/container/portMappings', MESSAGES.portNamesUnique);
  }
  const containerNetworks = networks.filter((network) => network.mode === 'container').length;
  const networkNames = networks.flatMap((network) => (network.name ? [network.name] : []));
  mappings.forEach((mapping, index) => {
    if (
      containerNetworks > 1 &&
      mapping.hostPort !== undefined &&
      mapping.networkNames.length !== 1
    ) {
      violations.add(
        `/container/portMappings(${index})`,
        MESSAGES.networkNameRequiredForMultipleContainerNetworks,
      );
    }
    mapping.networkNames.forEach((name, nameIndex) => {
      if (!networkNames.includes(name)) {
        violations.add(
          `/container/portMappings(${index})/networkNames(${nameIndex})`,
          MESSAGES.isNotOneOf(networkNames),
        );
      }
    });
  });
}

function validatePortDefinitions(app: AppDefinition, violations: Violations): void {
  const definitions = app.portDefinitions ?? [];
  if (
    hasDuplicates(definitions.flatMap((definition) => (definition.name ? [definition.name] : [])))
  ) {
    violations.add('/portDefinitions', MESSAGES.portNamesUnique);
  }
  if (
    hasDuplicates(definitions.map((definition) => definition.port).filter((port) => port !== 0))
  ) {
    violations.add('/portDefinitions', MESSAGES.portsUnique);
  }
}

/** `cmd` or `args` (not both), or else a container that names an image or is a Mesos one. */
function hasCmdArgsOrContainer(app: AppDefinition): boolean {
  const cmd = app.cmd !== undefined;
  const args = app.args.length > 0;
  const container =
    app.container !== undefined &&
    (app.container.docker !== undefined || app.container.type === 'MESOS');
  return cmd !== args || (!(cmd && args) && container);
}

function validateHealthChecks(
  input: AppDefinitionInput,
  app: AppDefinition,
  violations: Violations,
): void {
  const portCount = portDeclarations(app).length;
  const docker = app.container?.type === 'DOCKER';
  const posted = input.healthChecks ?? [];
  app.healthChecks.forEach((check, index) => {
    const path = `/healthChecks(${index})`;
    const raw = posted[index];
    const command = raw?.command !== undefined;
    if (!command && MARATHON_HEALTH_CHECK_PROTOCOLS.has(check.protocol)) {
      const addressed =
        check.portIndex !== undefined
          ? check.portIndex < portCount
          : check.port !== undefined || portCount === 1;
      if (!addressed) violations.add(path, MESSAGES.healthCheckPortIndex);
    }
    const ipv6 = raw?.ipProtocol === 'IPv6';
    const mesosNetworkCheck =
      check.protocol === 'MESOS_HTTP' ||
      check.protocol === 'MESOS_HTTPS' ||
      check.protocol === 'MESOS_TCP';
    if (ipv6 && !(mesosNetworkCheck && docker))
      violations.add(path, MESSAGES.healthCheckIpProtocol);
    if (command && check.protocol !== 'COMMAND') {
      violations.add(path, MESSAGES.commandWithProtocol(check.protocol));
    }
    if (command && (raw?.path !== undefined || raw?.port !== undefined)) {
      violations.add(path, MESSAGES.commandWithPort);
    }
    if (!command && check.protocol === 'COMMAND') {
      violations.add(path, MESSAGES.commandProtocolWithoutCommand);
    }
  });
  // Marathon tolerates several command checks, which older versions accepted.
  const mesosChecks = posted.filter(
    (check) =>
      check.command === undefined && MESOS_HEALTH_CHECK_PROTOCOLS.has(check.protocol ?? 'HTTP'),
  ).length;
  if (mesosChecks > 1) violations.add('/', MESSAGES.atMostOneMesosHealthCheck);
}

function validateSecrets(input: AppDefinitionInput, violations: Violations): void {
  const secrets = input.secrets ?? {};
  if (Object.keys(secrets).length > 0) violations.add('/secrets', MESSAGES.secretsUnsupported);
  const env = Object.entries(input.env ?? {});
  env.forEach(([name], index) => {
    if (name === '') violations.add(`/env/keys(${index})`, MESSAGES.mustNotBeEmpty);
  });
  const references = env.filter(
    (entry): entry is [string, { secret: string }] => typeof entry[1] !== 'string',
  );
  if (references.length > 0) violations.add('/env', MESSAGES.envSecretReferences);
  for (const [name, reference] of references) {
    if (!Object.hasOwn(secrets, reference.secret)) {
      violations.add(`/env/${name}/secret`, MESSAGES.undefinedSecret);
    }
  }
}

function validateRoles(
  app: AppDefinition,
  options: ResolvedParseOptions,
  violations: Violations,
): void {
  if (!options.validRoles.includes(app.role)) {
    violations.add('/role', MESSAGES.gotExpectedOneOf(app.role, options.validRoles));
  }
  const accepted = app.acceptedResourceRoles;
  if (accepted === undefined) return;
  if (accepted.length === 0) violations.add('/acceptedResourceRoles', MESSAGES.mustNotBeEmpty);
  accepted.forEach((role, index) => {
    for (const problem of roleNameProblems(role)) {
      violations.add(`/acceptedResourceRoles(${index})`, problem);
    }
  });
  // ResourceRole.validForRole: the unreserved role and the app's own, in sorted order.
  const allowed = [...new Set(['*', app.role])].sort();
  if (
    accepted.length > 0 &&
    (accepted.length > 2 || !accepted.every((role) => allowed.includes(role)))
  ) {
    violations.add('/acceptedResourceRoles', MESSAGES.acceptedRolesForRole(allowed));
  }
}

const ROLE_NAME_CHARACTERS: readonly (readonly [string, string])[] = [
  ['\t', 'horizontal tab (\\x09)'],
  ['\n', 'line feed (\\x0a)'],
  ['\v', 'vertical tab (\\x0b)'],
  ['\f', 'form feed (\\x0c)'],
  ['\r', 'carriage return (\\x0d)'],
  [' ', 'space (\\x20)'],
  ['/', 'slash (\\x2f)'],
  ['\x7f', 'backspace (\\x7f)'],
];

/** ResourceRole.validResourceRole: Mesos's rules for a role name. */
function roleNameProblems(role: string): string[] {
  const problems: string[] = [];
  if (role === '') problems.push(MESSAGES.roleNameMustNotBe('""'));
  if (role === '.') problems.push(MESSAGES.roleNameMustNotBe('"."'));
  if (role === '..') problems.push(MESSAGES.roleNameMustNotBe('".."'));
  if (role.startsWith('-')) problems.push(MESSAGES.roleNameMustNotStartWithDash);
  for (const [character, name] of ROLE_NAME_CHARACTERS) {
    if (role.includes(character)) problems.push(MESSAGES.roleNameMustNotInclude(name));
  }
  return problems;
}

function compliesWithMigrationApi(labels: Readonly<Record<string, string>>): boolean {
  const version = labels[LABEL_MIGRATION_API_VERSION];
  if (version === undefined || version === '') return true;
  return (
    version === 'v1' &&
    (labels[LABEL_PACKAGE_FRAMEWORK_NAME] ?? '') !== '' &&
    (labels[LABEL_MIGRATION_API_PATH] ?? '') !== ''
  );
}

function validateReadinessChecks(app: AppDefinition, violations: Violations): void {
  if (app.readinessChecks.length > 1) {
    violations.add('/readinessChecks', MESSAGES.gotExpectedAtMost(app.readinessChecks.length, 1));
  }
  const portNames = new Set(
    portDeclarations(app).flatMap((declaration) => (declaration.name ? [declaration.name] : [])),
  );
  app.readinessChecks.forEach((check, index) => {
    const path = `/readinessChecks(${index})`;
    if (!portNames.has(check.portName)) {
      violations.add(`${path}/portName`, MESSAGES.readinessPortName(check.portName));
    }
    if (check.timeoutSeconds >= check.intervalSeconds) {
      violations.add(
        `${path}/timeoutSeconds`,
        MESSAGES.gotExpectedLessThan(check.timeoutSeconds, check.intervalSeconds),
      );
    }
  });
}

function validateUpgradeStrategy(
  input: AppDefinitionInput,
  singleInstance: boolean,
  violations: Violations,
): void {
  const strategy = input.upgradeStrategy;
  if (strategy === undefined) return;
  const mustBeZero = (field: 'minimumHealthCapacity' | 'maximumOverCapacity') => {
    if (strategy[field] !== 0) {
      violations.add(
        `/upgradeStrategy/${field}`,
        MESSAGES.gotExpectedEqual(javaDouble(strategy[field]), javaDouble(0)),
      );
    }
  };
  if (singleInstance) {
    // An app labelled single-instance never runs two instances, not even while upgrading.
    mustBeZero('minimumHealthCapacity');
    mustBeZero('maximumOverCapacity');
  }
  if (input.residency !== undefined) mustBeZero('maximumOverCapacity');
}

/** The operators' names, upper case, as Marathon compares them. */
function asOperator(operator: string): ConstraintOperator | undefined {
  const upper = operator.toUpperCase();
  return CONSTRAINT_OPERATORS.find((known) => known === upper);
}

/** SchedulingValidation.complyWithAppConstraintRules. */
export function constraintProblem(constraint: readonly string[]): string | undefined {
  const [field, rawOperator, value] = constraint;
  if (field === undefined || field === '' || rawOperator === undefined) {
    return MESSAGES.illegalConstraint;
  }
  const operator = asOperator(rawOperator);
  if (operator === undefined) return MESSAGES.constraintOperator;
  switch (operator) {
    case 'UNIQUE':
      return value === undefined ? undefined : MESSAGES.uniqueTakesNoValue;
    case 'CLUSTER':
      return undefined;
    case 'GROUP_BY':
      return value === undefined || isJavaInt(value) ? undefined : MESSAGES.groupByValue;
    case 'MAX_PER':
      return value !== undefined && isJavaInt(value) ? undefined : MESSAGES.maxPerValue;
    case 'LIKE':
    case 'UNLIKE':
      if (value === undefined) return MESSAGES.likeNeedsRegex;
      return isRegex(value) ? undefined : MESSAGES.invalidRegex;
    case 'IS':
      // Text and scalar values only, so that ranges and sets can be added later.
      return /^[a-zA-Z0-9_/.-]*$/.test(value ?? '') ? undefined : MESSAGES.isOnlyText;
  }
}

/**
 * Marathon compiles the value as a Java regex; placement evaluates it as a JavaScript
 * one, so a value JavaScript cannot compile is refused here rather than failing later.
 */
function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function validateNetworks(
  networks: readonly Network[],
  options: ResolvedParseOptions,
  violations: Violations,
): void {
  const path = '/networks';
  if (networks.some((n) => n.mode === 'host' && (n.name || Object.keys(n.labels).length > 0))) {
    violations.add(path, MESSAGES.hostNetworkNameOrLabels);
  }
  if (networks.some((n) => n.mode === 'container/bridge' && n.name)) {
    violations.add(path, MESSAGES.bridgeNetworkName);
  }
  const unnamedContainerNetworks = networks.filter(
    (n) => n.mode === 'container' && n.name === undefined,
  ).length;
  if (
    unnamedContainerNetworks > 1 ||
    hasDuplicates(networks.flatMap((n) => (n.name === undefined ? [] : [n.name])))
  ) {
    violations.add(path, MESSAGES.duplicateNetworks);
  }
  const count = (mode: Network['mode']) => networks.filter((n) => n.mode === mode).length;
  const hosts = count('host');
  const bridges = count('container/bridge');
  const containers = count('container');
  const allowed =
    (hosts <= 1 && bridges === 0 && containers === 0) ||
    (hosts === 0 && bridges <= 1 && containers === 0) ||
    (hosts === 0 && bridges === 0 && containers > 0);
  if (!allowed) violations.add(path, MESSAGES.networkModes);
  if (unnamedContainerNetworks > 0 && options.defaultNetworkName === undefined) {
    violations.add(path, MESSAGES.networkNameMustBeSpecified);
  }
}
