import type { FrameworkID } from '@mesolite/daemon/protocol/mesos';
import type { SchedulerCall, SchedulerEvent } from '@mesolite/daemon/protocol/scheduler';
import type {
  SchedulerEndpoint,
  SchedulerEndpointSubscription,
} from '@mesolite/daemon/scheduler/endpoint';

export interface FakeStream {
  readonly streamId: string;
  readonly call: SchedulerCall;
  readonly sink: (event: SchedulerEvent) => void;
  readonly onClose: (reason?: Error) => void;
  /** Set when the client closed its side. */
  closedByClient: boolean;
}

/**
 * A stand-in for the master's SchedulerEndpoint: it records what the client sends,
 * answers SUBSCRIBE with SUBSCRIBED right away (synchronously, before its promise
 * resolves, which a real master may do), and fails on demand.
 */
export class FakeSchedulerEndpoint implements SchedulerEndpoint {
  readonly streams: FakeStream[] = [];
  readonly calls: Array<{ call: SchedulerCall; streamId: string }> = [];
  /** Each SUBSCRIBE takes the next failure, if any, and rejects with it. */
  readonly subscribeFailures: Error[] = [];
  /** Every call other than SUBSCRIBE rejects with this, while set. */
  callFailure: Error | undefined;
  heartbeatIntervalSeconds = 15;
  /** Send SUBSCRIBED on subscribe; off to test a master that never confirms. */
  confirmSubscriptions = true;
  readonly frameworkId: FrameworkID = { value: 'fw-in-process' };

  async subscribe(
    call: SchedulerCall,
    sink: (event: SchedulerEvent) => void,
    onClose: (reason?: Error) => void,
  ): Promise<SchedulerEndpointSubscription> {
    const failure = this.subscribeFailures.shift();
    if (failure) throw failure;
    const stream: FakeStream = {
      streamId: `stream-${this.streams.length + 1}`,
      call,
      sink,
      onClose,
      closedByClient: false,
    };
    this.streams.push(stream);
    if (this.confirmSubscriptions) {
      sink({
        type: 'SUBSCRIBED',
        subscribed: {
          framework_id: call.framework_id ?? this.frameworkId,
          heartbeat_interval_seconds: this.heartbeatIntervalSeconds,
        },
      });
    }
    return {
      streamId: stream.streamId,
      close: () => {
        stream.closedByClient = true;
      },
    };
  }

  async call(call: SchedulerCall, streamId: string): Promise<void> {
    this.calls.push({ call, streamId });
    if (this.callFailure) throw this.callFailure;
  }

  get subscribeCalls(): SchedulerCall[] {
    return this.streams.map((stream) => stream.call);
  }

  get latest(): FakeStream {
    const stream = this.streams.at(-1);
    if (!stream) throw new Error('nothing subscribed yet');
    return stream;
  }

  /** Sends an event on the newest stream. */
  send(event: SchedulerEvent): void {
    this.latest.sink(event);
  }

  /** Ends the newest stream from the master's side. */
  end(reason?: Error): void {
    this.latest.onClose(reason);
  }
}
