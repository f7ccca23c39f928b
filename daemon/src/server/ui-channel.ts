/**
 * The web UI's live channel: the socket.io namespace `/ui`. A browser gets the whole
 * cluster state when it connects and again after every burst of changes, at most one
 * push per interval. Changes are the master's operator events (the same stream as the
 * operator API's SUBSCRIBE); its HEARTBEAT counts too, so what Mesos has no event for
 * (an agent going inactive) reaches the UI within a heartbeat. A push identical to
 * the previous one is not sent.
 */
import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import { type CoalescerClock, PushCoalescer } from './push-coalescer.js';
import { allowReachable, type SocketAccess } from './socket-access.js';
import {
  UI_NAMESPACE,
  type UiClientToServerEvents,
  type UiClusterState,
  type UiServerToClientEvents,
} from './ui-events.js';

/** What the channel needs of the master: its state and its change stream. */
export interface ClusterSource {
  state(): UiClusterState;
  /** Calls `changed` after every change; answers the function that stops it. */
  subscribe(changed: () => void): () => void;
}

export interface UiChannelOptions {
  logger: Logger;
  /** The least time between two pushes (default 250 ms). */
  intervalMs?: number;
  access?: SocketAccess;
  clock?: CoalescerClock;
}

export interface UiChannel {
  readonly namespace: Namespace<UiClientToServerEvents, UiServerToClientEvents>;
  /** Starts following `source`; connections made before wait for this first state. */
  start(source: ClusterSource): void;
  stop(): void;
}

type UiSocket = Socket<UiClientToServerEvents, UiServerToClientEvents>;

export function attachUiChannel(io: Server, options: UiChannelOptions): UiChannel {
  const namespace = io.of(UI_NAMESPACE) as Namespace<
    UiClientToServerEvents,
    UiServerToClientEvents
  >;
  namespace.use(options.access ?? allowReachable);
  let source: ClusterSource | undefined;
  let unsubscribe: (() => void) | undefined;
  let last: { state: UiClusterState; json: string } | undefined;

  const render = (): { state: UiClusterState; json: string } => {
    if (!source) throw new Error('the UI channel pushed before start()');
    const state = source.state();
    return { state, json: JSON.stringify(state) };
  };

  const coalescer = new PushCoalescer(
    () => {
      try {
        const next = render();
        if (next.json === last?.json) return;
        last = next;
        namespace.emit('cluster_state', next.state);
      } catch (err) {
        options.logger.error({ err }, 'could not push the cluster state to the UI');
      }
    },
    options.intervalMs ?? 250,
    options.clock,
  );

  namespace.on('connection', (socket: UiSocket) => {
    if (!source) return;
    // A newcomer needs the state now, not at the next change.
    last ??= render();
    socket.emit('cluster_state', last.state);
  });

  return {
    namespace,
    start(from) {
      source = from;
      unsubscribe = from.subscribe(() => coalescer.changed());
      coalescer.changed();
    },
    stop() {
      unsubscribe?.();
      coalescer.stop();
      namespace.disconnectSockets(true);
    },
  };
}
