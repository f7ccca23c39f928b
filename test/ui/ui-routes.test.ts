import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uiRoutes } from '@mesolite/daemon/server/ui-routes';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** The static side of the UI, against a throwaway directory standing in for dist/ui. */
describe('uiRoutes', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-ui-'));
    app = Fastify();
    await app.register(uiRoutes({ directory: dir }));
  });
  afterEach(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 saying to run `npm run build` while the UI is not built', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build');
  });

  it('serves index.html at / and for client routes, and assets with their types', async () => {
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
    await writeFile(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(join(dir, 'assets', 'index-abc.css'), 'body{}');
    for (const url of ['/', '/ui/marathon', '/ui/cluster/deep/link']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain('id="app"');
    }
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await app.inject({ method: 'GET', url: '/assets/index-abc.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
    const outside = await app.inject({ method: 'GET', url: '/assets/..%2Findex.html' });
    expect(outside.statusCode).toBe(404);
  });
});
