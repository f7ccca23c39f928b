import { access, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchUris } from '@mesolite/daemon/agent/fetcher/fetcher';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FileServer,
  makeScratch,
  type Scratch,
  startFileServer,
  tar,
  writeTree,
} from './fixtures.js';

let scratch: Scratch;
let server: FileServer;

beforeEach(async () => {
  scratch = await makeScratch();
  server = await startFileServer({ '/tool.sh': '#!/bin/sh\necho tool\n' });
});

afterEach(async () => {
  await server.close();
  await scratch.remove();
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function makeTarball(): Promise<void> {
  await writeTree(join(scratch.work, 'tree'), { 'pkg/lib.txt': 'lib\n' });
  tar(join(scratch.work, 'tree'), ['-czf', join(scratch.work, 'pkg.tgz'), 'pkg']);
  server.route('/pkg.tgz', await readFile(join(scratch.work, 'pkg.tgz')));
}

describe('the fetcher cache', () => {
  it('downloads a cached URI once and serves later tasks from the cache', async () => {
    const uri = { value: `${server.url}/tool.sh`, cache: true };
    const first = await fetchUris([uri], join(scratch.root, 'task1'), {
      cacheDir: scratch.cacheDir,
    });
    const second = await fetchUris([uri], join(scratch.root, 'task2'), {
      cacheDir: scratch.cacheDir,
    });
    expect(server.count('/tool.sh')).toBe(1);
    expect(first[0]?.cache).toBe('downloaded');
    expect(second[0]?.cache).toBe('hit');
    expect(await readFile(join(scratch.root, 'task2/tool.sh'), 'utf8')).toBe(
      '#!/bin/sh\necho tool\n',
    );
  });

  it('downloads a URI without cache every time', async () => {
    const uri = { value: `${server.url}/tool.sh` };
    await fetchUris([uri], join(scratch.root, 'task1'), { cacheDir: scratch.cacheDir });
    await fetchUris([uri], join(scratch.root, 'task2'), { cacheDir: scratch.cacheDir });
    expect(server.count('/tool.sh')).toBe(2);
  });

  it('downloads once when tasks fetch the same cached URI at the same time', async () => {
    // Hold the response until every fetch has asked, so that they really overlap.
    const waiting: Array<() => void> = [];
    server.route('/big.bin', (_req, res) => {
      waiting.push(() => res.writeHead(200).end('big'));
    });
    const uri = { value: `${server.url}/big.bin`, cache: true };
    const fetches = [1, 2, 3, 4].map((n) =>
      fetchUris([uri], join(scratch.root, `task${n}`), { cacheDir: scratch.cacheDir }),
    );
    while (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const release of waiting) release();
    await Promise.all(fetches);
    expect(server.count('/big.bin')).toBe(1);
    for (const n of [1, 2, 3, 4]) {
      expect(await readFile(join(scratch.root, `task${n}/big.bin`), 'utf8')).toBe('big');
    }
  });

  it('lets one task give up on a shared download without failing the others', async () => {
    const waiting: Array<() => void> = [];
    server.route('/big.bin', (_req, res) => {
      waiting.push(() => res.writeHead(200).end('big'));
    });
    const uri = { value: `${server.url}/big.bin`, cache: true };
    const quitter = new AbortController();
    const abandoned = fetchUris([uri], join(scratch.root, 'quitter'), {
      cacheDir: scratch.cacheDir,
      signal: quitter.signal,
    });
    const patient = fetchUris([uri], join(scratch.root, 'patient'), { cacheDir: scratch.cacheDir });
    while (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // Both fetches join the one download only once each has prepared its sandbox.
    await new Promise((resolve) => setTimeout(resolve, 200));
    quitter.abort();
    await expect(abandoned).rejects.toMatchObject({ code: 'MESOLITE_ERR_FETCH_FAILED' });
    for (const release of waiting.splice(0)) release();
    await patient;
    expect(await readFile(join(scratch.root, 'patient/big.bin'), 'utf8')).toBe('big');
    expect(server.count('/big.bin')).toBe(1);
  });

  it('keeps only complete files in the cache directory', async () => {
    await fetchUris([{ value: `${server.url}/tool.sh`, cache: true }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    const files = await readdir(scratch.cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{32}-tool\.sh$/);
  });

  it('does not cache a failed download, so a later fetch tries again', async () => {
    const uri = { value: `${server.url}/later.txt`, cache: true };
    await expect(
      fetchUris([uri], join(scratch.root, 't1'), { cacheDir: scratch.cacheDir }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_FAILED',
    });
    server.route('/later.txt', 'now here');
    await fetchUris([uri], join(scratch.root, 't2'), { cacheDir: scratch.cacheDir });
    expect(await readFile(join(scratch.root, 't2/later.txt'), 'utf8')).toBe('now here');
    expect(server.count('/later.txt')).toBe(2);
  });

  it('extracts a cached archive straight from the cache, without a copy of the archive', async () => {
    await makeTarball();
    await fetchUris([{ value: `${server.url}/pkg.tgz`, cache: true }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await readFile(join(scratch.sandbox, 'pkg/lib.txt'), 'utf8')).toBe('lib\n');
    expect(await exists(join(scratch.sandbox, 'pkg.tgz'))).toBe(false);
  });

  it('copies a cached executable and makes only the copy executable', async () => {
    await fetchUris(
      [{ value: `${server.url}/tool.sh`, cache: true, executable: true }],
      scratch.sandbox,
      {
        cacheDir: scratch.cacheDir,
      },
    );
    expect((await stat(join(scratch.sandbox, 'tool.sh'))).mode & 0o777).toBe(0o755);
    const [cached] = await readdir(scratch.cacheDir);
    expect((await stat(join(scratch.cacheDir, cached ?? ''))).mode & 0o111).toBe(0);
  });

  it('keeps a separate cache entry per user, as Mesos does', async () => {
    const uri = { value: `${server.url}/tool.sh`, cache: true };
    await fetchUris([uri], join(scratch.root, 't1'), { cacheDir: scratch.cacheDir, user: 'root' });
    await fetchUris([uri], join(scratch.root, 't2'), {
      cacheDir: scratch.cacheDir,
      user: 'nobody',
    });
    await fetchUris([uri], join(scratch.root, 't3'), { cacheDir: scratch.cacheDir, user: 'root' });
    expect(server.count('/tool.sh')).toBe(2);
  });

  it('logs that the URI came from the cache', async () => {
    const uri = `${server.url}/tool.sh`;
    await fetchUris([{ value: uri, cache: true }], scratch.sandbox, { cacheDir: scratch.cacheDir });
    const log = await readFile(join(scratch.sandbox, 'stderr'), 'utf8');
    expect(log).toContain(`Fetching URI '${uri}' from cache`);
  });
});
