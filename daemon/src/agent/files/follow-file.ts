/**
 * Following a file as it grows (a task's stdout, for the UI's live log): an async
 * iterator of the bytes appended after an offset, like `tail -F`. fs.watch wakes it
 * at once where the platform reports changes; a poll catches what watching misses (a
 * file not created yet, a file replaced by another, filesystems without events).
 * The caller owns the follower and closes it, or breaks out of its loop.
 *
 * The path is a real path: resolve a files API path with FilesRegistry.resolve first,
 * so following obeys the same rules as reading.
 */
import { type FSWatcher, watch } from 'node:fs';
import { open } from 'node:fs/promises';
import { MAX_READ_LENGTH } from './read-file-page.js';

export interface FileChunk {
  /** Where in the file `data` starts. */
  offset: number;
  data: Buffer;
}

export interface FollowOptions {
  /** Where to start; -1 for the end of the file as it is when first read. 0 unless given. */
  offset?: number;
  /** The most bytes one chunk holds; {@link MAX_READ_LENGTH} unless given. */
  chunkSize?: number;
  /** How often to look when no change was reported; 1000 ms unless given. */
  pollIntervalMs?: number;
  /** false: poll only, never fs.watch. */
  watch?: boolean;
  /** Closes the follower when aborted, e.g. when the UI's socket disconnects. */
  signal?: AbortSignal;
}

export interface FileFollower extends AsyncIterable<FileChunk> {
  /** Stops watching and polling; a pending iteration ends. Safe to call twice. */
  close(): void;
  readonly closed: boolean;
}

export function followFile(path: string, options: FollowOptions = {}): FileFollower {
  return new Follower(path, options);
}

class Follower implements FileFollower {
  private offset: number;
  private readonly chunkSize: number;
  private readonly useWatch: boolean;
  private readonly timer: NodeJS.Timeout;
  private readonly signal: AbortSignal | undefined;
  private watcher: FSWatcher | undefined;
  /** Something may have changed since the last read. */
  private dirty = true;
  private wake: (() => void) | undefined;
  private iterator: AsyncGenerator<FileChunk> | undefined;
  private isClosed = false;

  constructor(
    private readonly path: string,
    options: FollowOptions,
  ) {
    this.offset = options.offset ?? 0;
    this.chunkSize = Math.max(1, options.chunkSize ?? MAX_READ_LENGTH);
    this.useWatch = options.watch ?? true;
    this.timer = setInterval(() => this.changed(), options.pollIntervalMs ?? 1000);
    // A follower nobody reads from must not keep the daemon alive.
    this.timer.unref();
    this.signal = options.signal;
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (this.signal?.aborted) this.close();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  [Symbol.asyncIterator](): AsyncIterator<FileChunk> {
    // One reader: every call hands out the same iteration.
    this.iterator ??= this.chunks();
    return this.iterator;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.changed();
  }

  private readonly onAbort = (): void => this.close();

  private changed(): void {
    this.dirty = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async *chunks(): AsyncGenerator<FileChunk> {
    try {
      while (!this.isClosed) {
        if (!this.dirty) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          continue;
        }
        // Cleared before reading, so a change reported during the read is not lost.
        this.dirty = false;
        const chunk = await this.readMore();
        if (chunk === undefined || this.isClosed) continue;
        // A chunk is capped: there may be more right away.
        this.dirty = true;
        yield chunk;
      }
    } finally {
      this.close();
    }
  }

  private async readMore(): Promise<FileChunk | undefined> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      // Not created yet (or rotated away): the poll looks again.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      this.startWatching();
      if (this.offset === -1) this.offset = size;
      // Truncated: start over from the beginning, as tail -F does.
      if (size < this.offset) this.offset = 0;
      if (size === this.offset) return undefined;
      const buffer = Buffer.alloc(Math.min(size - this.offset, this.chunkSize));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      if (bytesRead === 0) return undefined;
      const chunk = { offset: this.offset, data: buffer.subarray(0, bytesRead) };
      this.offset += bytesRead;
      return chunk;
    } finally {
      await handle.close();
    }
  }

  private startWatching(): void {
    if (!this.useWatch || this.watcher !== undefined || this.isClosed) return;
    try {
      const watcher = watch(this.path, { persistent: false }, (event) => {
        this.changed();
        // After a rename the watch follows the old file; watch the path afresh on the next read.
        if (event === 'rename') this.stopWatching(watcher);
      });
      watcher.on('error', () => this.stopWatching(watcher));
      this.watcher = watcher;
    } catch {
      // Watching is an optimisation: the poll still sees every change.
    }
  }

  private stopWatching(watcher: FSWatcher): void {
    watcher.close();
    if (this.watcher === watcher) this.watcher = undefined;
  }
}
