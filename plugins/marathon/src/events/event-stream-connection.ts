import type { ServerResponse } from 'node:http';
import { eventStreamAttached, eventStreamDetached } from './event-builders.js';
import type { EventBus, Unsubscribe } from './event-bus.js';
import type { MarathonEvent } from './marathon-events.js';
import { eventFrame, SSE_HEARTBEAT } from './sse-frame.js';

/** The part of a pino logger a stream uses; fastify's request logger fits. */
export interface EventStreamLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface EventStreamConnectionOptions {
  readonly bus: EventBus;
  readonly response: ServerResponse;
  /** Shown in event_stream_attached/detached and in logs. */
  readonly remoteAddress: string;
  /** Only these event types are sent; every type when absent or empty. */
  readonly eventTypes?: ReadonlySet<string>;
  readonly heartbeatIntervalMs: number;
  /** Events held for a client that is not reading, beyond which it is dropped. */
  readonly maxOutstandingEvents: number;
  readonly log: EventStreamLog;
  readonly clock: () => Date;
}

/**
 * One client of /v2/events, from attach to detach: what Marathon's
 * HttpEventStreamHandleActor and Jetty's emitter do together.
 *
 * Back-pressure: while the socket accepts writes, events go straight to it. Once it
 * pushes back, events wait in a queue until it drains; a client that lets the queue
 * reach `maxOutstandingEvents` is dropped with a warning, as Marathon drops a slow
 * consumer past --event_stream_max_outstanding_messages, so one stalled client cannot
 * make the daemon's memory grow without bound.
 */
export class EventStreamConnection {
  private readonly options: EventStreamConnectionOptions;
  private readonly queue: string[] = [];
  private waitingForDrain = false;
  private closed = false;
  private unsubscribe: Unsubscribe | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(options: EventStreamConnectionOptions) {
    this.options = options;
  }

  /** Subscribes the client and announces it, as Marathon does when a stream opens. */
  open(): void {
    const { bus, response } = this.options;
    // Cleanup hangs on 'close' alone, which fires however the response ends; a write
    // error on a vanished socket is one of those ways, not something to report twice.
    response.on('error', () => {});
    response.once('close', () => this.detach());
    response.on('drain', () => this.flush());

    this.unsubscribe = bus.subscribe((event) => this.offer(event));
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
    this.heartbeat.unref();
    this.options.log.info(
      { remoteAddress: this.options.remoteAddress },
      'event stream client attached',
    );
    // Subscribed first, so the client sees its own attach event, as Marathon's do.
    bus.publish(
      eventStreamAttached({ remoteAddress: this.options.remoteAddress }, this.options.clock()),
    );
  }

  /** Ends the stream from the server's side, letting what was written reach the client. */
  end(): void {
    if (this.closed) return;
    this.options.response.end();
  }

  private offer(event: MarathonEvent): void {
    if (this.closed) return;
    const wanted = this.options.eventTypes;
    if (wanted !== undefined && wanted.size > 0 && !wanted.has(event.eventType)) return;
    const frame = eventFrame(event);
    if (this.waitingForDrain) {
      if (this.queue.length >= this.options.maxOutstandingEvents) {
        this.dropSlowConsumer();
        return;
      }
      this.queue.push(frame);
      return;
    }
    this.write(frame);
  }

  private write(chunk: string): void {
    if (!this.options.response.write(chunk)) this.waitingForDrain = true;
  }

  private flush(): void {
    this.waitingForDrain = false;
    while (!this.closed && !this.waitingForDrain) {
      const frame = this.queue.shift();
      if (frame === undefined) return;
      this.write(frame);
    }
  }

  private beat(): void {
    // A client with a backlog is known to be alive, just slow; a heartbeat would only
    // add to what it has not read.
    if (this.closed || this.waitingForDrain) return;
    this.write(SSE_HEARTBEAT);
  }

  private dropSlowConsumer(): void {
    this.options.log.warn(
      {
        remoteAddress: this.options.remoteAddress,
        outstandingEvents: this.queue.length,
      },
      'Closing connection for slow event consumer',
    );
    this.detach();
    this.options.response.destroy();
  }

  private detach(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    clearInterval(this.heartbeat);
    this.unsubscribe?.();
    this.options.log.info(
      { remoteAddress: this.options.remoteAddress },
      'event stream client detached',
    );
    this.options.bus.publish(
      eventStreamDetached({ remoteAddress: this.options.remoteAddress }, this.options.clock()),
    );
  }
}
