import type { Readable, Writable } from 'node:stream';
import { PasswordInputError } from '../auth/errors.js';

/** Where a command reads and writes; tests pass their own streams. */
export interface CommandIo {
  readonly stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export function processIo(): CommandIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

/** All of stdin, less one trailing newline: `echo pw | mesolite ... --password-stdin`. */
export async function readStdinSecret(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
export async function promptSecret(io: CommandIo, prompt: string): Promise<string> {
  const { stdin } = io;
  if (!stdin.isTTY || !stdin.setRawMode) {
    throw new PasswordInputError(
      `${prompt.replace(/:\s*$/, '')} is needed and there is no terminal to ask on: pipe it in with --password-stdin.`,
    );
  }
  io.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = '';
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            return resolve(typed);
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            return reject(new PasswordInputError('Interrupted.'));
          }
          typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}

/** A password from stdin with --password-stdin, else typed twice at a prompt. */
export async function readNewPassword(io: CommandIo, fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdinSecret(io.stdin);
  const first = await promptSecret(io, 'Password: ');
  const again = await promptSecret(io, 'Password again: ');
  if (first !== again)
    throw new PasswordInputError('The two passwords differ; run the command again.');
  return first;
}
