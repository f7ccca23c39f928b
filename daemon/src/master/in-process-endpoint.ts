import type { SchedulerCall, SchedulerEvent } from '../protocol/scheduler.js';
import type { SchedulerEndpoint, SchedulerEndpointSubscription } from '../scheduler/endpoint.js';
import type { Master } from './master.js';

/**
 * The master as a SchedulerEndpoint for plugins in the same process: the same calls,
 * checks and events as POST /api/v1/scheduler, without the HTTP hop.
 */
export function inProcessEndpoint(master: Master): SchedulerEndpoint {
  return {
    async subscribe(
      call: SchedulerCall,
      sink: (event: SchedulerEvent) => void,
      onClose: (reason?: Error) => void,
    ): Promise<SchedulerEndpointSubscription> {
      let open = true;
      const connection = await master.subscribe(call, {
        send(event) {
          // Delivered on a later tick, as bytes over HTTP would be, so a framework's
          // handler never runs inside the master's own call stack.
          if (open) queueMicrotask(() => open && sink(event));
        },
        close() {
          if (!open) return;
          open = false;
          onClose();
        },
      });
      return {
        streamId: connection.streamId,
        close() {
          if (!open) return;
          open = false;
          master.disconnected(connection.frameworkId, connection.streamId);
        },
      };
    },
    call(call: SchedulerCall, streamId: string): Promise<void> {
      return master.call(call, streamId);
    },
  };
}
