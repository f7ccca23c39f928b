/**
 * Requests to the daemon. Every failure becomes an {@link ApiError} carrying what the
 * daemon answered (its message, Marathon's 422 details, or the raw text), so the UI
 * can show it instead of a bare status.
 */

import { goToLogin } from './session';

/** One entry of Marathon's 422 body: a JSON path in the request and what is wrong there. */
export interface FieldErrors {
  path: string;
  errors: string[];
}

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    message: string,
    readonly details: readonly FieldErrors[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  method?: string;
  /** A value to send as JSON, or a string sent as it is (e.g. JSON typed by a user). */
  body?: unknown;
}

/** Sends a request and answers the parsed JSON body (undefined for an empty one). */
export async function api(path: string, options: RequestOptions = {}): Promise<unknown> {
  const method = options.method ?? 'GET';
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (options.body !== undefined) {
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    // The daemon is down or unreachable: no status, only the browser's reason.
    throw new ApiError(method, path, 0, `The daemon did not answer: ${String(err)}`);
  }
  // With auth on, a missing or expired login: the login page brings the user back here.
  if (response.status === 401) goToLogin();
  const text = await response.text();
  const json = parseJson(text);
  if (!response.ok) {
    throw new ApiError(
      method,
      path,
      response.status,
      messageOf(json) ?? (text.trim() || response.statusText),
      detailsOf(json),
    );
  }
  return text === '' ? undefined : (json ?? text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON (the files API answers errors as plain text): the caller uses the text.
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  // DC/OS's auth errors carry their reason in `description`.
  const message = json.message ?? json.error ?? json.description;
  return typeof message === 'string' ? message : undefined;
}

function detailsOf(json: unknown): FieldErrors[] {
  if (!isRecord(json) || !Array.isArray(json.details)) return [];
  return json.details.flatMap((entry: unknown) => {
    if (!isRecord(entry)) return [];
    const path = typeof entry.path === 'string' ? entry.path : '/';
    const errors = Array.isArray(entry.errors) ? entry.errors.map(String) : [];
    return [{ path, errors }];
  });
}

/** How an error reads on screen: the request, the status and the daemon's words. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const status = err.status === 0 ? 'no answer' : String(err.status);
    return `${err.method} ${err.path} → ${status}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
