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
  };
  const firstError = Value.Errors(DaemonOptionsSchema, candidate)[0];
  if (firstError) {
    const option = firstError.instancePath.replace(/^\//, '') || 'options';
    throw new InvalidOptionError(option, firstError.message);
  }
  if (!isLoopback(candidate.host)) throw new InsecureBindError(candidate.host);
  return candidate as DaemonOptions;
}
