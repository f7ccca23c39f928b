import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Marathon's own messages for a forward that cannot complete. */
export const PROXY_LOOP_MESSAGE = 'Detected proxying loop.';
export const LEADER_REFUSED_MESSAGE = 'Connection to leader refused.';
export const LEADER_TIMEOUT_MESSAGE = 'Connection to leader timed out.';

// Connection-level headers are about one hop and are never forwarded (RFC 9110 7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export interface ForwardOptions {
  /** `host:port` of the leader. */
  readonly leader: string;
  /** This master's `1.1 host:port`, added to Via so that a loop is recognised when it comes back. */
  readonly via: string;
  readonly timeoutMs: number;
  /**
   * The CA the leader's certificate chains to (PEM): forwarded over HTTPS, trusting only
   * it. The caller's credentials go along unchanged, so that the leader authenticates
   * and authorizes the request itself.
   */
  readonly ca?: string;
}

/**
 * Sends the request, body streamed, to the same path on the leader and relays the answer
 * (status, headers, streamed body, event streams included). The request's body must not
 * have been read yet: this is called from an onRequest hook.
 */
export function forwardToLeader(
  request: FastifyRequest,
  reply: FastifyReply,
  options: ForwardOptions,
): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers.via = appendVia(request.headers.via, options.via);
  headers['x-marathon-via'] = appendVia(request.headers['x-marathon-via'], options.via);
  headers['x-forwarded-for'] = appendVia(
    request.headers['x-forwarded-for'],
    request.socket.remoteAddress ?? '',
  );
  const [host = '', port = '80'] = splitHostPort(options.leader);

  const target = {
    host,
    port: Number(port),
    method: request.method,
    path: request.url,
    headers,
    timeout: options.timeoutMs,
  };
  const relay = (response: IncomingMessage) => {
    reply.code(response.statusCode ?? 502);
    reply.headers(relayedHeaders(response.headers));
    reply.send(response);
  };
  const upstream =
    options.ca === undefined
      ? httpRequest(target, relay)
      : httpsRequest({ ...target, ca: options.ca }, relay);
  upstream.on('timeout', () =>
    upstream.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
  );
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (reply.sent) return;
    const timedOut = error.code === 'ETIMEDOUT';
    reply
      .code(timedOut ? 504 : 502)
      .type('text/plain; charset=utf-8')
      .send(timedOut ? LEADER_TIMEOUT_MESSAGE : LEADER_REFUSED_MESSAGE);
  });
  request.raw.pipe(upstream);
}

/** Whether this master's own Via entry is already on the request: it went round in a loop. */
export function hasVisited(headers: IncomingHttpHeaders, via: string): boolean {
  return [headers.via, headers['x-marathon-via']]
    .flatMap((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]))
    .flatMap((value) => value.split(','))
    .some((entry) => entry.trim() === via);
}

function appendVia(existing: string | string[] | undefined, entry: string): string {
  const previous = Array.isArray(existing) ? existing.join(', ') : existing;
  return previous ? `${previous}, ${entry}` : entry;
}

function relayedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const relayed: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) relayed[name] = value;
  }
  return relayed;
}

function splitHostPort(hostPort: string): [string, string] {
  const bracketed = /^\[(.+)\]:(\d+)$/.exec(hostPort);
  if (bracketed) return [bracketed[1] ?? '', bracketed[2] ?? ''];
  const colon = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, colon), hostPort.slice(colon + 1)];
}
