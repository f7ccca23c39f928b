/** `POST /mesolite/v1/images` refuses what it cannot use and keeps nothing of it. */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@mesolite/daemon';
import { imagesRoutes } from '@mesolite/daemon/master/http/images-endpoint';
import { buildServer, type MesoliteServer } from '@mesolite/daemon/server/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

describe('the images endpoint', () => {
  let daemon: TestDaemon;
  let server: MesoliteServer;
  let workDir: string;

  beforeAll(async () => {
    daemon = await startTestDaemon();
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-images-endpoint-'));
    server = buildServer({ logger: createLogger('silent') });
    await server.register(imagesRoutes({ master: daemon.master, workDir, maxBytes: 1024 }));
    await server.ready();
  });

  afterAll(async () => {
    await server?.close();
    await daemon?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('refuses a tarball over the size limit with 413 and leaves no file behind', async () => {
    const answer = await server.inject({
      method: 'POST',
      url: '/mesolite/v1/images',
      headers: { 'content-type': 'application/x-tar' },
      payload: Buffer.alloc(4096),
    });
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toMatchObject({ code: 'MESOLITE_ERR_IMAGE_TOO_LARGE' });
    expect(await readdir(join(workDir, 'images'))).toEqual([]);
  });

  it('refuses a body that is not application/x-tar with 415', async () => {
    const answer = await server.inject({
      method: 'POST',
      url: '/mesolite/v1/images',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(answer.statusCode).toBe(415);
    expect(answer.json().message).toContain('docker save');
  });

  it('answers 404 for a tarball it does not have', async () => {
    const answer = await server.inject({ method: 'GET', url: '/mesolite/v1/images/x.tar' });
    expect(answer.statusCode).toBe(404);
  });

  it('lists no agents when none is connected', async () => {
    const answer = await server.inject({ method: 'GET', url: '/mesolite/v1/images' });
    expect(answer.json()).toEqual({ agents: [] });
  });
});
