/**
 * The values Marathon gives an app for what its definition leaves out: the RAML defaults
 * (app.raml, healthCheck.raml, artifact.raml, readinessCheck.raml...) and the model
 * defaults its normalization applies (raml/Apps.scala, state/UpgradeStrategy.scala,
 * state/UnreachableStrategy.scala).
 */
import type {
  PortDefinition,
  PortMapping,
  UnreachableStrategy,
  UpgradeStrategy,
} from './schema.js';

export const APP_DEFAULTS = {
  instances: 1,
  cpus: 1,
  mem: 128,
  disk: 0,
  gpus: 0,
  executor: '',
  backoffSeconds: 1,
  backoffFactor: 1.15,
  // Marathon's app.raml and docs/backoff.md (5 minutes). Definitions saved by Marathon
  // before 1.5 often carry 3600, its default then; they are read as written.
  maxLaunchDelaySeconds: 300,
  requirePorts: false,
  killSelection: 'YOUNGEST_FIRST',
  /** Marathon's --mesos_role default. */
  role: '*',
} as const;

/** UpgradeStrategy.empty: replace every instance, never below full capacity. */
export const DEFAULT_UPGRADE_STRATEGY: UpgradeStrategy = {
  minimumHealthCapacity: 1,
  maximumOverCapacity: 1,
};

/**
 * UnreachableStrategy.default for apps without persistent volumes. Marathon's code, not
 * its docs (which still say 300/600): see the clarifications for issue 5.
 */
export const DEFAULT_UNREACHABLE_STRATEGY: Exclude<UnreachableStrategy, 'disabled'> = {
  inactiveAfterSeconds: 0,
  expungeAfterSeconds: 0,
};

/** Apps.DefaultPortDefinitions: one port, when host networking and no ports are given. */
export function defaultPortDefinitions(): PortDefinition[] {
  return [{ port: 0, protocol: 'tcp', name: 'default', labels: {} }];
}

/** Apps.DefaultPortMappings: one mapping, when container networking and none are given. */
export function defaultPortMappings(): PortMapping[] {
  return [
    {
      containerPort: 0,
      servicePort: 0,
      protocol: 'tcp',
      name: 'default',
      labels: {},
      networkNames: [],
    },
  ];
}

/** healthCheck.raml's AppHealthCheck defaults. */
export const HEALTH_CHECK_DEFAULTS = {
  protocol: 'HTTP',
  gracePeriodSeconds: 300,
  intervalSeconds: 60,
  timeoutSeconds: 20,
  maxConsecutiveFailures: 3,
  delaySeconds: 15,
  ipProtocol: 'IPv4',
} as const;

/** artifact.raml's defaults for an entry of `fetch`. */
export const ARTIFACT_DEFAULTS = { extract: true, executable: false, cache: false } as const;

/** readinessCheck.raml's defaults, and AppNormalization's status codes. */
export const READINESS_CHECK_DEFAULTS = {
  name: 'readinessCheck',
  protocol: 'HTTP',
  path: '/',
  portName: 'http-api',
  intervalSeconds: 30,
  timeoutSeconds: 10,
  httpStatusCodesForReady: [200],
  preserveLastResponse: false,
} as const;

/**
 * The file endings the Mesos fetcher extracts (FetchUri.supportedFileTypes): a legacy
 * `uris` entry ending in one of them becomes a fetch entry with `extract: true`.
 */
export const EXTRACTABLE_SUFFIXES: readonly string[] = [
  '.tar',
  '.tar.gz',
  '.tar.bz2',
  '.tar.xz',
  '.gz',
  '.tgz',
  '.tbz2',
  '.txz',
  '.zip',
];
