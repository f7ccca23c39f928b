import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { InsecureBindError, InvalidOptionError } from '../errors.js';

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
  /** Which plugins start (by manifest name); absent: all that are installed. */
  plugins: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /** Serve plugins on their classic ports too (Marathon 8080, Chronos 4400). */
  classicPorts: Type.Boolean(),
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

/**
 * Fills defaults, checks every option against its schema, and applies the one
 * security rule that holds before authentication exists: nothing listens beyond
 * loopback.
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
    ...(input.offerTimeoutSeconds !== undefined
      ? { offerTimeoutSeconds: input.offerTimeoutSeconds }
      : {}),
  };
  const firstError = Value.Errors(DaemonOptionsSchema, candidate)[0];
  if (firstError) {
    const option = firstError.instancePath.replace(/^\//, '') || 'options';
    throw new InvalidOptionError(option, firstError.message);
  }
  if (!isLoopback(candidate.host)) throw new InsecureBindError(candidate.host);
  return candidate as DaemonOptions;
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
