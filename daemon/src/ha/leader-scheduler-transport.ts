import type { SchedulerCall } from '../protocol/scheduler.js';
import type {
  SchedulerStream,
  SchedulerStreamHandlers,
  SchedulerTransport,
} from '../scheduler/transport.js';

/**
 * A scheduler transport for a framework given `--master zk://…`: each subscription goes
 * to the master that leads at that moment (a fresh transport to it), and each call to
 * the master its stream came from, as Mesos requires. When the leader dies the stream
 * closes, the framework subscribes again, and this time reaches the new leader.
 */
export class LeaderSchedulerTransport implements SchedulerTransport {
  readonly #leaderUrl: () => string;
  readonly #connect: (masterUrl: string) => SchedulerTransport;
  readonly #byStream = new Map<string, SchedulerTransport>();

  constructor(leaderUrl: () => string, connect: (masterUrl: string) => SchedulerTransport) {
    this.#leaderUrl = leaderUrl;
    this.#connect = connect;
  }

  async subscribe(
    call: SchedulerCall,
    handlers: SchedulerStreamHandlers,
  ): Promise<SchedulerStream> {
    const transport = this.#connect(this.#leaderUrl());
    let streamId: string | undefined;
    const stream = await transport.subscribe(call, {
      ...handlers,
      onEvent: (event) => handlers.onEvent(event),
      onClose: (reason) => {
        if (streamId !== undefined) this.#byStream.delete(streamId);
        handlers.onClose(reason);
      },
    });
    streamId = stream.streamId;
    this.#byStream.set(streamId, transport);
    return stream;
  }

  call(call: SchedulerCall, streamId: string): Promise<void> {
    // A stream this transport no longer knows is answered by the leader (as unknown).
    const transport = this.#byStream.get(streamId) ?? this.#connect(this.#leaderUrl());
    return transport.call(call, streamId);
  }
}
