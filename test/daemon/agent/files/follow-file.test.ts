import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FileChunk,
  type FileFollower,
  followFile,
} from '@mesolite/daemon/agent/files/follow-file';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** The next chunk, or a failure after `ms` so a broken follower cannot hang the suite. */
async function next(follower: FileFollower, ms = 5000): Promise<FileChunk | undefined> {
  const iterator = follower[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no chunk within ${ms} ms`)), ms);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    return result.done ? undefined : result.value;
  } finally {
    clearTimeout(timer);
  }
}

const text = (chunk: FileChunk | undefined) => chunk?.data.toString('utf8');

describe('followFile', () => {
  let dir: string;
  let file: string;
  let follower: FileFollower | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-follow-'));
    file = join(dir, 'stdout');
  });
  afterEach(async () => {
    follower?.close();
    follower = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('yields what the file already holds', async () => {
    await writeFile(file, 'hello\n');
    follower = followFile(file);
    expect(await next(follower)).toEqual({ offset: 0, data: Buffer.from('hello\n') });
  });

  it('yields what is appended later', async () => {
    await writeFile(file, 'a');
    follower = followFile(file);
    await next(follower);
    await appendFile(file, 'bc');
    expect(await next(follower)).toEqual({ offset: 1, data: Buffer.from('bc') });
  });

  it('starts at the offset given', async () => {
    await writeFile(file, '0123456789');
    follower = followFile(file, { offset: 7 });
    expect(text(await next(follower))).toBe('789');
  });

  it('starts at the end for offset -1', async () => {
    await writeFile(file, 'old');
    follower = followFile(file, { offset: -1 });
    const pending = next(follower);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await appendFile(file, 'new');
    expect(await pending).toEqual({ offset: 3, data: Buffer.from('new') });
  });

  it('splits large growth into chunks of at most chunkSize', async () => {
    await writeFile(file, 'abcdef');
    follower = followFile(file, { chunkSize: 4 });
    expect(text(await next(follower))).toBe('abcd');
    expect(await next(follower)).toEqual({ offset: 4, data: Buffer.from('ef') });
  });

  it('sees growth by polling alone when not watching', async () => {
    await writeFile(file, '');
    follower = followFile(file, { watch: false, pollIntervalMs: 20 });
    const pending = next(follower);
    await appendFile(file, 'polled');
    expect(text(await pending)).toBe('polled');
  });

  it('waits for a file that does not exist yet', async () => {
    follower = followFile(file, { pollIntervalMs: 20 });
    const pending = next(follower);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeFile(file, 'born');
    expect(text(await pending)).toBe('born');
  });

  it('starts over from the beginning when the file is truncated', async () => {
    await writeFile(file, 'long line\n');
    follower = followFile(file, { pollIntervalMs: 20 });
    await next(follower);
    await truncate(file, 0);
    await appendFile(file, 'new');
    const chunk = await next(follower);
    expect(chunk?.offset).toBe(0);
  });

  it('ends a pending iteration when closed', async () => {
    await writeFile(file, '');
    follower = followFile(file);
    const pending = next(follower);
    follower.close();
    expect(await pending).toBeUndefined();
    expect(follower.closed).toBe(true);
  });

  it('closes when its signal aborts', async () => {
    await writeFile(file, '');
    const controller = new AbortController();
    follower = followFile(file, { signal: controller.signal });
    const pending = next(follower);
    controller.abort();
    expect(await pending).toBeUndefined();
  });

  it('closes when the reader breaks out of its loop', async () => {
    await writeFile(file, 'x');
    follower = followFile(file);
    for await (const _chunk of follower) break;
    expect(follower.closed).toBe(true);
  });
});
