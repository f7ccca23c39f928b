/**
 * How a SchedulerClient reaches a master. Two transports exist: HTTP (any master URL,
 * a real Mesos master included) and in-process (plugins inside the daemon). Both raise
 * the errors of ./errors.ts, so the client handles failures one way.
 */
import type { SchedulerCall, SchedulerEvent } from '../protocol/scheduler.js';

export interface SchedulerStreamHandlers {
  /** Every event of the stream, in order. */
  onEvent(event: SchedulerEvent): void;
  /**
   * Called at most once, when the stream ends without {@link SchedulerStream.close}
   * having been called: the master closed it, the connection dropped, or the stream
   * carried something that is not an event.
   */
  onClose(reason: Error): void;
  /** Aborts a SUBSCRIBE that is still waiting for the master's answer. */
  signal?: AbortSignal;
}

export interface SchedulerStream {
  /** The master's Mesos-Stream-Id for this subscription; every later call carries it. */
  readonly streamId: string;
  /** Ends the stream from the framework's side; no handler is called after it. */
  close(): void;
}

export interface SchedulerTransport {
  /**
   * Sends SUBSCRIBE and resolves once the master accepted it. Events may reach
   * `handlers.onEvent` before the promise resolves. Rejects with a
   * {@link import('./errors.js').SchedulerCallError} when the master refuses, and with
   * a {@link import('./errors.js').MasterUnreachableError} when none answers.
   */
  subscribe(call: SchedulerCall, handlers: SchedulerStreamHandlers): Promise<SchedulerStream>;

  /** Sends any other call on the stream `streamId`; resolves when the master accepted it. */
  call(call: SchedulerCall, streamId: string): Promise<void>;
}
