import { execFileSync } from 'node:child_process';
import { access, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchUris } from '@mesolite/daemon/agent/fetcher/fetcher';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasOpenssl, selfSignedCertificate } from '../health/self-signed.js';
import {
  closedPort,
  type FileServer,
  makeScratch,
  type Scratch,
  startFileServer,
} from './fixtures.js';

let scratch: Scratch;
let server: FileServer;

beforeEach(async () => {
  scratch = await makeScratch();
  server = await startFileServer({ '/hello.txt': 'hello\n' });
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

describe('fetch failures', () => {
  it('rejects a 404 with the URI and the HTTP status', async () => {
    const uri = `${server.url}/missing.tgz`;
    await expect(
      fetchUris([{ value: uri }], scratch.sandbox, { cacheDir: scratch.cacheDir }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_FAILED',
      message: `Failed to fetch '${uri}': Error downloading resource, received HTTP return code 404 Not Found`,
    });
  });

  it('leaves no partial file in the sandbox after a failed download', async () => {
    await fetchUris([{ value: `${server.url}/missing.txt` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    }).catch(() => undefined);
    expect(await exists(join(scratch.sandbox, 'missing.txt'))).toBe(false);
  });

  it('rejects a refused connection with the URI and the reason', async () => {
    const uri = `http://127.0.0.1:${await closedPort()}/app.tgz`;
    await expect(
      fetchUris([{ value: uri }], scratch.sandbox, { cacheDir: scratch.cacheDir }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_FAILED',
      message: expect.stringMatching(new RegExp(`^Failed to fetch '${uri}': .*ECONNREFUSED`)),
    });
  });

  it('rejects a local file that does not exist', async () => {
    const path = join(scratch.work, 'nope.txt');
    await expect(
      fetchUris([{ value: path }], scratch.sandbox, { cacheDir: scratch.cacheDir }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_FAILED',
      message: `Failed to fetch '${path}': Failed to copy '${path}': '${path}' does not exist`,
    });
  });

  it('rejects a redirect loop after a bounded number of redirects', async () => {
    server.route('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
    await expect(
      fetchUris([{ value: `${server.url}/loop`, output_file: 'x' }], scratch.sandbox, {
        cacheDir: scratch.cacheDir,
      }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_FAILED',
      message: expect.stringContaining('too many redirects (more than 10)'),
    });
    expect(server.count('/loop')).toBe(11);
  });

  it('rejects an unsupported scheme before fetching anything', async () => {
    await expect(
      fetchUris(
        [{ value: `${server.url}/hello.txt` }, { value: 'ftp://example.com/a.tgz' }],
        scratch.sandbox,
        {
          cacheDir: scratch.cacheDir,
        },
      ),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_INVALID_URI',
      message: expect.stringContaining(
        "Cannot fetch 'ftp://example.com/a.tgz': unsupported scheme 'ftp'",
      ),
    });
    expect(server.count('/hello.txt')).toBe(0);
  });

  it('rejects a relative local path', async () => {
    await expect(
      fetchUris([{ value: 'app.tgz' }], scratch.sandbox, { cacheDir: scratch.cacheDir }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_INVALID_URI',
      message: expect.stringContaining("Cannot fetch 'app.tgz': a relative path"),
    });
  });

  it('rejects a URL that names no file without output_file', async () => {
    await expect(
      fetchUris([{ value: `${server.url}/` }], scratch.sandbox, { cacheDir: scratch.cacheDir }),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_FETCH_INVALID_URI' });
  });

  it('rejects an output_file that leaves the sandbox', async () => {
    await expect(
      fetchUris(
        [{ value: `${server.url}/hello.txt`, output_file: '../outside.txt' }],
        scratch.sandbox,
        {
          cacheDir: scratch.cacheDir,
        },
      ),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_INVALID_URI',
      message: expect.stringContaining(
        "output_file '../outside.txt' must name a file inside the sandbox",
      ),
    });
    expect(await exists(join(scratch.root, 'outside.txt'))).toBe(false);
  });

  it('rejects an absolute output_file', async () => {
    await expect(
      fetchUris(
        [{ value: `${server.url}/hello.txt`, output_file: '/tmp/x.txt' }],
        scratch.sandbox,
        {
          cacheDir: scratch.cacheDir,
        },
      ),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_INVALID_URI',
      message: expect.stringContaining('must be a path relative to the sandbox directory'),
    });
  });

  it('rejects an output_file whose directory is a symlink leading out of the sandbox', async () => {
    await symlink(scratch.work, join(scratch.sandbox, 'out'));
    await expect(
      fetchUris([{ value: `${server.url}/hello.txt`, output_file: 'out/x.txt' }], scratch.sandbox, {
        cacheDir: scratch.cacheDir,
      }),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_FETCH_INVALID_URI' });
    expect(await readdir(scratch.work)).toEqual([]);
  });

  it('rejects a corrupt tarball with the URI and the reason', async () => {
    const uri = `${server.url}/broken.tgz`;
    server.route('/broken.tgz', 'this is not gzip data');
    await expect(
      fetchUris([{ value: uri }], scratch.sandbox, { cacheDir: scratch.cacheDir }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_EXTRACT_FAILED',
      message: expect.stringMatching(
        new RegExp(`^Failed to fetch '${uri}': cannot extract 'broken.tgz': .+`),
      ),
    });
  });

  it('rejects a corrupt zip', async () => {
    server.route('/broken.zip', 'PK this is no zip');
    await expect(
      fetchUris([{ value: `${server.url}/broken.zip` }], scratch.sandbox, {
        cacheDir: scratch.cacheDir,
      }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_EXTRACT_FAILED',
      message: expect.stringContaining('not a valid zip archive'),
    });
  });

  it('rejects a corrupt .gz file and leaves no half-written output', async () => {
    server.route('/data.csv.gz', 'not gzip');
    await expect(
      fetchUris([{ value: `${server.url}/data.csv.gz` }], scratch.sandbox, {
        cacheDir: scratch.cacheDir,
      }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_EXTRACT_FAILED',
      message: expect.stringContaining('gunzip failed'),
    });
    expect(await exists(join(scratch.sandbox, 'data.csv'))).toBe(false);
  });

  it('stops at the first failure and logs it to the sandbox stderr', async () => {
    const uri = `${server.url}/missing.txt`;
    await fetchUris([{ value: uri }, { value: `${server.url}/hello.txt` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
    }).catch(() => undefined);
    expect(server.count('/hello.txt')).toBe(0);
    const log = await readFile(join(scratch.sandbox, 'stderr'), 'utf8');
    expect(log).toMatch(new RegExp(`^E.* fetcher\\] Failed to fetch '${uri}': .*404`, 'm'));
  });

  it('gives up when the whole fetch exceeds timeoutMs', async () => {
    server.route('/slow', () => undefined);
    await expect(
      fetchUris([{ value: `${server.url}/slow` }], scratch.sandbox, {
        cacheDir: scratch.cacheDir,
        timeoutMs: 200,
      }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_TIMEOUT',
      message: `Failed to fetch '${server.url}/slow': the fetch did not finish within 0.2s`,
    });
  });

  it('gives up on a download that stalls', async () => {
    server.route('/stall', (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    await expect(
      fetchUris([{ value: `${server.url}/stall` }], scratch.sandbox, {
        cacheDir: scratch.cacheDir,
        stallTimeoutMs: 200,
      }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_TIMEOUT',
      message: expect.stringContaining('no data received for 0.2s, the download stalled'),
    });
  });

  it('stops when the caller cancels', async () => {
    server.route('/slow', () => undefined);
    const controller = new AbortController();
    const fetching = fetchUris([{ value: `${server.url}/slow` }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(fetching).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_FAILED',
      message: expect.stringContaining('the fetch was cancelled'),
    });
  });

  it('rejects a user that does not exist on the agent', async () => {
    await expect(
      fetchUris([{ value: `${server.url}/hello.txt` }], scratch.sandbox, {
        cacheDir: scratch.cacheDir,
        user: 'no-such-user-mesolite',
      }),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_USER',
      message: "Cannot fetch URIs for user 'no-such-user-mesolite': no such user on this agent",
    });
    expect(server.count('/hello.txt')).toBe(0);
  });
});

describe('https', () => {
  const openssl = hasOpenssl();

  it.skipIf(!openssl)('refuses a server whose certificate is not trusted', async () => {
    const tls = await selfSignedCertificate();
    const secure = await startFileServer({ '/hello.txt': 'secure\n' }, tls);
    try {
      await expect(
        fetchUris([{ value: `${secure.url}/hello.txt` }], scratch.sandbox, {
          cacheDir: scratch.cacheDir,
        }),
      ).rejects.toMatchObject({
        code: 'MESOLITE_ERR_FETCH_FAILED',
        message: expect.stringContaining('SELF_SIGNED_CERT'),
      });
    } finally {
      await secure.close();
    }
  });

  it.skipIf(!openssl)('downloads over https from a server signed by a CA it is given', async () => {
    const tls = await selfSignedCertificate();
    const secure = await startFileServer({ '/hello.txt': 'secure\n' }, tls);
    try {
      await fetchUris([{ value: `${secure.url}/hello.txt` }], scratch.sandbox, {
        cacheDir: scratch.cacheDir,
        ca: [tls.cert],
      });
      expect(await readFile(join(scratch.sandbox, 'hello.txt'), 'utf8')).toBe('secure\n');
    } finally {
      await secure.close();
    }
  });
});

describe('ownership', () => {
  const root = process.getuid?.() === 0;

  it.skipIf(!root)('hands the sandbox to the task user when the agent runs as root', async () => {
    const nobody = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    await writeFile(join(scratch.work, 'f.txt'), 'f');
    await fetchUris([{ value: join(scratch.work, 'f.txt') }], scratch.sandbox, {
      cacheDir: scratch.cacheDir,
      user: 'nobody',
    });
    expect((await stat(join(scratch.sandbox, 'f.txt'))).uid).toBe(nobody);
    expect((await stat(scratch.sandbox)).uid).toBe(nobody);
  });
});
