/**
 * What a plugin's page module gets from the shell (docs/PLUGINS.md, "UI pages"). The
 * module is plain browser JavaScript; this is the contract's one typed statement.
 */
import type { Socket } from 'socket.io-client';
import type { RequestOptions } from './api';

export interface PluginPageContext {
  /** Requests to the daemon; a failure rejects with what the daemon answered. */
  api(path: string, options?: RequestOptions): Promise<unknown>;
  /** The plugin's own socket.io namespace (`/plugins/<name>`), connected and reconnecting. */
  socket: Socket;
}

export interface PluginPageModule {
  /** Draws the page into `element`; may answer a function the shell calls to unmount it. */
  mount(element: HTMLElement, context: PluginPageContext): (() => void) | undefined;
}
