/**
 * A small client for the Marathon plugin's v2 API at `<master>/service/marathon`.
 * Turns "no answer" and "refused" into the app command's errors, so each command only
 * handles the happy path.
 */
import { masterUrl } from '../master-option.js';
import { MarathonRefusedError, MasterUnreachableError } from './errors.js';

/** A request that hangs is as good as unreachable for a command someone is waiting on. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface MarathonAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

const segments = (id: string) => id.split('/').filter((segment) => segment !== '');

/** An app id as the API spells it: absolute, `web` and `/web/` are both `/web`. */
export function canonicalAppId(id: string): string {
  return `/${segments(id).join('/')}`;
}

/** An app id as the URL path under /v2/apps/: leading slash dropped, each segment escaped. */
export function appPath(id: string): string {
  return segments(id).map(encodeURIComponent).join('/');
}

export class MarathonClient {
  constructor(private readonly master: string) {}

  url(path: string): URL {
    return masterUrl(this.master, `/service/marathon/${path.replace(/^\//, '')}`);
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<MarathonAnswer<T>> {
    const url = this.url(path);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new MasterUnreachableError(url.origin + url.pathname, causeOf(err));
    }
    const text = await response.text();
    let parsed: unknown = {};
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        // A proxy or a master without the Marathon plugin answers HTML or plain text.
        parsed = { message: `${url.pathname} answered ${response.status}: ${text.slice(0, 200)}` };
      }
    }
    if (!response.ok) throw new MarathonRefusedError(url.pathname, response.status, parsed);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>('GET', path)).body;
  }
}

/** fetch hides the useful part (ECONNREFUSED, a DNS failure) in `cause`. */
function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`;
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : err.message;
}
