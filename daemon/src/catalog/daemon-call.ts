/**
 * How the catalog calls the daemon's own APIs (Marathon's under /service/marathon, the
 * master's, the images endpoint): in process, through the whole request path as fastify's
 * `inject` runs it, with the credentials of the request being served. So the auth hook
 * decides each call by the caller's own role, exactly as if they had made it, and
 * neither the listen address nor TLS is in the way.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { defineError } from '../errors.js';

export interface DaemonAnswer {
  readonly status: number;
  /** Parsed JSON, or the text as it came (a master error, a proxy's page). */
  readonly body: unknown;
}

export type DaemonCall = (method: string, path: string, body?: unknown) => Promise<DaemonAnswer>;

/** The headers that say who the caller is, as the auth hook reads them. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie'] as const;

export const DaemonCallTimeoutError = defineError(
  'MESOLITE_ERR_DAEMON_CALL_TIMEOUT',
  504,
  (what: string, timeoutMs: number) => `${what} did not answer within ${timeoutMs} ms`,
);

/** Calls the daemon at `app` as `caller`, each call given up after `timeoutMs`. */
export function callAs(
  app: FastifyInstance,
  caller: FastifyRequest,
  timeoutMs: number,
): DaemonCall {
  const credentials: Record<string, string> = {};
  for (const name of CREDENTIAL_HEADERS) {
    const value = caller.headers[name];
    if (typeof value === 'string') credentials[name] = value;
  }
  return async (method, path, body) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new DaemonCallTimeoutError(`${method} ${path}`, timeoutMs)),
        timeoutMs,
      );
    });
    try {
      const response = await Promise.race([
        app.inject({
          method: method as 'GET',
          url: path,
          headers: {
            ...credentials,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        }),
        timeout,
      ]);
      let parsed: unknown = response.body;
      try {
        parsed = response.body === '' ? {} : JSON.parse(response.body);
      } catch {
        // Not JSON: kept as the text it is.
      }
      return { status: response.statusCode, body: parsed };
    } finally {
      clearTimeout(timer);
    }
  };
}
