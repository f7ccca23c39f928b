import { ForbiddenError, MasterRefusedError, NotLoggedInError } from '../auth/errors.js';
import { MasterUnreachableError } from '../tls/errors.js';
import { masterUrl } from './master-option.js';

/**
 * One JSON request of a client command to a master's auth APIs, turning refusals
 * into coded errors that say what to do (log in, ask an admin) from DC/OS's
 * `{"description"}` body.
 */
export async function requestMaster<T>(
  fetcher: typeof fetch,
  master: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const url = masterUrl(master, path);
  let response: Response;
  try {
    response = await fetcher(url, {
      method,
      signal: AbortSignal.timeout(15_000),
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new MasterUnreachableError(master, cause);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  if (response.ok) return parsed as T;
  const detail =
    (parsed as { description?: string; message?: string } | undefined)?.description ??
    (parsed as { message?: string } | undefined)?.message ??
    text.slice(0, 200);
  const request = `${method} ${url.pathname}`;
  if (response.status === 401) throw new NotLoggedInError(master);
  if (response.status === 403) throw new ForbiddenError(request, detail);
  throw new MasterRefusedError(request, response.status, detail);
}
