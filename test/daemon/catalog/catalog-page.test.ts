/**
 * The catalog page (daemon/ui/src/catalog-page.tsx) in headless Chromium against a real
 * daemon. The page is built alone with vite and served at the daemon's origin, so its
 * requests reach the daemon's Cosmos API exactly as they will from the web UI.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { chromiumBrowser } from '../../support/real-services.js';
import { cosmos } from './cosmos-client.js';
import { serveUniverse, type UniverseServer } from './universe-server.js';

const SEEN = { timeout: 30_000 };
const ARTIFACTS = join(import.meta.dirname, '../../../test-artifacts');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

describe('the catalog page', () => {
  let daemon: TestDaemon;
  let universe: UniverseServer;
  let browser: Browser;
  let page: Page;
  let bundle: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    bundle = await mkdtemp(join(tmpdir(), 'mesolite-catalog-page-'));
    await build({
      root: join(import.meta.dirname, 'fixtures/catalog-harness'),
      base: '/catalog-harness/',
      logLevel: 'silent',
      configFile: false,
      esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
      build: { outDir: bundle, emptyOutDir: true },
    });
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    universe = await serveUniverse([
      {
        manifest: {
          packagingVersion: '4.0',
          name: 'napper',
          version: '1.0',
          maintainer: 'tests',
          description: 'naps on the agent',
          preInstallNotes: 'It will nap.',
          postInstallNotes: 'It naps.',
        },
        releaseVersion: 0,
        template:
          '{"id": "{{service.name}}", "cmd": "sleep {{service.seconds}}", "cpus": 0.1, "mem": 16}',
        config: {
          type: 'object',
          properties: {
            service: {
              type: 'object',
              properties: {
                name: { type: 'string', default: 'napper', description: 'The Marathon app id.' },
                seconds: {
                  type: 'integer',
                  minimum: 1,
                  default: 600,
                  description: 'How long a nap lasts.',
                },
              },
            },
          },
        },
      },
    ]);
    await cosmos(daemon.url, '/package/repository/add', 'repository.add', {
      name: 'tests',
      uri: universe.url,
    });
    browser = await chromiumBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.route(`${daemon.url}/catalog-harness/**`, async (route) => {
      const path =
        new URL(route.request().url()).pathname.replace('/catalog-harness/', '') || 'index.html';
      await route.fulfill({
        body: await readFile(join(bundle, path)),
        contentType: TYPES[extname(path)] ?? 'application/octet-stream',
      });
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const app of (
      (await (await fetch(`${daemon.url}/service/marathon/v2/apps`)).json()) as { apps: Json[] }
    ).apps)
      await fetch(`${daemon.url}/service/marathon/v2/apps${app.id}?force=true`, {
        method: 'DELETE',
      });
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    await universe?.close();
    await rm(bundle, { recursive: true, force: true });
    expect(pageErrors).toEqual([]);
  });

  it('installs a package from its card: form from config.json, errors at the field, the app shown, progress, then uninstall', async () => {
    await page.goto(`${daemon.url}/catalog-harness/index.html`);
    await page.getByTestId('catalog-search').fill('napper');
    await page.getByTestId('package-napper').click();

    const seconds = page.locator('input[name="service.seconds"]');
    await expect.poll(() => seconds.inputValue(), SEEN).toBe('600');
    await expect.poll(() => page.getByText('How long a nap lasts.').count(), SEEN).toBe(1);

    await seconds.fill('0');
    await page.getByRole('button', { name: 'Show the app' }).click();
    await expect
      .poll(() => page.getByTestId('option-error-service.seconds').textContent(), SEEN)
      .toBe('found the whole number 0, expected a number at least 1');

    await seconds.fill('900');
    await page.getByRole('button', { name: 'Show the app' }).click();
    await expect
      .poll(
        async () => JSON.parse((await page.getByTestId('rendered-app').textContent()) ?? '{}').cmd,
        SEEN,
      )
      .toBe('sleep 900');

    await page.getByRole('button', { name: 'Install' }).click();
    await expect
      .poll(() => page.getByTestId('install-progress').textContent(), SEEN)
      .toContain('/napper: ready');
    await expect.poll(() => page.getByText('It naps.').count(), SEEN).toBe(1);
    await expect.poll(() => page.getByTestId('installed').textContent(), SEEN).toContain('/napper');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'ui-catalog.png'), fullPage: true });

    await page.getByRole('button', { name: 'Uninstall' }).click();
    await expect.poll(() => page.getByText('No packages installed.').count(), SEEN).toBe(1);
    const { apps } = (await (await fetch(`${daemon.url}/service/marathon/v2/apps`)).json()) as {
      apps: Json[];
    };
    expect(apps).toEqual([]);
  }, 120_000);
});
