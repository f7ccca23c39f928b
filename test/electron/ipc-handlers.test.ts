import type { ShellInfo, ZombiesProgress } from '@mesolite/electron/ipc-channels';
import {
  dispatchInvoke,
  type InvokeEventLike,
  type InvokeHandlers,
  type IpcMainLike,
  registerIpcHandlers,
} from '@mesolite/electron/ipc-handlers';
import { describe, expect, it } from 'vitest';

const DAEMON = 'http://127.0.0.1:5050';
const FROM_UI: InvokeEventLike = { senderFrame: { url: `${DAEMON}/ui/marathon` } };

function handlers(calls: unknown[][] = []): InvokeHandlers {
  const info: ShellInfo = { daemonUrl: DAEMON, embedded: true, version: '0.1.0' };
  const ready: ZombiesProgress = { phase: 'ready', summary: 'up', url: 'http://127.0.0.1:10100/' };
  return {
    'mesolite:shell-info': async () => {
      calls.push(['shell-info']);
      return info;
    },
    'mesolite:open-zombies': async () => {
      calls.push(['open-zombies']);
      return ready;
    },
    'mesolite:open-external': async (url) => {
      calls.push(['open-external', url]);
      return true;
    },
  };
}

describe('answering the UI', () => {
  it('answers a page of the daemon’s origin', async () => {
    await expect(
      dispatchInvoke(DAEMON, handlers(), 'mesolite:shell-info', FROM_UI, []),
    ).resolves.toEqual({ daemonUrl: DAEMON, embedded: true, version: '0.1.0' });
  });

  it('passes checked arguments to the handler', async () => {
    const calls: unknown[][] = [];
    await dispatchInvoke(DAEMON, handlers(calls), 'mesolite:open-external', FROM_UI, [
      'https://mesos.apache.org/',
    ]);
    expect(calls).toEqual([['open-external', 'https://mesos.apache.org/']]);
  });

  it.each([
    ['another origin', { senderFrame: { url: 'http://127.0.0.1:10100/' } }],
    ['a file page', { senderFrame: { url: 'file:///tmp/evil.html' } }],
    ['a frame that is gone', { senderFrame: null }],
  ])('refuses %s, calling no handler', async (_what, event: InvokeEventLike) => {
    const calls: unknown[][] = [];
    await expect(
      dispatchInvoke(DAEMON, handlers(calls), 'mesolite:shell-info', event, []),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_IPC_REFUSED' });
    expect(calls).toEqual([]);
  });

  it.each([
    ['no URL', []],
    ['a number', [42]],
    ['an empty URL', ['']],
    ['extra arguments', ['https://a.example/', 'more']],
  ])('refuses open-external with %s, calling no handler', async (_what, args: unknown[]) => {
    const calls: unknown[][] = [];
    await expect(
      dispatchInvoke(DAEMON, handlers(calls), 'mesolite:open-external', FROM_UI, args),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_IPC_REFUSED' });
    expect(calls).toEqual([]);
  });

  it('refuses arguments to a channel that takes none', async () => {
    await expect(
      dispatchInvoke(DAEMON, handlers(), 'mesolite:open-zombies', FROM_UI, ['now']),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_IPC_REFUSED' });
  });
});

describe('registering the handlers', () => {
  function fakeIpcMain() {
    const registered = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
    const ipcMain: IpcMainLike = {
      handle: (channel, listener) => registered.set(channel, listener),
      removeHandler: (channel) => registered.delete(channel),
    };
    return { ipcMain, registered };
  }

  it('handles exactly the invoke channels of the list', () => {
    const { ipcMain, registered } = fakeIpcMain();
    registerIpcHandlers(ipcMain, DAEMON, handlers());
    expect([...registered.keys()].sort()).toEqual([
      'mesolite:open-external',
      'mesolite:open-zombies',
      'mesolite:shell-info',
    ]);
  });

  it('routes a call through the checks to its handler', async () => {
    const { ipcMain, registered } = fakeIpcMain();
    registerIpcHandlers(ipcMain, DAEMON, handlers());
    await expect(registered.get('mesolite:open-zombies')?.(FROM_UI)).resolves.toMatchObject({
      phase: 'ready',
    });
  });

  it('removes every handler it registered', () => {
    const { ipcMain, registered } = fakeIpcMain();
    const remove = registerIpcHandlers(ipcMain, DAEMON, handlers());
    remove();
    expect(registered.size).toBe(0);
  });
});
