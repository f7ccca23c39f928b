import { chmod, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FilesFixture, filesFixture, filesUrl } from './files-fixture.js';

describe('GET /files/browse', () => {
  let f: FilesFixture;
  beforeEach(async () => {
    f = await filesFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  const browse = (path: string) => f.app.inject({ method: 'GET', url: filesUrl('browse', path) });

  it("lists a sandbox's entries with Mesos's fields", async () => {
    const stdout = join(f.sandbox, 'stdout');
    await writeFile(stdout, 'hello\n');
    await chmod(stdout, 0o644);
    await utimes(stdout, 1_700_000_000.9, 1_700_000_000.9);
    const response = await browse(f.sandbox);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual([
      {
        path: `${f.sandbox}/stdout`,
        nlink: 1,
        size: 6,
        mtime: 1_700_000_000,
        mode: '-rw-r--r--',
        uid: userInfo().username,
        gid: expect.any(String),
      },
    ]);
  });

  it('shows directories with a "d" and their permissions', async () => {
    await mkdir(join(f.sandbox, 'sub'));
    await chmod(join(f.sandbox, 'sub'), 0o750);
    const [entry] = (await browse(f.sandbox)).json();
    expect(entry.mode).toBe('drwxr-x---');
  });

  it('sorts entries by name', async () => {
    for (const name of ['stdout', 'a.txt', 'stderr']) await writeFile(join(f.sandbox, name), '');
    const paths = (await browse(f.sandbox)).json().map((entry: { path: string }) => entry.path);
    expect(paths).toEqual(['a.txt', 'stderr', 'stdout'].map((name) => `${f.sandbox}/${name}`));
  });

  it('answers [] for a file', async () => {
    await writeFile(join(f.sandbox, 'stdout'), 'x');
    const response = await browse(join(f.sandbox, 'stdout'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
  });

  it('names entries by the virtual path browsed: runs/latest', async () => {
    await writeFile(join(f.sandbox, 'stdout'), 'x');
    const latest = join(f.sandbox, '..', 'latest');
    const [entry] = (await browse(latest)).json();
    expect(entry.path).toBe(`${latest}/stdout`);
  });

  it('serves the short /frameworks/<fw>/executors/<ex>/runs/latest form', async () => {
    await writeFile(join(f.sandbox, 'stdout'), 'x');
    const [entry] = (await browse('/frameworks/fw-1/executors/task-1/runs/latest/')).json();
    expect(entry.path).toBe('/frameworks/fw-1/executors/task-1/runs/latest/stdout');
  });

  it('lists a subdirectory', async () => {
    await mkdir(join(f.sandbox, 'sub'));
    await writeFile(join(f.sandbox, 'sub', 'inner'), 'x');
    const [entry] = (await browse(join(f.sandbox, 'sub'))).json();
    expect(entry.path).toBe(`${f.sandbox}/sub/inner`);
  });

  it('leaves out a dangling symlink, as Mesos does', async () => {
    await symlink(join(f.sandbox, 'nowhere'), join(f.sandbox, 'dangling'));
    expect((await browse(f.sandbox)).json()).toEqual([]);
  });

  it('lists a symlink leading out of the sandbox as the link, not its target', async () => {
    await symlink('/etc/passwd', join(f.sandbox, 'passwd'));
    const [entry] = (await browse(f.sandbox)).json();
    expect(entry.mode).toBe('lrwxrwxrwx');
  });

  it('lists a symlink inside the sandbox as what it points at', async () => {
    await writeFile(join(f.sandbox, 'stdout'), 'abc');
    await symlink(join(f.sandbox, 'stdout'), join(f.sandbox, 'out'));
    const entries = (await browse(f.sandbox)).json();
    expect(entries[0]).toMatchObject({ path: `${f.sandbox}/out`, size: 3, mode: '-rw-r--r--' });
  });

  it("answers 400 with Mesos's message without a path", async () => {
    const response = await f.app.inject({ method: 'GET', url: '/files/browse' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toBe("Expecting 'path=value' in query.\n");
  });

  it('answers 400 for an empty path', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/files/browse?path=' });
    expect(response.statusCode).toBe(400);
  });

  it('answers 404 for a path under no sandbox', async () => {
    const response = await browse('/etc');
    expect(response.statusCode).toBe(404);
  });

  it('answers 404 for a directory that does not exist in the sandbox', async () => {
    expect((await browse(join(f.sandbox, 'missing'))).statusCode).toBe(404);
  });

  it('answers 400 for a path that climbs out with ..', async () => {
    const response = await browse(`${f.sandbox}/../../..`);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(/is inaccessible\.\n$/);
  });

  it('answers 400 for a symlinked directory leading out of the sandbox', async () => {
    await symlink('/etc', join(f.sandbox, 'etc'));
    expect((await browse(join(f.sandbox, 'etc'))).statusCode).toBe(400);
  });

  it('answers with JSONP when asked', async () => {
    const response = await f.app.inject({
      method: 'GET',
      url: filesUrl('browse', f.sandbox, '&jsonp=cb'),
    });
    expect(response.headers['content-type']).toMatch(/^text\/javascript/);
    expect(response.body).toBe('cb([])');
  });

  it('refuses a JSONP callback that is not a name', async () => {
    const response = await f.app.inject({
      method: 'GET',
      url: filesUrl('browse', f.sandbox, `&jsonp=${encodeURIComponent('alert(1)//')}`),
    });
    expect(response.statusCode).toBe(400);
  });
});
