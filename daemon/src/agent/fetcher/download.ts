/**
 * Gets a URI's bytes into a file: http(s) with node:http(s), local files by copying.
 * As Mesos's fetcher (libcurl with FOLLOWLOCATION), redirects are followed, and only
 * a final 200 counts as success.
 */
import { createWriteStream } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { rootCertificates } from 'node:tls';
import type { FetchSource } from './uri.js';

/**
 * Mesos sets no CURLOPT_MAXREDIRS, leaving the bound to libcurl's default (none in older
 * releases, 30 in newer ones); a small fixed bound fails a redirect loop quickly.
 */
export const MAX_REDIRECTS = 10;

/**
 * The agent's credential for its master (plugin artifacts need it when auth is on). It is
 * sent only to the master's own origin, checked on every hop of a redirect, never to
 * any other host a task's URIs name.
 */
export interface MasterCredential {
  /**
   * The master's URLs: the one the agent follows now (a new leader after a failover), and
   * any other the same master is known by.
   */
  masterUrls(): readonly string[];
  /** The Authorization header's value. */
  readonly authorization: string;
}

/** Whether `url` is the master's own origin. */
export function isMasterOrigin(url: URL, credential: MasterCredential): boolean {
  return credential.masterUrls().some((master) => {
    try {
      return url.origin === new URL(master).origin;
    } catch {
      return false;
    }
  });
}

export interface DownloadOptions {
  /** Aborts the transfer (a task killed while fetching, the fetch's deadline). */
  signal: AbortSignal;
  /** Abort a transfer that receives nothing for this long (Mesos's --fetcher_stall_timeout). */
  stallTimeoutMs: number;
  /** Extra CA certificates (PEM) trusted for https, on top of Node's bundled roots. */
  ca?: readonly string[] | undefined;
  masterCredential?: MasterCredential | undefined;
}

/** A download that failed for a reason a user can act on (the message says which). */
export class DownloadError extends Error {
  constructor(
    message: string,
    readonly stalled = false,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

interface TransferState {
  stalled: boolean;
}

function get(url: URL, options: DownloadOptions, state: TransferState): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const https = url.protocol === 'https:';
    const request = (https ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      // No pooling: each fetch owns its connection, and nothing outlives the fetch.
      agent: false,
      signal: options.signal,
      headers: {
        'user-agent': 'mesolite-fetcher',
        accept: '*/*',
        ...(options.masterCredential && isMasterOrigin(url, options.masterCredential)
          ? { authorization: options.masterCredential.authorization }
          : {}),
      },
      ...(https && options.ca ? { ca: [...rootCertificates, ...options.ca] } : {}),
    });
    // The socket's idle timeout covers the whole transfer, body included: a stall.
    request.setTimeout(options.stallTimeoutMs, () => {
      state.stalled = true;
      request.destroy();
    });
    request.on('response', resolvePromise);
    request.on('error', reject);
    request.end();
  });
}

function describeError(err: unknown): string {
  const error = err as NodeJS.ErrnoException;
  if (error instanceof DownloadError) return error.message;
  return error.code ? `${error.code}: ${error.message}` : error.message;
}

/** Downloads `source` to `destination`; on failure nothing is left at `destination`. */
export async function downloadNet(
  source: URL,
  destination: string,
  options: DownloadOptions,
): Promise<void> {
  let url = source;
  const state: TransferState = { stalled: false };
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await get(url, options, state);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) {
          throw new DownloadError(`too many redirects (more than ${MAX_REDIRECTS})`);
        }
        const next = new URL(location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          throw new DownloadError(`redirected to '${next.href}', which is not http or https`);
        }
        url = next;
        continue;
      }
      if (status !== 200) {
        response.resume();
        throw new DownloadError(
          `Error downloading resource, received HTTP return code ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() +
            (url.href !== source.href ? ` from '${url.href}'` : ''),
        );
      }
      await pipeline(response, createWriteStream(destination), { signal: options.signal });
      return;
    }
  } catch (err) {
    await rm(destination, { force: true });
    if (options.signal.aborted) throw options.signal.reason;
    if (state.stalled) {
      throw new DownloadError(
        `no data received for ${options.stallTimeoutMs / 1000}s, the download stalled`,
        true,
      );
    }
    if (err instanceof DownloadError) throw err;
    throw new DownloadError(`Error downloading resource: ${describeError(err)}`);
  }
}

/** Copies a local file (following symlinks, as Mesos's os::copyfile does). */
export async function copyLocal(path: string, destination: string): Promise<void> {
  try {
    await copyFile(path, destination);
  } catch (err) {
    await rm(destination, { force: true });
    const error = err as NodeJS.ErrnoException;
    const reason =
      error.code === 'ENOENT'
        ? `'${path}' does not exist`
        : error.code === 'EISDIR'
          ? `'${path}' is a directory, not a file`
          : `${error.code ?? 'error'}: ${error.message}`;
    throw new DownloadError(`Failed to copy '${path}': ${reason}`);
  }
}

/** Gets `source` into `destination`, whichever kind it is. */
export async function download(
  source: FetchSource,
  destination: string,
  options: DownloadOptions,
): Promise<void> {
  if (source.kind === 'net') await downloadNet(source.url, destination, options);
  else await copyLocal(source.path, destination);
}
