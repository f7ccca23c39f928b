/**
 * What the benches that drive `mesolite` processes share: starting one and reading the
 * line it prints once it serves, and polling for a state with a deadline.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { waitFor } from '../test/support/wait.js';

export const CLI = resolve(import.meta.dirname, '../daemon/dist/cli/main.js');

/** Fine enough for figures in tenths of a second, cheap enough not to load the machine. */
const POLL_MS = 25;

/** Starts a CLI process and resolves with the first line matching `pattern`'s group. */
export async function spawnCli(args: string[], pattern: RegExp): Promise<[ChildProcess, string]> {
  const child = spawn(process.execPath, [CLI, ...args, '--log-level', 'silent'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const match = pattern.exec(chunk.toString())?.[1];
  if (match === undefined) {
    child.kill('SIGKILL');
    throw new Error(`mesolite ${args[0]} printed ${chunk.toString()}`);
  }
  // Whatever it prints later must not fill the pipe and stall it.
  child.stdout?.resume();
  return [child, match];
}

/** Polls `probe` until it answers (a throw counts as not yet), or gives up after `timeoutMs`. */
export function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 180_000,
): Promise<T> {
  return waitFor(what, probe, timeoutMs, POLL_MS);
}
