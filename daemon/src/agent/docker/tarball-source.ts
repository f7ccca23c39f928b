/**
 * Opens the master's image tarball as a stream, so that it flows straight into the
 * engine's `docker load` without landing on the agent's disk. Not the fetcher's
 * download: that writes to a file and sends no credentials, and the master's images
 * endpoint needs the importing caller's when auth is on.
 */
import { request as httpRequest, type IncomingMessage, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { ImageImportError } from './docker-errors.js';

export interface TarballSourceOptions {
  authorization?: string | undefined;
  /** The master's CA (PEM), pinned from the join token on a LAN agent. */
  ca?: string | undefined;
  signal: AbortSignal;
}

export function openTarball(url: string, options: TarballSourceOptions): Promise<IncomingMessage> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new ImageImportError(`'${url}' is not a URL`));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new ImageImportError(`'${url}' is not an http or https URL`));
  }
  return new Promise((resolve, reject) => {
    const https = target.protocol === 'https:';
    const request = (https ? httpsRequest : httpRequest)(target, {
      method: 'GET',
      agent: false,
      signal: options.signal,
      headers: {
        accept: 'application/x-tar',
        'user-agent': 'mesolite-agent',
        ...(options.authorization ? { authorization: options.authorization } : {}),
      },
      ...(https && options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status === 200) {
        resolve(response);
        return;
      }
      response.resume();
      reject(
        new ImageImportError(
          `downloading ${target.pathname} from the master answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd(),
        ),
      );
    });
    request.on('error', (err: NodeJS.ErrnoException) =>
      reject(new ImageImportError(`cannot download ${url}: ${err.code ?? err.message}`)),
    );
    request.end();
  });
}
