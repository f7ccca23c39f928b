/**
 * What every client command does the same way: errors reported as one line on stderr
 * (plus any detail lines the error carries) with exit status 1, and JSON read from a
 * file or stdin.
 */
import { readFile } from 'node:fs/promises';

interface WithDetails {
  details?: readonly string[];
}

/** Wraps a command's action so a thrown error becomes `mesolite <command>: message`, exit 1. */
export function reporting<A extends unknown[]>(
  command: string,
  run: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A): Promise<void> => {
    try {
      await run(...args);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`mesolite ${command}: ${message}\n`);
      for (const detail of (err as WithDetails).details ?? []) {
        process.stderr.write(`  ${detail}\n`);
      }
      process.exitCode = 1;
    }
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The JSON in `file`, or on stdin for `-`. `refuse(name, reason)` builds the command's
 * own error, so the message says what the file was meant to be.
 */
export async function readJsonInput(
  file: string,
  refuse: (name: string, reason: string) => Error,
): Promise<unknown> {
  const name = file === '-' ? 'stdin' : file;
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw refuse(name, (err as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw refuse(name, `it is not JSON (${(err as Error).message})`);
  }
}
