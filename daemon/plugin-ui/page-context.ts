/**
 * The part of the shell's page contract (docs/PLUGINS.md, "UI pages") plugin pages use,
 * stated structurally: a page is built apart from the shell and imports nothing of it.
 */

export type PageApi = (
  path: string,
  options?: { method?: string; body?: unknown },
) => Promise<unknown>;

export interface PageSocket {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface PageContext {
  api: PageApi;
  socket: PageSocket;
}
