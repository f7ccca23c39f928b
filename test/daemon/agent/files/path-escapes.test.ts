import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createSandbox } from '@mesolite/daemon/agent/sandbox/create-sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FilesFixture, filesFixture, filesUrl, IDS } from './files-fixture.js';

/** From a run directory, eight levels up is the work dir, where the secret is. */
const UP_TO_WORK_DIR = Array(8).fill('..').join('/');

/** Every way out of a sandbox that a request might try, and the answer each gets. */
describe('the files API keeps requests inside their sandbox', () => {
  let f: FilesFixture;
  let secret: string;
  beforeEach(async () => {
    f = await filesFixture();
    secret = join(f.workDir, 'secret.txt');
    await writeFile(secret, 'top secret');
    await writeFile(join(f.sandbox, 'stdout'), 'task output');
  });
  afterEach(async () => {
    await f.close();
  });

  const read = (path: string) =>
    f.app.inject({ method: 'GET', url: filesUrl('read', path, '&offset=0') });
  const readRaw = (query: string) => f.app.inject({ method: 'GET', url: `/files/read?${query}` });

  it('refuses ../ up to a file outside with 400', async () => {
    const response = await read(`${f.sandbox}/${UP_TO_WORK_DIR}/secret.txt`);
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('top secret');
  });

  it('refuses URL-encoded %2e%2e the same way', async () => {
    const response = await readRaw(`path=${f.sandbox}/${'%2e%2e/'.repeat(8)}secret.txt&offset=0`);
    expect(response.statusCode).toBe(400);
  });

  it('refuses %2F-encoded slashes around ..', async () => {
    const response = await readRaw(
      `path=${encodeURIComponent(f.sandbox)}%2F${'..%2F'.repeat(8)}secret.txt&offset=0`,
    );
    expect(response.statusCode).toBe(400);
  });

  it('refuses .. out of the short runs/latest form', async () => {
    const response = await read(
      '/frameworks/fw-1/executors/task-1/runs/latest/../../../../../etc/passwd',
    );
    expect(response.statusCode).toBe(400);
  });

  it('answers 400, not 404, for a climb to a path that does not exist', async () => {
    // A 404 here would tell a caller what exists outside the sandbox.
    const response = await read(`${f.sandbox}/../../../../../../no-such-file`);
    expect(response.statusCode).toBe(400);
  });

  it('answers 404 for an absolute path under no sandbox', async () => {
    expect((await read('/etc/passwd')).statusCode).toBe(404);
  });

  it('answers 404 for a relative path', async () => {
    expect((await read('etc/passwd')).statusCode).toBe(404);
  });

  it('reads a path with a doubled slash inside the sandbox', async () => {
    const response = await read(`${f.sandbox}//stdout`);
    expect(response.json()).toEqual({ data: 'task output', offset: 0 });
  });

  it('reads a path whose .. stays inside the sandbox', async () => {
    await mkdir(join(f.sandbox, 'sub'));
    const response = await read(`${f.sandbox}/sub/../stdout`);
    expect(response.json()).toEqual({ data: 'task output', offset: 0 });
  });

  it('refuses a symlink in the sandbox that points outside with 400', async () => {
    await symlink(secret, join(f.sandbox, 'innocent.log'));
    const response = await read(join(f.sandbox, 'innocent.log'));
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('top secret');
  });

  it('refuses a file under a symlinked directory that points outside', async () => {
    await symlink(f.workDir, join(f.sandbox, 'up'));
    expect((await read(join(f.sandbox, 'up', 'secret.txt'))).statusCode).toBe(400);
  });

  it('refuses a relative symlink that climbs out', async () => {
    await symlink('../../../../../../../../secret.txt', join(f.sandbox, 'rel'));
    expect((await read(join(f.sandbox, 'rel'))).statusCode).toBe(400);
  });

  it('refuses a symlinked directory followed by .., which resolves outside', async () => {
    await mkdir(join(f.workDir, 'outside', 'deep'), { recursive: true });
    await symlink(join(f.workDir, 'outside', 'deep'), join(f.sandbox, 'deep'));
    expect((await read(`${f.sandbox}/deep/../../secret.txt`)).statusCode).toBe(400);
  });

  it('reads a symlink that stays inside the sandbox', async () => {
    await symlink(join(f.sandbox, 'stdout'), join(f.sandbox, 'out'));
    expect((await read(join(f.sandbox, 'out'))).json()).toEqual({ data: 'task output', offset: 0 });
  });

  it('refuses to step into a sibling sandbox whose name starts the same', async () => {
    const sibling = await createSandbox(f.workDir, { ...IDS, containerId: 'run-10' });
    await writeFile(join(sibling, 'stdout'), 'other task');
    const response = await read(`${f.sandbox}/../run-10/stdout`);
    expect(response.statusCode).toBe(400);
  });

  it('refuses a path with a NUL byte with 400', async () => {
    const response = await readRaw(`path=${f.sandbox}/stdout%00.txt&offset=0`);
    expect(response.statusCode).toBe(400);
  });

  it('refuses a climb through download too', async () => {
    const response = await f.app.inject({
      method: 'GET',
      url: filesUrl('download', `${f.sandbox}/${UP_TO_WORK_DIR}/secret.txt`),
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('top secret');
  });

  it('refuses an outward symlink through download', async () => {
    await symlink(secret, join(f.sandbox, 'innocent.log'));
    const response = await f.app.inject({
      method: 'GET',
      url: filesUrl('download', join(f.sandbox, 'innocent.log')),
    });
    expect(response.statusCode).toBe(400);
  });

  it('reaches the run directory of the runs dir, not the runs dir, at runs/latest', async () => {
    const response = await read(`${join(dirname(f.sandbox), 'latest')}/stdout`);
    expect(response.json()).toEqual({ data: 'task output', offset: 0 });
  });
});
