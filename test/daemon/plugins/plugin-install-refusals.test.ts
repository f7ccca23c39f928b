import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { pluginPackage, tarball, upload } from './support/plugin-packages.js';

const GOOD_ENTRY = `export async function activate(context) {
  context.http.get('/greeting', async () => ({ greeting: 'hi' }));
}
`;

const manifest = (overrides: Record<string, unknown> = {}) => ({
  name: 'greeter',
  displayName: 'Greeter',
  apiVersion: '1',
  entry: 'dist/index.js',
  ...overrides,
});

interface PluginList {
  plugins: Array<{ name: string; status: string; error?: string }>;
}

describe('installing a plugin at run time: broken packages', () => {
  let daemon: TestDaemon;
  beforeEach(async () => {
    daemon = await startTestDaemon();
  });
  afterEach(async () => {
    await daemon.stop();
  });

  async function installedDirs(): Promise<string[]> {
    return readdir(join(daemon.workDir, 'plugins')).catch(() => []);
  }

  async function list(): Promise<PluginList> {
    return (await (await fetch(`${daemon.url}/mesolite/v1/plugins`)).json()) as PluginList;
  }

  it('installs a good package and serves it at /service/<name>/ without a restart', async () => {
    const response = await upload(
      daemon.url,
      pluginPackage(manifest(), { 'dist/index.js': GOOD_ENTRY }),
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ name: 'greeter', status: 'active' });
    const greeting = await fetch(`${daemon.url}/service/greeter/greeting`);
    expect(await greeting.json()).toEqual({ greeting: 'hi' });
    expect(await installedDirs()).toEqual(['greeter']);
  });

  it('refuses a package with a ../ path and writes nothing', async () => {
    const tgz = tarball([
      { path: 'package/package.json', content: JSON.stringify({ mesolite: manifest() }) },
      { path: 'package/dist/index.js', content: GOOD_ENTRY },
      { path: 'package/../../escaped.js', content: 'export {}' },
    ]);
    const response = await upload(daemon.url, tgz);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('MESOLITE_ERR_PLUGIN_PACKAGE');
    expect(body.message).toContain('leads outside the package');
    expect(await installedDirs()).toEqual([]);
    expect(await readdir(join(daemon.workDir, 'plugins-staging'))).toEqual([]);
    expect(await readdir(daemon.workDir)).not.toContain('escaped.js');
  });

  it('refuses a package whose files are not under package/', async () => {
    const tgz = tarball([{ path: 'elsewhere/package.json', content: '{}' }]);
    const response = await upload(daemon.url, tgz);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(
      'is not under package/',
    );
  });

  it('refuses a body that is not a gzipped tarball', async () => {
    const response = await upload(daemon.url, Buffer.from('not a package'));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('MESOLITE_ERR_PLUGIN_PACKAGE');
  });

  it('refuses a package without a mesolite manifest, naming the problem', async () => {
    const response = await upload(daemon.url, pluginPackage(undefined));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('MESOLITE_ERR_PLUGIN_MANIFEST');
    expect(body.message).toContain('no "mesolite" field');
    expect(await installedDirs()).toEqual([]);
  });

  it('refuses a manifest whose entry is not in the package', async () => {
    const response = await upload(daemon.url, pluginPackage(manifest(), {}));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(
      'dist/index.js is not in the package',
    );
  });

  it('refuses a plugin written for another plugin API version, saying which', async () => {
    const response = await upload(
      daemon.url,
      pluginPackage(manifest({ apiVersion: '2.0.0' }), { 'dist/index.js': GOOD_ENTRY }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('MESOLITE_ERR_PLUGIN_API_VERSION');
    expect(body.message).toContain('plugin API 2.0.0');
    expect(await installedDirs()).toEqual([]);
  });

  it('marks a plugin that throws on activate as failed, with its reason, and keeps serving', async () => {
    await upload(daemon.url, pluginPackage(manifest(), { 'dist/index.js': GOOD_ENTRY }));
    const response = await upload(
      daemon.url,
      pluginPackage(manifest({ name: 'thrower', displayName: 'Thrower' }), {
        'dist/index.js': "export async function activate() { throw new Error('no database'); }",
      }),
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      name: 'thrower',
      status: 'failed',
      error: 'no database',
    });
    expect((await fetch(`${daemon.url}/service/thrower/x`)).status).toBe(503);
    expect((await fetch(`${daemon.url}/service/greeter/greeting`)).status).toBe(200);
    expect((await list()).plugins.find((p) => p.name === 'thrower')?.status).toBe('failed');
  });

  it('marks a plugin whose dependency is missing as failed, naming the dependency', async () => {
    const response = await upload(
      daemon.url,
      pluginPackage(manifest({ name: 'needy', displayName: 'Needy' }), {
        'dist/index.js': "import 'mesolite-no-such-package';\nexport async function activate() {}",
      }),
    );
    expect(response.status).toBe(201);
    const info = (await response.json()) as { status: string; error: string };
    expect(info.status).toBe('failed');
    expect(info.error).toContain('mesolite-no-such-package');
    expect((await fetch(`${daemon.url}/health`)).status).toBe(200);
  });

  it('refuses to install over a plugin of the same name: that is an upgrade', async () => {
    const tgz = pluginPackage(manifest(), { 'dist/index.js': GOOD_ENTRY });
    await upload(daemon.url, tgz);
    const again = await upload(daemon.url, tgz);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('MESOLITE_ERR_PLUGIN_EXISTS');
  });

  it('refuses an upgrade with a package of another plugin', async () => {
    await upload(daemon.url, pluginPackage(manifest(), { 'dist/index.js': GOOD_ENTRY }));
    const other = pluginPackage(manifest({ name: 'other' }), { 'dist/index.js': GOOD_ENTRY });
    const response = await upload(daemon.url, other, 'PUT', '/mesolite/v1/plugins/greeter');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe(
      'MESOLITE_ERR_PLUGIN_NAME_MISMATCH',
    );
    expect((await fetch(`${daemon.url}/service/greeter/greeting`)).status).toBe(200);
  });

  it('removes an installed plugin: it stops being served and its files are gone', async () => {
    await upload(daemon.url, pluginPackage(manifest(), { 'dist/index.js': GOOD_ENTRY }));
    const removed = await fetch(`${daemon.url}/mesolite/v1/plugins/greeter`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect((await fetch(`${daemon.url}/service/greeter/greeting`)).status).toBe(404);
    expect(await installedDirs()).toEqual([]);
    const again = await fetch(`${daemon.url}/mesolite/v1/plugins/greeter`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });
});
