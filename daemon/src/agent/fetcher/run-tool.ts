/**
 * Runs one of the system tools the fetcher relies on (tar, unzip, id) and collects
 * its output. The fetcher never goes through a shell: arguments are passed as argv,
 * so names from URIs and archives cannot be interpreted as shell syntax.
 */
import { spawn } from 'node:child_process';

export interface ToolResult {
  /** Exit code, or null when the tool was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A tool that could not be started at all (ENOENT: not installed). */
export class ToolMissingError extends Error {
  constructor(readonly tool: string) {
    super(`'${tool}' is not installed on this agent`);
    this.name = 'ToolMissingError';
  }
}

/** Output past this is dropped: a listing or an error message never needs more, and a hostile archive cannot make us buffer without bound. */
const MAX_OUTPUT = 64 * 1024 * 1024;

export function runTool(
  command: string,
  args: readonly string[],
  options: { signal?: AbortSignal | undefined; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      // stdin from /dev/null: unzip prompts before overwriting when it has a terminal.
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new ToolMissingError(command));
      else reject(err);
    });
    child.on('close', (code) => {
      resolvePromise({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

/** The last meaningful line(s) of a tool's stderr, for an error message. */
export function summarize(stderr: string, fallback: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.length > 0 ? lines.slice(-3).join('; ') : fallback;
}
