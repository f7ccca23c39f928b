import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_READ_LENGTH } from '@mesolite/daemon/agent/files/read-file-page';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FilesFixture, filesFixture, filesUrl } from './files-fixture.js';

describe('GET /files/read', () => {
  let f: FilesFixture;
  let stdout: string;
  beforeEach(async () => {
    f = await filesFixture();
    stdout = join(f.sandbox, 'stdout');
    await writeFile(stdout, '0123456789');
  });
  afterEach(async () => {
    await f.close();
  });

  const read = (extra: string, path = stdout) =>
    f.app.inject({ method: 'GET', url: filesUrl('read', path, extra) });

  it('reads length bytes from offset as {data, offset}', async () => {
    const response = await read('&offset=2&length=3');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toBe('{"data":"234","offset":2}');
  });

  it('reads to the end without a length', async () => {
    expect((await read('&offset=7')).json()).toEqual({ data: '789', offset: 7 });
  });

  it('reads to the end with length=-1, as the web UI sends it', async () => {
    expect((await read('&offset=7&length=-1')).json()).toEqual({ data: '789', offset: 7 });
  });

  it("answers the file's size for offset=-1", async () => {
    expect((await read('&offset=-1')).json()).toEqual({ data: '', offset: 10 });
  });

  it("answers the file's size when no offset is given, as Mesos does", async () => {
    expect((await read('')).json()).toEqual({ data: '', offset: 10 });
  });

  it('answers nothing past the end, at the offset asked', async () => {
    expect((await read('&offset=50')).json()).toEqual({ data: '', offset: 50 });
  });

  it('answers nothing for length=0', async () => {
    expect((await read('&offset=0&length=0')).json()).toEqual({ data: '', offset: 0 });
  });

  it(`caps a read at ${MAX_READ_LENGTH} bytes`, async () => {
    await writeFile(stdout, 'x'.repeat(MAX_READ_LENGTH * 2));
    const { data } = (await read('&offset=0&length=1000000')).json();
    expect(data).toHaveLength(MAX_READ_LENGTH);
  });

  it('reads through runs/latest', async () => {
    const response = await read(
      '&offset=0',
      '/frameworks/fw-1/executors/task-1/runs/latest/stdout',
    );
    expect(response.json()).toEqual({ data: '0123456789', offset: 0 });
  });

  it('accepts a file:// path, as Mesos does', async () => {
    expect((await read('&offset=0&length=1', `file://${stdout}`)).json()).toEqual({
      data: '0',
      offset: 0,
    });
  });

  it("refuses an offset that is not a number with Mesos's message", async () => {
    const response = await read('&offset=abc');
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe("Failed to parse offset: Failed to convert 'abc' to number.\n");
  });

  it("refuses an offset below -1 with Mesos's message", async () => {
    const response = await read('&offset=-2');
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe('Negative offset provided: -2.\n');
  });

  it("refuses a length below -1 with Mesos's message", async () => {
    const response = await read('&offset=0&length=-5');
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe('Negative length provided: -5.\n');
  });

  it('refuses a length that is not a number', async () => {
    const response = await read('&offset=0&length=1.5');
    expect(response.body).toBe("Failed to parse length: Failed to convert '1.5' to number.\n");
  });

  it('refuses to read without a path', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/files/read?offset=0' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe("Expecting 'path=value' in query.\n");
  });

  it('refuses to read a directory', async () => {
    await mkdir(join(f.sandbox, 'sub'));
    const response = await read('&offset=0', join(f.sandbox, 'sub'));
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe('Cannot read a directory.\n');
  });

  it('refuses to read a FIFO instead of hanging on it', async () => {
    const fifo = join(f.sandbox, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const response = await read('&offset=0', fifo);
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/not a regular file/);
  });

  it('answers 404 for a file that is not there', async () => {
    expect((await read('&offset=0', join(f.sandbox, 'stderr'))).statusCode).toBe(404);
  });

  it('answers with JSONP when asked', async () => {
    const response = await read('&offset=0&length=1&jsonp=ui.cb');
    expect(response.body).toBe('ui.cb({"data":"0","offset":0})');
  });
});
