import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { CredentialsFileError } from './errors.js';
import { defaultCredentialsPath, savedMaster } from './saved-credentials.js';

/** How a client command reaches a master: with which token, trusting which CA. */
export interface MasterAccess {
  readonly token?: string | undefined;
  /** PEM; when absent, the system's CAs. */
  readonly ca?: string | undefined;
}

export interface MasterAccessFlags {
  readonly master: string;
  /** --token / MESOLITE_TOKEN. */
  readonly token?: string | undefined;
  /** --ca-cert / MESOLITE_CA_CERT: a PEM file. */
  readonly caCert?: string | undefined;
  readonly credentialsPath?: string | undefined;
  /** The zk:// URL `master` was resolved from, whose saved login serves every master of it. */
  readonly cluster?: string | undefined;
}

/** Flags first, then what `mesolite login` saved for this master. */
export async function resolveMasterAccess(flags: MasterAccessFlags): Promise<MasterAccess> {
  const path = flags.credentialsPath ?? defaultCredentialsPath();
  const saved =
    (await savedMaster(path, flags.master)) ??
    (flags.cluster === undefined ? undefined : await savedMaster(path, flags.cluster));
  let ca = saved?.caCert;
  if (flags.caCert !== undefined) {
    try {
      ca = await readFile(flags.caCert, 'utf8');
    } catch (err) {
      throw new CredentialsFileError(flags.caCert, (err as Error).message);
    }
  }
  return { token: flags.token ?? saved?.token, ca };
}

/**
 * A `fetch` for client commands: it sends the token as DC/OS clients do
 * (`Authorization: token=<t>`) unless the caller set Authorization, and trusts only
 * `access.ca` for https when given (global fetch cannot take a CA without a dependency,
 * so those requests go through node:https, body streamed).
 */
export function masterFetch(access: MasterAccess): typeof fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (access.token !== undefined && !headers.has('authorization')) {
      headers.set('authorization', `token=${access.token}`);
    }
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (access.ca === undefined || url.protocol !== 'https:') {
      return fetch(url, { ...init, headers });
    }
    return fetchTrusting(url, { ...init, headers }, access.ca);
  };
}

async function fetchTrusting(
  url: URL,
  init: RequestInit & { headers: Headers },
  ca: string,
): Promise<Response> {
  const body =
    init.body === undefined || init.body === null
      ? undefined
      : await new Response(init.body).arrayBuffer();
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  // Framed explicitly: node:http sends a DELETE's or OPTIONS's body unframed otherwise.
  if (body !== undefined) headers['content-length'] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        method: init.method ?? 'GET',
        headers,
        ca,
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 500;
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
            headers.append(name, one);
          }
        }
        const nullBody = status === 204 || status === 304 || init.method === 'HEAD';
        if (nullBody) response.resume();
        resolve(
          new Response(nullBody ? null : (Readable.toWeb(response) as ReadableStream), {
            status,
            statusText: response.statusMessage ?? '',
            headers,
          }),
        );
      },
    );
    request.on('error', (err) => reject(new TypeError('fetch failed', { cause: err })));
    request.end(body === undefined ? undefined : Buffer.from(body));
  });
}
