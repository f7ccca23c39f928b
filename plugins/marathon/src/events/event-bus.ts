import type { MarathonEvent, MarathonEventOf, MarathonEventType } from './marathon-events.js';

/** Stops a subscription. Calling it again does nothing. */
export type Unsubscribe = () => void;

export type EventListener<E extends MarathonEvent = MarathonEvent> = (event: E) => void;

/** The part of a pino logger the bus uses; a plugin's logger fits. */
export interface EventBusLog {
  error(fields: object, message: string): void;
}

export interface EventBusOptions {
  /** Where a listener's exception is reported. Without one it is dropped. */
  readonly log?: EventBusLog;
}

/**
 * The Marathon plugin's in-process event bus: what Akka's EventStream is to Marathon.
 * Parts of the plugin publish {@link MarathonEvent}s; /v2/events and anything else
 * interested subscribe.
 *
 * Delivery is synchronous, but an event published by a listener while another event is
 * being delivered waits until that delivery is over, so every subscriber sees the events
 * in the same order. A listener that throws is reported and the others still get the
 * event: one broken subscriber must not silence the stream for everyone.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly pending: MarathonEvent[] = [];
  private delivering = false;
  private readonly log: EventBusLog | undefined;

  constructor(options: EventBusOptions = {}) {
    this.log = options.log;
  }

  /** Number of current subscriptions. */
  get subscriberCount(): number {
    return this.listeners.size;
  }

  publish(event: MarathonEvent): void {
    this.pending.push(event);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.pending.shift(); next !== undefined; next = this.pending.shift()) {
        this.deliver(next);
      }
    } finally {
      this.delivering = false;
    }
  }

  /** Receive every event published from now on. */
  subscribe(listener: EventListener): Unsubscribe {
    // Each subscription gets its own entry, so the same function subscribed twice is
    // two subscriptions and unsubscribing one leaves the other.
    const entry: EventListener = (event) => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Receive only events of the given types, typed accordingly. */
  on<T extends MarathonEventType>(
    eventTypes: T | readonly T[],
    listener: EventListener<MarathonEventOf<T>>,
  ): Unsubscribe {
    const wanted = new Set<MarathonEventType>(
      typeof eventTypes === 'string' ? [eventTypes] : eventTypes,
    );
    return this.subscribe((event) => {
      if (isOneOf<T>(event, wanted)) listener(event);
    });
  }

  private deliver(event: MarathonEvent): void {
    // A listener may unsubscribe itself or others while this runs; iterating over a
    // snapshot delivers to exactly those subscribed when delivery began.
    for (const listener of [...this.listeners]) {
      if (!this.listeners.has(listener)) continue;
      try {
        listener(event);
      } catch (error) {
        this.log?.error({ err: error, eventType: event.eventType }, 'event listener failed');
      }
    }
  }
}

// The set holds exactly the types T names, so membership proves the narrowing.
function isOneOf<T extends MarathonEventType>(
  event: MarathonEvent,
  types: ReadonlySet<MarathonEventType>,
): event is MarathonEventOf<T> {
  return types.has(event.eventType);
}
