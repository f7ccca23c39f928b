import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { contentDisposition } from '@mesolite/daemon/agent/files/files-routes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FilesFixture, filesFixture, filesUrl } from './files-fixture.js';

describe('GET /files/download', () => {
  let f: FilesFixture;
  beforeEach(async () => {
    f = await filesFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  const download = (path: string) =>
    f.app.inject({ method: 'GET', url: filesUrl('download', path) });

  it('answers the raw bytes', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10]);
    await writeFile(join(f.sandbox, 'data.bin'), bytes);
    const response = await download(join(f.sandbox, 'data.bin'));
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(bytes)).toBe(true);
  });

  it('sends the file as an attachment named after it', async () => {
    await writeFile(join(f.sandbox, 'stdout'), 'hi');
    const response = await download(join(f.sandbox, 'stdout'));
    expect(response.headers['content-disposition']).toBe('attachment; filename=stdout');
  });

  it('sends application/octet-stream for a name without a known extension', async () => {
    await writeFile(join(f.sandbox, 'stdout'), 'hi');
    const response = await download(join(f.sandbox, 'stdout'));
    expect(response.headers['content-type']).toBe('application/octet-stream');
  });

  it("sends the extension's type from Mesos's table", async () => {
    await writeFile(join(f.sandbox, 'report.txt'), 'hi');
    const response = await download(join(f.sandbox, 'report.txt'));
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('sends the length and tells browsers not to sniff', async () => {
    await writeFile(join(f.sandbox, 'page.html'), '<script>x</script>');
    const response = await download(join(f.sandbox, 'page.html'));
    expect(response.headers['content-length']).toBe('18');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends an empty file', async () => {
    await writeFile(join(f.sandbox, 'stderr'), '');
    const response = await download(join(f.sandbox, 'stderr'));
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
  });

  it('quotes a name a bare header could not carry', async () => {
    await writeFile(join(f.sandbox, 'my report é.log'), 'x');
    const response = await download(join(f.sandbox, 'my report é.log'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="my report _.log"; filename*=UTF-8''my%20report%20%C3%A9.log`,
    );
  });

  it('refuses a directory', async () => {
    await mkdir(join(f.sandbox, 'sub'));
    const response = await download(join(f.sandbox, 'sub'));
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe('Cannot download a directory.\n');
  });

  it('answers 404 for a file that is not there', async () => {
    expect((await download(join(f.sandbox, 'nothing'))).statusCode).toBe(404);
  });

  it('refuses a request without a path', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/files/download' });
    expect(response.statusCode).toBe(400);
  });
});

describe('contentDisposition', () => {
  it('writes a plain name as Mesos does', () => {
    expect(contentDisposition('stdout.log')).toBe('attachment; filename=stdout.log');
  });

  it('escapes quotes in the fallback name', () => {
    expect(contentDisposition('a"b')).toBe(`attachment; filename="a_b"; filename*=UTF-8''a%22b`);
  });
});
