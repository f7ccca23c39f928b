/**
 * The master's side of the v1 scheduler API, as an interface the master implements.
 * `POST /api/v1/scheduler` is a thin HTTP wrapper over it and plugins inside the daemon
 * call it through the in-process transport, so both see exactly the same behaviour:
 * the same validation, the same statuses, the same events in the same order.
 */
import type { SchedulerCall, SchedulerEvent } from '../protocol/scheduler.js';

/** A SUBSCRIBE the master accepted: the HTTP route answers 200 with `streamId` as Mesos-Stream-Id. */
export interface SchedulerEndpointSubscription {
  readonly streamId: string;
  /**
   * The framework closed its side (the HTTP client went away, or the in-process client
   * was closed): the master treats the framework as disconnected, and its failover
   * timeout starts. `onClose` is not called for a close the framework asked for.
   */
  close(): void;
}

export interface SchedulerEndpoint {
  /**
   * Handles SUBSCRIBE. Resolves once the master accepted the subscription; rejects, as
   * {@link call} does, when it refuses it. `sink` receives every event for this stream
   * in order, starting with SUBSCRIBED (it may be called before the promise resolves).
   * `onClose` is called once when the master ends the stream itself (teardown, a newer
   * subscription of the same framework, master shutdown), with the reason if any.
   */
  subscribe(
    call: SchedulerCall,
    sink: (event: SchedulerEvent) => void,
    onClose: (reason?: Error) => void,
  ): Promise<SchedulerEndpointSubscription>;

  /**
   * Handles every call but SUBSCRIBE; `streamId` is what the HTTP client sent as
   * Mesos-Stream-Id. Resolves when the master accepted the call (HTTP 202). Rejects
   * with an error carrying `statusCode` and `message`, exactly the status and text the
   * HTTP route answers with (400 on a missing or wrong stream id, 403 for a framework
   * that is not subscribed, 503 while the master recovers).
   */
  call(call: SchedulerCall, streamId: string): Promise<void>;
}
