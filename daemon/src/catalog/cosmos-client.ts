/**
 * The client side of the Cosmos API, for the `mesolite package` commands: DC/OS media
 * types on every request, Cosmos's errors turned into one CosmosError with its type,
 * and the `Warning` headers about unreadable repositories handed back to the caller.
 */
import { CosmosError } from './errors.js';
import { dcosPackageType } from './media-types.js';

const REQUEST_TIMEOUT_MS = 30_000;

export interface CosmosReply<T> {
  body: T;
  warnings: string[];
}

export class CosmosUnreachableError extends Error {
  readonly code = 'MESOLITE_ERR_MASTER_UNREACHABLE';
  constructor(url: string, cause: string) {
    super(`cannot reach ${url}: ${cause}`);
    this.name = 'CosmosUnreachableError';
  }
}

/** Warning header values (`199 mesolite "text"`) back to their text. */
function warningTexts(header: string | null): string[] {
  if (!header) return [];
  return [...header.matchAll(/199 \S+ "((?:[^"\\]|\\.)*)"/g)].map((match) =>
    (match[1] ?? '').replace(/\\(.)/g, '$1'),
  );
}

export class CosmosClient {
  constructor(private readonly master: string) {}

  async call<T>(
    path: string,
    kind: string,
    body: unknown,
    responseVersion = 1,
  ): Promise<CosmosReply<T>> {
    const url = new URL(
      path.replace(/^\//, ''),
      this.master.endsWith('/') ? this.master : `${this.master}/`,
    );
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: {
          'content-type': dcosPackageType(`${kind}-request`, 1),
          accept: dcosPackageType(`${kind}-response`, responseVersion),
        },
        body: JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new CosmosUnreachableError(url.origin, cause);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new CosmosError(
        'UnexpectedResponse',
        `${url.pathname} answered ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    if (!response.ok) {
      const error = parsed as { type?: string; message?: string; data?: Record<string, unknown> };
      throw new CosmosError(
        error.type ?? 'UnexpectedResponse',
        error.message ?? `${url.pathname} answered ${response.status}`,
        error.data,
        response.status,
      );
    }
    return { body: parsed as T, warnings: warningTexts(response.headers.get('warning')) };
  }
}
