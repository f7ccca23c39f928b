import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestDaemon } from '../../support/daemon.js';
import { daemonPerTest } from './support/daemon-per-test.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

describe('plugins', () => {
  const daemons = daemonPerTest('plugins');

  /** A daemon with `fixtures` installed in its work dir, starting `plugins`. */
  async function start(plugins: string[], ...fixtures: string[]): Promise<TestDaemon> {
    const workDir = await daemons.workDir();
    await mkdir(join(workDir, 'plugins'));
    for (const fixture of fixtures) {
      await cp(join(FIXTURES, fixture), join(workDir, 'plugins', fixture), { recursive: true });
    }
    return daemons.start({ plugins });
  }

  it('serves an installed plugin at /service/<name>/ with its config', async () => {
    const d = await start(['hello'], 'hello');
    const response = await fetch(`${d.url}/service/hello/greeting`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ greeting: 'hello' });
  });

  it('passes request bodies through to the plugin', async () => {
    const d = await start(['hello'], 'hello');
    const response = await fetch(`${d.url}/service/hello/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: [1, 2] }),
    });
    expect(await response.json()).toEqual({ body: { a: [1, 2] } });
  });

  it("registers the plugin's framework through the scheduler API", async () => {
    const d = await start(['hello'], 'hello');
    const { id } = (await (await fetch(`${d.url}/service/hello/framework`)).json()) as {
      id: string;
    };
    expect(d.master.frameworks.get(id)?.info.name).toBe('hello');
    expect(d.master.frameworks.get(id)?.connected).toBe(true);
  });

  it('gives each plugin a store that survives a restart', async () => {
    const d = await start(['hello'], 'hello');
    await fetch(`${d.url}/service/hello/notes/a`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'kept' }),
    });
    await d.stop();
    const restarted = await daemons.start({ plugins: ['hello'] });
    const note = await fetch(`${restarted.url}/service/hello/notes/a`);
    expect(await note.json()).toEqual({ text: 'kept' });
  });

  it('marks a plugin that throws on activate as failed, with its error, and keeps running', async () => {
    const d = await start(['hello', 'broken'], 'hello', 'broken-activate');
    const list = (await (await fetch(`${d.url}/mesolite/v1/plugins`)).json()) as {
      plugins: Array<{ name: string; status: string; error?: string }>;
    };
    expect(list.plugins.find((p) => p.name === 'broken')).toMatchObject({
      status: 'failed',
      error: 'the database this plugin needs is not configured',
    });
    expect(list.plugins.find((p) => p.name === 'hello')?.status).toBe('active');
    expect((await fetch(`${d.url}/service/broken/anything`)).status).toBe(503);
    expect((await fetch(`${d.url}/health`)).status).toBe(200);
  });

  it('refuses a plugin written for another major plugin API version, saying which', async () => {
    const d = await start(['future'], 'future-api');
    const list = (await (await fetch(`${d.url}/mesolite/v1/plugins`)).json()) as {
      plugins: unknown[];
      broken: Array<{ where: string; code: string; error: string }>;
    };
    expect(list.plugins).toEqual([]);
    const future = list.broken.find((entry) => entry.where.endsWith('future-api'));
    expect(future?.code).toBe('MESOLITE_ERR_PLUGIN_API_VERSION');
    expect(future?.error).toContain('plugin API 2.0.0');
  });

  it('disables and enables a plugin at run time', async () => {
    const d = await start(['hello'], 'hello');
    const disabled = await fetch(`${d.url}/mesolite/v1/plugins/hello/disable`, { method: 'POST' });
    expect(((await disabled.json()) as { status: string }).status).toBe('disabled');
    expect((await fetch(`${d.url}/service/hello/greeting`)).status).toBe(503);
    const enabled = await fetch(`${d.url}/mesolite/v1/plugins/hello/enable`, { method: 'POST' });
    expect(((await enabled.json()) as { status: string }).status).toBe('active');
    expect((await fetch(`${d.url}/service/hello/greeting`)).status).toBe(200);
  });

  it('remembers that a plugin was disabled across a restart', async () => {
    const d = await start(['hello'], 'hello');
    await fetch(`${d.url}/mesolite/v1/plugins/hello/disable`, { method: 'POST' });
    await d.stop();
    const restarted = await daemons.start({ plugins: ['hello'] });
    expect((await fetch(`${restarted.url}/service/hello/greeting`)).status).toBe(503);
  });

  it('answers 404 for a plugin that is not installed', async () => {
    const d = await start([], 'hello');
    expect((await fetch(`${d.url}/service/nothing/here`)).status).toBe(404);
    const enable = await fetch(`${d.url}/mesolite/v1/plugins/nothing/enable`, { method: 'POST' });
    expect(enable.status).toBe(404);
  });
});
