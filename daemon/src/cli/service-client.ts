/**
 * A small JSON client for a plugin's API under `<master>/service/<name>/`, shared by the
 * client commands. It turns "no answer" into MasterUnreachableError and a refusal into
 * the error the command's framework speaks, so each command handles only the happy path.
 */
import { MasterUnreachableError } from './app/errors.js';
import { masterUrl } from './master-option.js';

/** A request that hangs is as good as unreachable for a command someone is waiting on. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface ServiceAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export type RefusalFactory = (path: string, status: number, body: unknown) => Error;

export class ServiceClient {
  constructor(
    private readonly master: string,
    private readonly servicePath: string,
    private readonly refused: RefusalFactory,
  ) {}

  url(path: string): URL {
    return masterUrl(this.master, `${this.servicePath}/${path.replace(/^\//, '')}`);
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<ServiceAnswer<T>> {
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
        // Chronos answers some errors in plain text; a master without the plugin answers HTML.
        parsed = response.ok
          ? text
          : { message: `${url.pathname} answered ${response.status}: ${text.slice(0, 200)}` };
      }
    }
    if (!response.ok) throw this.refused(url.pathname, response.status, parsed);
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
