import type { SchedulerCall } from '../protocol/scheduler.js';
import type { SchedulerEndpoint } from './endpoint.js';
import { SchedulerCallError, SchedulerStreamError } from './errors.js';
import type { SchedulerStream, SchedulerStreamHandlers, SchedulerTransport } from './transport.js';

const WHERE = 'the in-process master';

/**
 * Connects a SchedulerClient to the master in the same process, through the
 * {@link SchedulerEndpoint} the master's HTTP route also wraps. It keeps what HTTP
 * would give a plugin for free: calls and events are copies (neither side can change
 * the other's objects afterwards), events arrive asynchronously, and failures are the
 * same coded errors with the same statuses.
 */
export class InProcessSchedulerTransport implements SchedulerTransport {
  readonly #endpoint: SchedulerEndpoint;

  constructor(endpoint: SchedulerEndpoint) {
    this.#endpoint = endpoint;
  }

  async subscribe(
    call: SchedulerCall,
    handlers: SchedulerStreamHandlers,
  ): Promise<SchedulerStream> {
    handlers.signal?.throwIfAborted();
    let open = true;
    // The master emits from inside its own bookkeeping; a listener that calls back into
    // the master must not run in the middle of it, so delivery waits for a microtask
    // (which also keeps the order the master emitted in).
    const deliver = (handle: () => void) =>
      queueMicrotask(() => {
        if (open) handle();
      });
    let subscription: Awaited<ReturnType<SchedulerEndpoint['subscribe']>>;
    try {
      subscription = await this.#endpoint.subscribe(
        structuredClone(call),
        (event) => {
          // Copied now: the master may change its objects before delivery.
          const copy = structuredClone(event);
          deliver(() => handlers.onEvent(copy));
        },
        (reason) =>
          deliver(() => {
            open = false;
            handlers.onClose(
              new SchedulerStreamError(
                WHERE,
                reason?.message ?? 'the master closed the stream',
                reason,
              ),
            );
          }),
      );
    } catch (error) {
      open = false;
      throw asCallError(call.type, error);
    }
    if (handlers.signal?.aborted) {
      open = false;
      subscription.close();
      handlers.signal.throwIfAborted();
    }
    return {
      streamId: subscription.streamId,
      close: () => {
        if (!open) return;
        open = false;
        subscription.close();
      },
    };
  }

  async call(call: SchedulerCall, streamId: string): Promise<void> {
    try {
      await this.#endpoint.call(structuredClone(call), streamId);
    } catch (error) {
      throw asCallError(call.type, error);
    }
  }
}

/** The error the HTTP transport would raise for the status and text the route would answer. */
function asCallError(callType: string, error: unknown): SchedulerCallError {
  if (error instanceof SchedulerCallError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status =
    typeof error === 'object' &&
    error !== null &&
    'statusCode' in error &&
    typeof error.statusCode === 'number'
      ? error.statusCode
      : // The HTTP route answers 500 to an error without a status; so does this.
        500;
  return new SchedulerCallError(callType, status, message, { cause: error });
}
