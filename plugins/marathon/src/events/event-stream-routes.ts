import type { FastifyPluginAsync } from 'fastify';
import type { EventBus } from './event-bus.js';
import { EventStreamConnection } from './event-stream-connection.js';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from './sse-frame.js';

/** Marathon's --event_stream_max_outstanding_messages default. */
export const DEFAULT_MAX_OUTSTANDING_EVENTS = 1024;

export interface EventStreamRoutesOptions {
  /** How often an idle stream gets a keep-alive line end; Jetty's 10 s by default. */
  readonly heartbeatIntervalMs?: number;
  /**
   * Events held for a client that is not reading before it is dropped; Marathon's 1024
   * by default.
   */
  readonly maxOutstandingEvents?: number;
  /** Time source for the attach and detach events. */
  readonly clock?: () => Date;
}

interface EventsQuery {
  readonly event_type?: string | string[];
}

const EVENT_STREAM = 'text/event-stream';

/**
 * GET /v2/events as Marathon serves it: server-sent events, one per bus event, named by
 * eventType with the event's JSON as data.
 *
 * - The client must accept `text/event-stream`; otherwise the answer is Jetty's 405
 *   ("HTTP method GET is not supported by this URL"), which is what Marathon's RAML
 *   documents and its servlet does.
 * - `event_type`, repeatable, limits the stream to those types; without it every event
 *   is sent. Unknown names are not an error, they just never match, as in Marathon.
 * - Each client first sees its own `event_stream_attached`; every other client sees it
 *   too, and `event_stream_detached` when it goes.
 *
 * Register it in the plugin's scope: `app.register(eventStreamRoutes(bus))`.
 */
export function eventStreamRoutes(
  bus: EventBus,
  options: EventStreamRoutesOptions = {},
): FastifyPluginAsync {
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const maxOutstandingEvents = options.maxOutstandingEvents ?? DEFAULT_MAX_OUTSTANDING_EVENTS;
  const clock = options.clock ?? (() => new Date());

  return async (app) => {
    const open = new Set<EventStreamConnection>();

    // A stream never ends by itself, and fastify's close waits for in-flight
    // responses, so streams are ended before the server starts closing.
    app.addHook('preClose', async () => {
      for (const connection of open) connection.end();
    });

    app.get<{ Querystring: EventsQuery }>(
      '/v2/events',
      // A HEAD would hijack the reply and stream forever without a body.
      { exposeHeadRoute: false },
      (request, reply) => {
        if (!acceptsEventStream(request.headers.accept)) {
          reply
            .code(405)
            .header('content-type', 'text/html;charset=iso-8859-1')
            .send(METHOD_NOT_SUPPORTED_PAGE);
          return;
        }

        reply.hijack();
        const response = reply.raw;
        response.writeHead(200, {
          'content-type': 'text/event-stream;charset=utf-8',
          // Marathon's CacheDisablingFilter puts these on every answer.
          'cache-control': 'no-cache, no-store, must-revalidate',
          pragma: 'no-cache',
          expires: '0',
        });
        response.flushHeaders();

        const connection = new EventStreamConnection({
          bus,
          response,
          remoteAddress: remoteAddressOf(request.socket.remoteAddress),
          eventTypes: new Set(asList(request.query.event_type)),
          heartbeatIntervalMs,
          maxOutstandingEvents,
          log: request.log,
          clock,
        });
        open.add(connection);
        response.once('close', () => open.delete(connection));
        connection.open();
      },
    );
  };
}

/**
 * Jetty starts a stream only for an Accept header that is exactly `text/event-stream`.
 * We also accept it inside a list or with parameters (`text/event-stream, *\/*`): every
 * client that worked with Marathon still works, and a few more do.
 */
export function acceptsEventStream(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((range) => {
    const mediaType = range.split(';')[0]?.trim().toLowerCase();
    return mediaType === EVENT_STREAM;
  });
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

// Node reports IPv4 clients of a dual-stack listener as IPv4-mapped IPv6
// (::ffff:127.0.0.1); Jetty reports the IPv4 address, and so do we.
function remoteAddressOf(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

const METHOD_NOT_SUPPORTED_PAGE = `<html>
<head>
<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>
<title>Error 405 </title>
</head>
<body><h2>HTTP ERROR: 405</h2>
<p>Problem accessing /v2/events. Reason:
<pre>    HTTP method GET is not supported by this URL</pre></p>
</body>
</html>
`;
