import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PluginUiSource, pluginUiRoutes } from '@mesolite/daemon/server/plugin-ui-routes';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const FIXTURE = join(import.meta.dirname, 'fixtures/page-plugin');

/** Serving plugins' UI modules, against the fixture plugin's package on disk. */
describe('pluginUiRoutes', () => {
  let app: FastifyInstance;
  let plugins: Record<string, PluginUiSource>;
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'mesolite-plugin-ui-'));
    plugins = { 'fixture-page': { dir: FIXTURE, ui: 'ui/page.js' } };
    app = Fastify();
    await app.register(pluginUiRoutes((name) => plugins[name]));
  });
  afterEach(async () => {
    await app.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('redirects ui.js to the module inside ui/, so its relative imports resolve', async () => {
    const response = await app.inject({ url: '/mesolite/v1/plugins/fixture-page/ui.js' });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/mesolite/v1/plugins/fixture-page/ui/page.js');
  });

  it('serves the module and the files next to it as JavaScript', async () => {
    for (const file of ['page.js', 'heading.js']) {
      const response = await app.inject({ url: `/mesolite/v1/plugins/fixture-page/ui/${file}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    }
  });

  it('serves nothing outside the directory of the declared module', async () => {
    for (const rest of ['..%2Fsecret.txt', '..%2Fpackage.json', '%2Fetc%2Fpasswd', '']) {
      const response = await app.inject({ url: `/mesolite/v1/plugins/fixture-page/ui/${rest}` });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('MESOLITE_ERR_PLUGIN_UI_OUTSIDE_PACKAGE');
    }
  });

  it('does not follow a symlink out of the module’s directory', async () => {
    await writeFile(join(scratch, 'package.json'), '{}');
    await writeFile(join(scratch, 'page.js'), 'export function mount() {}');
    await symlink('/etc', join(scratch, 'etc'));
    plugins.linked = { dir: scratch, ui: 'page.js' };
    const response = await app.inject({ url: '/mesolite/v1/plugins/linked/ui/etc/hostname' });
    expect(response.statusCode).toBe(404);
  });

  it('refuses a manifest whose ui module lies outside its package', async () => {
    plugins.escaping = { dir: join(FIXTURE, 'ui'), ui: '../plugin.js' };
    const response = await app.inject({ url: '/mesolite/v1/plugins/escaping/ui.js' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('MESOLITE_ERR_PLUGIN_UI_OUTSIDE_PACKAGE');
  });

  it('answers 404 naming the plugin when it has no ui module', async () => {
    plugins.plain = { dir: FIXTURE, ui: undefined };
    for (const name of ['plain', 'missing']) {
      const response = await app.inject({ url: `/mesolite/v1/plugins/${name}/ui.js` });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({
        code: 'MESOLITE_ERR_NO_PLUGIN_UI',
        message: expect.stringContaining(`"${name}"`),
      });
    }
  });
});
