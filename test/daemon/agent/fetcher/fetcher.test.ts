import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fetchUris } from '@mesolite/daemon/agent/fetcher/fetcher';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FileServer,
  makeScratch,
  type Scratch,
  startFileServer,
  tar,
  writeLink,
  writeTree,
  zip,
} from './fixtures.js';

let scratch: Scratch;
let server: FileServer;

beforeEach(async () => {
  scratch = await makeScratch();
  server = await startFileServer({ '/hello.txt': 'hello\n', '/run.sh': '#!/bin/sh\necho ran\n' });
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

describe('fetching into the sandbox', () => {
  it('downloads an http URI under its basename', async () => {
    await fetchUris([{ value: `${server.url}/hello.txt` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await readFile(join(scratch.sandbox, 'hello.txt'), 'utf8')).toBe('hello\n');
  });

  it('copies a file:// URI', async () => {
    await writeFile(join(scratch.work, 'local.txt'), 'local\n');
    await fetchUris([{ value: `file://${scratch.work}/local.txt` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await readFile(join(scratch.sandbox, 'local.txt'), 'utf8')).toBe('local\n');
  });

  it('copies a plain absolute path', async () => {
    await writeFile(join(scratch.work, 'plain.txt'), 'plain\n');
    await fetchUris([{ value: join(scratch.work, 'plain.txt') }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await readFile(join(scratch.sandbox, 'plain.txt'), 'utf8')).toBe('plain\n');
  });

  it('names the copy by output_file, creating its directories', async () => {
    await fetchUris(
      [{ value: `${server.url}/hello.txt?version=2`, output_file: 'conf/greeting.txt' }],
      scratch.sandbox,
      { cacheDir: scratch.cacheDir },
    );
    expect(await readFile(join(scratch.sandbox, 'conf/greeting.txt'), 'utf8')).toBe('hello\n');
  });

  it('keeps the query string in the name when there is no output_file, as Mesos does', async () => {
    await fetchUris([{ value: `${server.url}/hello.txt?v=1` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await exists(join(scratch.sandbox, 'hello.txt?v=1'))).toBe(true);
  });

  it('makes an executable URI mode 0755', async () => {
    await fetchUris([{ value: `${server.url}/run.sh`, executable: true }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect((await stat(join(scratch.sandbox, 'run.sh'))).mode & 0o777).toBe(0o755);
  });

  it('leaves fetched files not executable by default', async () => {
    await fetchUris([{ value: `${server.url}/run.sh` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect((await stat(join(scratch.sandbox, 'run.sh'))).mode & 0o111).toBe(0);
  });

  it('fetches the URIs in order and reports each', async () => {
    const fetched = await fetchUris(
      [{ value: `${server.url}/hello.txt` }, { value: `${server.url}/run.sh` }],
      scratch.sandbox,
      { cacheDir: scratch.cacheDir },
    );
    expect(fetched).toEqual([
      {
        uri: `${server.url}/hello.txt`,
        path: join(scratch.sandbox, 'hello.txt'),
        extracted: false,
        cache: 'bypassed',
      },
      {
        uri: `${server.url}/run.sh`,
        path: join(scratch.sandbox, 'run.sh'),
        extracted: false,
        cache: 'bypassed',
      },
    ]);
  });

  it('follows redirects', async () => {
    server.route('/old', (_req, res) => res.writeHead(302, { location: '/older' }).end());
    server.route('/older', (_req, res) =>
      res.writeHead(301, { location: `${server.url}/hello.txt` }).end(),
    );
    await fetchUris([{ value: `${server.url}/old`, output_file: 'moved.txt' }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await readFile(join(scratch.sandbox, 'moved.txt'), 'utf8')).toBe('hello\n');
  });

  it("writes Mesos's fetcher log lines to the sandbox's stderr", async () => {
    const uri = `${server.url}/hello.txt`;
    await fetchUris([{ value: uri }], scratch.sandbox, { cacheDir: scratch.cacheDir });
    const log = await readFile(join(scratch.sandbox, 'stderr'), 'utf8');
    expect(log).toMatch(/^I\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ fetcher\] Fetching URI '/m);
    expect(log).toContain(`Fetching URI '${uri}'`);
    expect(log).toContain(`Fetched '${uri}' to '${join(scratch.sandbox, 'hello.txt')}'`);
    expect(log).toContain(`Successfully fetched all URIs into '${scratch.sandbox}'`);
  });
});

describe('extraction', () => {
  const formats: Array<[string, string[]]> = [
    ['app.tar', ['-cf']],
    ['app.tgz', ['-czf']],
    ['app.tar.gz', ['-czf']],
    ['app.tbz2', ['-cjf']],
    ['app.tar.bz2', ['-cjf']],
    ['app.txz', ['-cJf']],
    ['app.tar.xz', ['-cJf']],
  ];

  it.each(formats)('extracts %s into the sandbox and keeps the archive', async (name, flags) => {
    await writeTree(join(scratch.work, 'tree'), {
      'app/bin/start': 'start\n',
      'app/README': 'r\n',
    });
    tar(join(scratch.work, 'tree'), [...flags, join(scratch.work, name), 'app']);
    server.route(`/${name}`, await readFile(join(scratch.work, name)));
    await fetchUris([{ value: `${server.url}/${name}` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await readFile(join(scratch.sandbox, 'app/bin/start'), 'utf8')).toBe('start\n');
    expect(await exists(join(scratch.sandbox, name))).toBe(true);
  });

  it('extracts a .zip into the sandbox and keeps the archive', async () => {
    await writeTree(join(scratch.work, 'tree'), { 'site/index.html': '<p>hi</p>' });
    zip(join(scratch.work, 'tree'), ['-r', join(scratch.work, 'site.zip'), 'site']);
    server.route('/site.zip', await readFile(join(scratch.work, 'site.zip')));
    await fetchUris([{ value: `${server.url}/site.zip` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await readFile(join(scratch.sandbox, 'site/index.html'), 'utf8')).toBe('<p>hi</p>');
    expect(await exists(join(scratch.sandbox, 'site.zip'))).toBe(true);
  });

  it('gunzips a single .gz file next to it', async () => {
    server.route('/data.csv.gz', gzipSync('a,b\n1,2\n'));
    await fetchUris([{ value: `${server.url}/data.csv.gz` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await readFile(join(scratch.sandbox, 'data.csv'), 'utf8')).toBe('a,b\n1,2\n');
  });

  it('recognises the archive by output_file when the URL has none', async () => {
    await writeTree(join(scratch.work, 'tree'), { 'x/y.txt': 'y\n' });
    tar(join(scratch.work, 'tree'), ['-czf', join(scratch.work, 'x.tgz'), 'x']);
    server.route('/download', await readFile(join(scratch.work, 'x.tgz')));
    await fetchUris(
      [{ value: `${server.url}/download?id=7`, output_file: 'x.tgz' }],
      scratch.sandbox,
      { cacheDir: scratch.cacheDir },
    );
    expect(await readFile(join(scratch.sandbox, 'x/y.txt'), 'utf8')).toBe('y\n');
  });

  it('does not extract when extract is false', async () => {
    await writeTree(join(scratch.work, 'tree'), { 'x/y.txt': 'y\n' });
    tar(join(scratch.work, 'tree'), ['-czf', join(scratch.work, 'x.tgz'), 'x']);
    server.route('/x.tgz', await readFile(join(scratch.work, 'x.tgz')));
    await fetchUris([{ value: `${server.url}/x.tgz`, extract: false }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await exists(join(scratch.sandbox, 'x.tgz'))).toBe(true);
    expect(await exists(join(scratch.sandbox, 'x'))).toBe(false);
  });

  it('never extracts an executable URI', async () => {
    await writeTree(join(scratch.work, 'tree'), { 'x/y.txt': 'y\n' });
    tar(join(scratch.work, 'tree'), ['-czf', join(scratch.work, 'x.tgz'), 'x']);
    server.route('/x.tgz', await readFile(join(scratch.work, 'x.tgz')));
    await fetchUris([{ value: `${server.url}/x.tgz`, executable: true }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await exists(join(scratch.sandbox, 'x'))).toBe(false);
    expect((await stat(join(scratch.sandbox, 'x.tgz'))).mode & 0o777).toBe(0o755);
  });

  it('copies a file that is no archive and logs a warning, as Mesos does', async () => {
    await fetchUris([{ value: `${server.url}/hello.txt` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    const log = await readFile(join(scratch.sandbox, 'stderr'), 'utf8');
    expect(log).toMatch(
      /^W.* Copying instead of extracting resource from URI with 'extract' flag/m,
    );
  });

  it('logs what it extracted where', async () => {
    await writeTree(join(scratch.work, 'tree'), { 'x/y.txt': 'y\n' });
    tar(join(scratch.work, 'tree'), ['-czf', join(scratch.work, 'x.tgz'), 'x']);
    server.route('/x.tgz', await readFile(join(scratch.work, 'x.tgz')));
    await fetchUris([{ value: `${server.url}/x.tgz` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    const log = await readFile(join(scratch.sandbox, 'stderr'), 'utf8');
    expect(log).toContain(
      `Extracted '${join(scratch.sandbox, 'x.tgz')}' into '${scratch.sandbox}'`,
    );
  });

  it('keeps symlinks that stay inside the sandbox', async () => {
    await writeTree(join(scratch.work, 'tree'), { 'app/v1/run': 'v1\n' });
    await writeLink(join(scratch.work, 'tree'), 'app/current', 'v1');
    await writeLink(join(scratch.work, 'tree'), 'app/v1/again', '../../app/v1/run');
    tar(join(scratch.work, 'tree'), ['-czf', join(scratch.work, 'app.tgz'), 'app']);
    server.route('/app.tgz', await readFile(join(scratch.work, 'app.tgz')));
    await fetchUris([{ value: `${server.url}/app.tgz` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    });
    expect(await readFile(join(scratch.sandbox, 'app/current/run'), 'utf8')).toBe('v1\n');
    expect(await readFile(join(scratch.sandbox, 'app/v1/again'), 'utf8')).toBe('v1\n');
  });
});
