/**
 * What the preload gives the page, built from the channel list alone. Electron's
 * contextBridge and ipcRenderer come in as parameters so the exposure can be checked
 * without Electron, which cannot run on every machine that builds mesolite.
 */
import {
  DESKTOP_API_KEY,
  type DesktopApi,
  type EventChannel,
  type EventPayload,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResult,
  isEventChannel,
  isInvokeChannel,
} from './ipc-channels.js';

export interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: unknown): void;
}

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** A rejected promise rather than a throw, so callers handle one failure path. */
function refused(channel: unknown): Promise<never> {
  return Promise.reject(
    new Error(`mesolite desktop: ${String(channel)} is not one of the shell's channels`),
  );
}

export function desktopApi(ipc: IpcRendererLike): DesktopApi {
  return {
    invoke<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>) {
      if (!isInvokeChannel(channel)) return refused(channel);
      return ipc.invoke(channel, ...args) as Promise<InvokeResult<C>>;
    },
    on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void) {
      if (!isEventChannel(channel))
        throw new Error(`mesolite desktop: no event ${String(channel)}`);
      // The page gets the payload only: the IpcRendererEvent would hand it ipcRenderer itself.
      const relay = (_event: unknown, payload: unknown) => listener(payload as EventPayload<C>);
      ipc.on(channel, relay);
      return () => {
        ipc.removeListener(channel, relay);
      };
    },
  };
}

/** Puts the API on `window.mesoliteDesktop`, the only thing the page can reach of the shell. */
export function exposeDesktopApi(bridge: ContextBridgeLike, ipc: IpcRendererLike): void {
  bridge.exposeInMainWorld(DESKTOP_API_KEY, desktopApi(ipc));
}
