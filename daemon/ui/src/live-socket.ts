/**
 * The UI's socket.io connections to the daemon: `/ui` for the cluster and
 * `/plugins/<name>` for each plugin, multiplexed on one connection. socket.io-client
 * reconnects by itself (with backoff); {@link useConnection} says how it is doing.
 */
import { useEffect, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import type { UiClientToServerEvents, UiServerToClientEvents } from '../../src/server/ui-events';
import { goToLogin } from './session';

export type UiSocket = Socket<UiServerToClientEvents, UiClientToServerEvents>;

let ui: UiSocket | undefined;
const plugins = new Map<string, Socket>();

/** How long to wait before reconnecting a socket the daemon closed on purpose. */
const RECONNECT_AFTER_SERVER_CLOSE_MS = 1000;

/**
 * socket.io reconnects by itself after a lost connection, but not after the server
 * closed the socket, which is what a stopping daemon (or a plugin being disabled)
 * does. The UI should come back with the daemon in both cases.
 */
function keepConnected<S extends Socket>(socket: S): S {
  // With auth on, the daemon refuses a handshake without a valid login (status 401).
  socket.on('connect_error', (err: Error & { data?: { status?: number } }) => {
    if (err.data?.status === 401) goToLogin();
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect')
      setTimeout(() => socket.connect(), RECONNECT_AFTER_SERVER_CLOSE_MS);
  });
  return socket;
}

/** The `/ui` namespace: the cluster state on connect and after every change. */
export function uiSocket(): UiSocket {
  ui ??= keepConnected<UiSocket>(io('/ui'));
  return ui;
}

/** A plugin's own namespace, shared by every part of the UI that follows that plugin. */
export function pluginSocket(name: string): Socket {
  let socket = plugins.get(name);
  if (!socket) {
    socket = keepConnected(io(`/plugins/${name}`));
    plugins.set(name, socket);
  }
  return socket;
}

export interface Connection {
  connected: boolean;
  /** Why the last attempt failed (the daemon's refusal, or the browser's network error). */
  error: string | undefined;
}

/** Follows a socket's connection: connected, or not and why. */
export function useConnection(socket: Socket): Connection {
  const [state, setState] = useState<Connection>({ connected: socket.connected, error: undefined });
  useEffect(() => {
    const onConnect = () => setState({ connected: true, error: undefined });
    const onDisconnect = (reason: string) => setState({ connected: false, error: reason });
    const onError = (err: Error) => setState({ connected: false, error: err.message });
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onError);
    setState({ connected: socket.connected, error: undefined });
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onError);
    };
  }, [socket]);
  return state;
}
