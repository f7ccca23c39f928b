export * from './event-builders.js';
export {
  EventBus,
  type EventBusLog,
  type EventBusOptions,
  type EventListener,
  type Unsubscribe,
} from './event-bus.js';
export {
  EventStreamConnection,
  type EventStreamConnectionOptions,
  type EventStreamLog,
} from './event-stream-connection.js';
export {
  acceptsEventStream,
  DEFAULT_MAX_OUTSTANDING_EVENTS,
  type EventStreamRoutesOptions,
  eventStreamRoutes,
} from './event-stream-routes.js';
export * from './marathon-events.js';
export { DEFAULT_HEARTBEAT_INTERVAL_MS, eventFrame, SSE_HEARTBEAT, sseFrame } from './sse-frame.js';
