/**
 * A small JSON client for a plugin's API under `<master>/service/<name>/`, shared by the
 * client commands. It turns "no answer" into MasterUnreachableError and a refusal into
 * the error the command's framework speaks, so each command handles only the happy path.
 */
import type { MasterAccessFlags } from '../auth/master-fetch.js';
import { MasterUnreachableError } from './app/errors.js';
import { clientFetch } from './credential-options.js';
import { masterUrl } from './master-option.js';

/** A request that hangs is as good as unreachable for a command someone is waiting on. */
const REQUEST_TIMEOUT_MS = 15_000;

export interface ServiceAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export type RefusalFactory = (path: string, status: number, body: unknown) => Error;

/**
 * The master and credentials of a command: its --master/--token/--ca-cert flags, or
 * just the URL, and then the token and CA come from MESOLITE_TOKEN, MESOLITE_CA_CERT or
 * what `mesolite login` saved for that master.
 */
export type ServiceTarget = string | MasterAccessFlags;

export class ServiceClient {
  private readonly access: MasterAccessFlags;
  private fetcher: Promise<typeof fetch> | undefined;

  constructor(
    target: ServiceTarget,
    private readonly servicePath: string,
    private readonly refused: RefusalFactory,
  ) {
    this.access =
      typeof target === 'string'
        ? {
            master: target,
            token: process.env.MESOLITE_TOKEN,
            caCert: process.env.MESOLITE_CA_CERT,
          }
        : target;
  }

  private get master(): string {
    return this.access.master;
  }

  url(path: string): URL {
    return masterUrl(this.master, `${this.servicePath}/${path.replace(/^\//, '')}`);
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<ServiceAnswer<T>> {
    const url = this.url(path);
    this.fetcher ??= clientFetch(this.access);
    const send = await this.fetcher;
    let response: Response;
    try {
      response = await send(url, {
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
