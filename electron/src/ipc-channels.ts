/**
 * Every message between the desktop shell's main process and the UI it shows, in one
 * list both sides compile against: the preload exposes exactly these channels, and main
 * validates each request against its schema (the renderer shows a web page, so whatever
 * it sends is untrusted).
 */
import { type Static, Type } from 'typebox';

export const ShellInfoSchema = Type.Object({
  /** The daemon the window shows. */
  daemonUrl: Type.String(),
  /** Whether the shell started that daemon in-process (and stops it on quit). */
  embedded: Type.Boolean(),
  /** The desktop app's version. */
  version: Type.String(),
});
export type ShellInfo = Static<typeof ShellInfoSchema>;

export const ZombiesProgressSchema = Type.Object({
  phase: Type.Union([
    Type.Literal('checking'),
    Type.Literal('deploying'),
    Type.Literal('ready'),
    Type.Literal('failed'),
  ]),
  /** One line a person reads, e.g. "2/3 healthy · step 1/1 StartApplication". */
  summary: Type.String(),
  /** 0..1 while deploying, when Marathon's answers allow counting. */
  fraction: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  /** Where the Zombies Tracker is served, once ready. */
  url: Type.Optional(Type.String()),
});
export type ZombiesProgress = Static<typeof ZombiesProgressSchema>;

/** Request/response channels (ipcRenderer.invoke / ipcMain.handle); requests are argument tuples. */
export const INVOKE_CHANNELS = {
  'mesolite:shell-info': { request: Type.Tuple([]), response: ShellInfoSchema },
  /** Opens the Zombies Tracker, deploying it through Marathon first when it is not running. */
  'mesolite:open-zombies': { request: Type.Tuple([]), response: ZombiesProgressSchema },
  /** Opens an http(s) URL in the system browser. */
  'mesolite:open-external': {
    request: Type.Tuple([Type.String({ minLength: 1, maxLength: 2048 })]),
    response: Type.Boolean(),
  },
} as const;

/** Events main sends to the window (webContents.send / ipcRenderer.on). */
export const EVENT_CHANNELS = {
  'mesolite:zombies-progress': ZombiesProgressSchema,
} as const;

export type InvokeChannel = keyof typeof INVOKE_CHANNELS;
export type InvokeArgs<C extends InvokeChannel> = Static<(typeof INVOKE_CHANNELS)[C]['request']>;
export type InvokeResult<C extends InvokeChannel> = Static<(typeof INVOKE_CHANNELS)[C]['response']>;
export type EventChannel = keyof typeof EVENT_CHANNELS;
export type EventPayload<C extends EventChannel> = Static<(typeof EVENT_CHANNELS)[C]>;

export function isInvokeChannel(channel: unknown): channel is InvokeChannel {
  return typeof channel === 'string' && Object.hasOwn(INVOKE_CHANNELS, channel);
}

export function isEventChannel(channel: unknown): channel is EventChannel {
  return typeof channel === 'string' && Object.hasOwn(EVENT_CHANNELS, channel);
}

/** The global name the preload gives the API in the page: `window.mesoliteDesktop`. */
export const DESKTOP_API_KEY = 'mesoliteDesktop';

/** What the page sees at `window.mesoliteDesktop`; absent in a plain browser. */
export interface DesktopApi {
  invoke<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResult<C>>;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}
