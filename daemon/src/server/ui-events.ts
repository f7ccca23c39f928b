/**
 * The UI live channel's protocol: the socket.io namespace the web UI connects to and
 * the events it receives, typed once so the daemon and the browser compile against
 * the same list. The browser imports this file for its types only.
 */

/** The namespace on the daemon's socket.io server that serves the web UI. */
export const UI_NAMESPACE = '/ui';

/**
 * The cluster as the operator API's GET_STATE answers it (master.proto's shape), so the
 * UI reads the same fields as any Mesos operator tool. Kept structural here: the
 * daemon renders it with the master's own renderer.
 */
export interface UiClusterState {
  type: 'GET_STATE';
  get_state: unknown;
}

export interface UiServerToClientEvents {
  /** The whole cluster state: sent on connect and again after every burst of changes. */
  cluster_state: (state: UiClusterState) => void;
}

/** The UI only listens on this channel; it changes state through the HTTP APIs. */
export type UiClientToServerEvents = Record<string, never>;

/** The event every plugin namespace (`/plugins/<name>`) uses to tell the UI it changed. */
export const PLUGIN_EVENT = 'plugin_event';
