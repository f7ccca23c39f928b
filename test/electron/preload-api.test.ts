import {
  DESKTOP_API_KEY,
  type DesktopApi,
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  isEventChannel,
  isInvokeChannel,
} from '@mesolite/electron/ipc-channels';
import {
  type ContextBridgeLike,
  exposeDesktopApi,
  type IpcRendererLike,
} from '@mesolite/electron/preload-api';
import { describe, expect, it } from 'vitest';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** Records what the preload does with Electron's contextBridge and ipcRenderer. */
function fakes() {
  const exposed = new Map<string, unknown>();
  const invoked: Array<{ channel: string; args: unknown[] }> = [];
  const listeners = new Map<string, Set<Listener>>();
  const bridge: ContextBridgeLike = {
    exposeInMainWorld: (key, api) => exposed.set(key, api),
  };
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      invoked.push({ channel, args });
      return { answeredOn: channel };
    },
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(channel, set);
    },
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  const emit = (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? [])
      listener({ sender: 'ipcRenderer' }, payload);
  };
  return { exposed, invoked, listeners, bridge, ipc, emit };
}

function exposedApi(world: ReturnType<typeof fakes>): DesktopApi {
  exposeDesktopApi(world.bridge, world.ipc);
  return world.exposed.get(DESKTOP_API_KEY) as DesktopApi;
}

describe('the channel list', () => {
  it('names every channel under the mesolite: prefix', () => {
    for (const channel of [...Object.keys(INVOKE_CHANNELS), ...Object.keys(EVENT_CHANNELS)]) {
      expect(channel).toMatch(/^mesolite:[a-z-]+$/);
    }
  });

  it('keeps invoke and event channels apart', () => {
    for (const channel of Object.keys(EVENT_CHANNELS)) expect(isInvokeChannel(channel)).toBe(false);
    for (const channel of Object.keys(INVOKE_CHANNELS)) expect(isEventChannel(channel)).toBe(false);
  });

  it.each(['toString', '__proto__', 'constructor', 'mesolite:eval', 42])(
    'does not take %j for a channel',
    (channel) => {
      expect(isInvokeChannel(channel)).toBe(false);
      expect(isEventChannel(channel)).toBe(false);
    },
  );
});

describe('what the preload exposes', () => {
  it('puts one object on window.mesoliteDesktop and nothing else', () => {
    const world = fakes();
    exposeDesktopApi(world.bridge, world.ipc);
    expect([...world.exposed.keys()]).toEqual(['mesoliteDesktop']);
  });

  it('exposes invoke and on, not ipcRenderer', () => {
    const api = exposedApi(fakes());
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });

  it.each(Object.keys(INVOKE_CHANNELS))('passes %s to main with its arguments', async (channel) => {
    const world = fakes();
    const api = exposedApi(world);
    const invoke = api.invoke as (channel: string, ...args: unknown[]) => Promise<unknown>;
    await expect(invoke(channel, 'x')).resolves.toEqual({ answeredOn: channel });
    expect(world.invoked).toEqual([{ channel, args: ['x'] }]);
  });

  it('refuses a channel that is not in the list without reaching main', async () => {
    const world = fakes();
    const invoke = exposedApi(world).invoke as (channel: string) => Promise<unknown>;
    await expect(invoke('mesolite:run-shell')).rejects.toThrow(/not one of the shell's channels/);
    expect(world.invoked).toEqual([]);
  });

  it('delivers an event’s payload without the IPC event, which would leak ipcRenderer', () => {
    const world = fakes();
    const received: unknown[][] = [];
    exposedApi(world).on('mesolite:zombies-progress', (...args) => received.push(args));
    const progress = { phase: 'deploying', summary: '1/3 healthy', fraction: 1 / 3 };
    world.emit('mesolite:zombies-progress', progress);
    expect(received).toEqual([[progress]]);
  });

  it('stops delivering once unsubscribed', () => {
    const world = fakes();
    const received: unknown[] = [];
    const off = exposedApi(world).on('mesolite:zombies-progress', (payload) =>
      received.push(payload),
    );
    off();
    world.emit('mesolite:zombies-progress', { phase: 'ready', summary: 'up' });
    expect(received).toEqual([]);
    expect(world.listeners.get('mesolite:zombies-progress')?.size).toBe(0);
  });

  it('refuses to subscribe to an event that is not in the list', () => {
    const world = fakes();
    const on = exposedApi(world).on as (channel: string, listener: () => void) => () => void;
    expect(() => on('mesolite:shell-info', () => undefined)).toThrow(/no event/);
    expect(world.listeners.size).toBe(0);
  });
});
