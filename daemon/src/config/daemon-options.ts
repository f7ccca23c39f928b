import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { InvalidOptionError } from '../errors.js';

export const DEFAULT_PORT = 5050;
export const DEFAULT_HOST = '127.0.0.1';

export const DaemonOptionsSchema = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  workDir: Type.String({ minLength: 1 }),
  /** Offers not answered in this many seconds are rescinded; absent: never, as in Mesos. */
  offerTimeoutSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  /** Role weights for DRF, as Mesos's --weights. */
  weights: Type.Record(Type.String({ minLength: 1 }), Type.Number({ exclusiveMinimum: 0 })),
  /** Whether this daemon also runs an agent (`up`) or is a master alone (`master`). */
  agent: Type.Boolean(),
  /** Which built-in plugins start (by manifest name); absent: all. Installed plugins always start. */
  plugins: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /** Serve plugins on their classic ports too (Marathon 8080, Chronos 4400). */
  classicPorts: Type.Boolean(),
  /** `zk://HOST:PORT[,...]/PATH`: contend for leadership there and keep the state in it (Mesos's --zk). */
  zk: Type.Optional(Type.String({ pattern: '^zk://' })),
  /**
   * Serve HTTPS and require a credential on every request. Always on beyond loopback;
   * on loopback only when asked (`--auth`), so the one-laptop demo needs no login.
   */
  auth: Type.Optional(Type.Boolean()),
  /** User-given PEM certificate (chain allowed) and key; else a CA in WORK_DIR/tls. */
  tlsCert: Type.Optional(Type.String({ minLength: 1 })),
  tlsKey: Type.Optional(Type.String({ minLength: 1 })),
  /** DC/OS LDAP configuration (JSON) stored at start, as `PUT /acs/api/v1/ldap/config`. */
  ldapConfig: Type.Optional(Type.String({ minLength: 1 })),
  /** Framework principals in Mesos's --credentials format. */
  credentials: Type.Optional(Type.String({ minLength: 1 })),
  logLevel: Type.Union([
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ]),
});

export type DaemonOptions = Static<typeof DaemonOptionsSchema>;

export function defaultWorkDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MESOLITE_WORK_DIR ?? join(homedir(), '.mesolite');
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) return host === '::1';
  return false;
}

/** Whether the daemon serves HTTPS and checks credentials: beyond loopback it always does. */
export function authRequired(options: Pick<DaemonOptions, 'host' | 'auth'>): boolean {
  return options.auth === true || !isLoopback(options.host);
}

/**
 * Fills defaults, checks every option against its schema, and applies the security
 * rule: beyond loopback, authentication is on whatever was asked.
 */
export function resolveDaemonOptions(input: Partial<DaemonOptions>): DaemonOptions {
  const candidate = {
    host: input.host ?? DEFAULT_HOST,
    port: input.port ?? DEFAULT_PORT,
    workDir: resolve(input.workDir ?? defaultWorkDir()),
    logLevel: input.logLevel ?? 'info',
    weights: input.weights ?? {},
    agent: input.agent ?? true,
    classicPorts: input.classicPorts ?? false,
    ...(input.plugins !== undefined ? { plugins: input.plugins } : {}),
    ...(input.zk !== undefined ? { zk: input.zk } : {}),
    ...(input.tlsCert !== undefined ? { tlsCert: resolve(input.tlsCert) } : {}),
    ...(input.tlsKey !== undefined ? { tlsKey: resolve(input.tlsKey) } : {}),
    ...(input.ldapConfig !== undefined ? { ldapConfig: resolve(input.ldapConfig) } : {}),
    ...(input.credentials !== undefined ? { credentials: resolve(input.credentials) } : {}),
    ...(input.offerTimeoutSeconds !== undefined
      ? { offerTimeoutSeconds: input.offerTimeoutSeconds }
      : {}),
  };
  const firstError = Value.Errors(DaemonOptionsSchema, candidate)[0];
  if (firstError) {
    const option = firstError.instancePath.replace(/^\//, '') || 'options';
    throw new InvalidOptionError(option, firstError.message);
  }
  const auth = input.auth === true || !isLoopback(candidate.host);
  return { ...candidate, ...(auth ? { auth } : {}) } as DaemonOptions;
}

/** Parses Mesos's --weights syntax: "role1=2.0,role2=1.0". */
export function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)) {
    const [role, value, extra] = part.split('=');
    const weight = Number(value);
    if (!role || value === undefined || extra !== undefined || !(weight > 0)) {
      throw new InvalidOptionError(
        'weights',
        `"${part}" is not role=weight with a positive weight`,
      );
    }
    weights[role] = weight;
  }
  return weights;
}
