/**
 * Main's side of the channel list: one handler per invoke channel, each called only for
 * a page of the daemon's origin and only with arguments that match the channel's schema.
 */
import { validator } from '@mesolite/daemon/protocol/validate';
import { IpcRefusedError } from './errors.js';
import {
  INVOKE_CHANNELS,
  type InvokeArgs,
  type InvokeChannel,
  type InvokeResult,
} from './ipc-channels.js';
import { navigationVerdict } from './navigation-policy.js';

export type InvokeHandlers = {
  readonly [C in InvokeChannel]: (...args: InvokeArgs<C>) => Promise<InvokeResult<C>>;
};

export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

const channels = Object.keys(INVOKE_CHANNELS) as InvokeChannel[];

const requestValidators = new Map(
  channels.map((channel) => [
    channel,
    validator(INVOKE_CHANNELS[channel].request, `the arguments of ${channel}`),
  ]),
);

/** Checks one call; resolves with the handler's answer or rejects with IpcRefusedError. */
export async function dispatchInvoke(
  daemonUrl: string,
  handlers: InvokeHandlers,
  channel: InvokeChannel,
  event: InvokeEventLike,
  args: unknown[],
): Promise<unknown> {
  const sender = event.senderFrame?.url ?? '';
  if (navigationVerdict(daemonUrl, sender) !== 'in-app') {
    throw new IpcRefusedError(channel, `the page ${JSON.stringify(sender)} is not the daemon's UI`);
  }
  const check = requestValidators.get(channel);
  if (check === undefined || !check.check(args)) {
    throw new IpcRefusedError(channel, `arguments ${JSON.stringify(args)} do not match it`);
  }
  const handler = handlers[channel] as (...args: unknown[]) => Promise<unknown>;
  return handler(...args);
}

/** Registers every channel's handler; returns the function that removes them. */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  daemonUrl: string,
  handlers: InvokeHandlers,
): () => void {
  for (const channel of channels) {
    ipcMain.handle(channel, (event, ...args) =>
      dispatchInvoke(daemonUrl, handlers, channel, event, args),
    );
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
