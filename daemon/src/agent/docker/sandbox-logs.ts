/**
 * The container's stdout and stderr, copied into the sandbox's `stdout` and `stderr`
 * files as they come, so the files API and the UI read Docker tasks like any other.
 *
 * Surviving an agent restart: the engine keeps the container's whole log, and the
 * sandbox files grow only by what this copier appended. So the checkpoint records how
 * long each file was before the container's output started; after a restart the copier
 * reads the log from the beginning again and skips, per stream, the bytes the files
 * already hold beyond that length. Nothing is copied twice and nothing is lost, even a
 * frame cut in half by kill -9, which a timestamp (`since`) could not promise.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Logger } from '../../logger.js';
import { engineMessage } from './docker-errors.js';
import { LogFrameDemuxer, type LogStreamName } from './log-frames.js';

export interface LogPosition {
  stdout: number;
  stderr: number;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/** How long the sandbox's stdout and stderr are now (0 for a file not there yet). */
export async function sandboxLogSizes(sandbox: string): Promise<LogPosition> {
  const [stdout, stderr] = await Promise.all([
    sizeOf(join(sandbox, 'stdout')),
    sizeOf(join(sandbox, 'stderr')),
  ]);
  return { stdout, stderr };
}

/** What an earlier copier already appended, given the lengths recorded before it started. */
export async function copiedSince(sandbox: string, start: LogPosition): Promise<LogPosition> {
  const now = await sandboxLogSizes(sandbox);
  // A file shorter than at launch was truncated by someone: copy everything again.
  return {
    stdout: Math.max(0, now.stdout - start.stdout),
    stderr: Math.max(0, now.stderr - start.stderr),
  };
}

export interface CopyLogsOptions {
  container: Docker.Container;
  sandbox: string;
  /** Bytes of each stream the sandbox files already hold, not to be written again. */
  skip: LogPosition;
  /** Aborting stops the copy (the agent is going away; the container may keep running). */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Follows the container's log into the sandbox. Resolves when the engine ends the stream
 * (the container stopped and everything it wrote is copied) or when `signal` aborts.
 * Never rejects: losing the copy must not lose the task, so failures are logged.
 */
export async function copyContainerLogs(options: CopyLogsOptions): Promise<void> {
  const { container, sandbox, signal, logger } = options;
  const remainingSkip: LogPosition = { ...options.skip };
  const files: Partial<Record<LogStreamName, FileHandle>> = {};
  try {
    files.stdout = await open(join(sandbox, 'stdout'), 'a');
    files.stderr = await open(join(sandbox, 'stderr'), 'a');
    const stream = await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      abortSignal: signal,
    });
    const demuxer = new LogFrameDemuxer();
    for await (const chunk of stream) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (const frame of demuxer.push(data)) {
        let payload = frame.payload;
        const skip = remainingSkip[frame.stream];
        if (skip > 0) {
          const skipped = Math.min(skip, payload.length);
          remainingSkip[frame.stream] = skip - skipped;
          payload = payload.subarray(skipped);
        }
        if (payload.length > 0) await files[frame.stream]?.write(payload);
      }
    }
  } catch (err) {
    if (!signal.aborted) {
      logger.warn(
        { container: container.id, err: engineMessage(err) },
        'stopped copying the container logs into the sandbox',
      );
    }
  } finally {
    await files.stdout?.close().catch(() => undefined);
    await files.stderr?.close().catch(() => undefined);
  }
}

/** How much of the end of a log is read to find its last line. */
const TAIL_BYTES = 4096;

/**
 * The last non-empty line the container wrote to one of the sandbox logs, for a
 * termination message that says "/bin/sh: python: not found", not only a status.
 */
export async function lastLineSince(
  sandbox: string,
  stream: 'stdout' | 'stderr',
  start: number,
): Promise<string | undefined> {
  let file: FileHandle | undefined;
  try {
    file = await open(join(sandbox, stream), 'r');
    const { size } = await file.stat();
    const from = Math.max(start, size - TAIL_BYTES);
    if (size <= from) return undefined;
    const buffer = Buffer.alloc(size - from);
    await file.read(buffer, 0, buffer.length, from);
    const lines = buffer.toString().split('\n');
    return lines
      .reverse()
      .find((line) => line.trim() !== '')
      ?.trim();
  } catch {
    return undefined;
  } finally {
    await file?.close().catch(() => undefined);
  }
}
