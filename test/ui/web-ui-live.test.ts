import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  type RunningDaemon,
  resolveDaemonOptions,
  startDaemon,
} from '@mesolite/daemon';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { chromiumBrowser } from '../support/real-services.js';

/**
 * The web UI as a live view: what changes in the cluster reaches the page over
 * socket.io with no reload and no user action. Real daemon, agent, Marathon and
 * headless Chromium, against the bundle built into daemon/dist/ui.
 */
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const FIXTURE_PLUGIN = join(import.meta.dirname, 'fixtures/page-plugin');
const SEEN = { timeout: 30_000 };

async function openBrowser(): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const browser = await chromiumBrowser();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { browser, page, errors };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`), fullPage: true });
}

/** Marks the document so a test can tell that no reload happened since. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { unreloaded: boolean }).unreloaded = true;
  });
}

async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded === true);
}

async function postApp(url: string, app: object): Promise<void> {
  const response = await fetch(`${url}/service/marathon/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(app),
  });
  expect(response.status).toBe(201);
}

describe('the web UI, live with Marathon', () => {
  let daemon: TestDaemon;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let scratch: string;

  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'mesolite-ui-live-'));
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    ({ browser, page, errors: pageErrors } = await openBrowser());
  });

  afterEach(async () => {
    const response = await fetch(`${daemon.url}/service/marathon/v2/apps`);
    const { apps } = (await response.json()) as { apps: { id: string }[] };
    for (const app of apps) {
      await fetch(`${daemon.url}/service/marathon/v2/apps${app.id}?force=true`, {
        method: 'DELETE',
      });
    }
    await browser.close();
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    await rm(scratch, { recursive: true, force: true });
    expect(pageErrors).toEqual([]);
  });

  it('shows a task started through the API without any user action', async () => {
    await page.goto(`${daemon.url}/ui/cluster`);
    await page.locator('[data-testid=connection][data-connected=true]').waitFor(SEEN);
    await markDocument(page);
    await postApp(daemon.url, { id: '/ui-pushed', cmd: 'sleep 1000', cpus: 0.1, mem: 32 });
    const row = page.locator('[data-testid=tasks] tr[data-task-id^="ui-pushed."]');
    await row.filter({ hasText: 'TASK_RUNNING' }).waitFor(SEEN);
    expect(await stillSameDocument(page)).toBe(true);
    await screenshot(page, 'live-task');
  });

  it('creates an app with a health check, shows its deployment until healthy, scales it and follows its log', async () => {
    const ready = join(scratch, 'ready');
    await page.goto(`${daemon.url}/ui/marathon`);
    await markDocument(page);
    // Healthy only once the test says so: the deployment stays on screen until then.
    const app = {
      id: '/ui-healthy',
      cmd: 'i=0; while true; do i=$((i+1)); echo "beat-$i"; sleep 0.5; done',
      cpus: 0.1,
      mem: 32,
      instances: 1,
      healthChecks: [
        {
          protocol: 'COMMAND',
          command: { value: `test -f ${ready}` },
          gracePeriodSeconds: 300,
          intervalSeconds: 1,
          timeoutSeconds: 5,
          maxConsecutiveFailures: 0,
        },
      ],
    };
    await page.locator('textarea[name=app-json]').fill(JSON.stringify(app, null, 2));
    await page.getByRole('button', { name: 'Create' }).click();
    const row = page.locator('tr[data-app-id="/ui-healthy"]');
    await row.locator('[data-testid=running]', { hasText: /^1$/ }).waitFor(SEEN);
    expect(await row.locator('[data-testid=healthy]').textContent()).toBe('0');
    const deployment = page.locator('[data-testid=deployments] > li', { hasText: '/ui-healthy' });
    await deployment.locator('.steps progress').first().waitFor(SEEN);
    await screenshot(page, 'marathon-deploying');

    await writeFile(ready, '');
    await row.locator('[data-testid=healthy]', { hasText: /^1$/ }).waitFor(SEEN);
    await deployment.waitFor({ state: 'detached', ...SEEN });
    await page.locator('svg[aria-label="/ui-healthy: healthy over time"]').waitFor(SEEN);

    await page.getByLabel('instances of /ui-healthy', { exact: true }).fill('2');
    await row.getByRole('button', { name: 'Scale' }).click();
    await row.locator('[data-testid=healthy]', { hasText: /^2$/ }).waitFor(SEEN);
    await screenshot(page, 'marathon-healthy-scaled');

    await row.getByRole('button', { name: 'Versions' }).click();
    // One version per change of the definition: the create, then the scale.
    await page.locator('[data-testid=versions] li').nth(1).waitFor(SEEN);
    await page.locator('[data-testid=versions] li', { hasText: '(current)' }).waitFor(SEEN);

    // To the cluster page by the navigation, and into a task's sandbox.
    await page.getByRole('link', { name: 'Cluster' }).click();
    const task = page.locator('[data-testid=tasks] tr[data-task-id^="ui-healthy."]', {
      hasText: 'healthy',
    });
    await task.first().getByRole('button', { name: 'Sandbox' }).click();
    const log = page.locator('[data-testid=log]');
    await log.filter({ hasText: 'beat-1' }).waitFor(SEEN);
    const seen = Number(/beat-(\d+)\s*$/.exec((await log.textContent()) ?? '')?.[1]);
    await log.filter({ hasText: `beat-${seen + 3}` }).waitFor(SEEN);
    expect(await stillSameDocument(page)).toBe(true);
    await screenshot(page, 'task-log-following');
  });

  it('deploys the Zombies Tracker from its button, with progress until healthy and a link', async () => {
    // The same app as `mesolite demo zombies`, on a service port of its own: the CLI's
    // demo test may hold the demo's 10100 in the other worker.
    const servicePort = 10104;
    await page.route('**/mesolite/v1/demos/zombies-tracker/app', async (route) => {
      const response = await route.fetch();
      const app = (await response.json()) as Record<string, unknown>;
      await route.fulfill({
        response,
        json: { ...app, portDefinitions: [{ port: servicePort, name: 'http' }] },
      });
    });
    await page.goto(`${daemon.url}/ui/marathon`);
    const zombies = page.locator('[data-testid=zombies]');
    await zombies.getByRole('button', { name: 'Deploy Zombies Tracker' }).click();
    await zombies.locator('progress').waitFor(SEEN);
    await screenshot(page, 'zombies-deploying');
    const link = zombies.locator('[data-testid=zombies-link]');
    await link.waitFor({ timeout: 120_000 });
    expect(await link.getAttribute('href')).toBe(`http://127.0.0.1:${servicePort}/`);
    expect(await zombies.textContent()).toContain('3 of 3 healthy');
    const served = await fetch(`http://127.0.0.1:${servicePort}/health`);
    expect(served.status).toBe(200);
    await screenshot(page, 'zombies-deployed');
  }, 180_000);
});

describe('the web UI connection', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('says when it is disconnected and catches up by itself when the daemon is back', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-ui-reconnect-'));
    closers.push(() => rm(workDir, { recursive: true, force: true }));
    const start = (port: number) =>
      startDaemon(
        resolveDaemonOptions({ port, workDir, logLevel: 'silent', agent: false, plugins: [] }),
        createLogger('silent'),
      );
    let daemon: RunningDaemon = await start(0);
    closers.push(() => daemon.stop());
    const { browser, page, errors } = await openBrowser();
    closers.push(async () => {
      await browser.close();
      expect(errors).toEqual([]);
    });

    await page.goto(`${daemon.url}/ui/cluster`);
    await page.locator('[data-testid=connection][data-connected=true]').waitFor(SEEN);
    await markDocument(page);
    const port = Number(new URL(daemon.url).port);
    await daemon.stop();
    await page.locator('[data-testid=connection][data-connected=false]').waitFor(SEEN);
    await screenshot(page, 'disconnected');

    daemon = await start(port);
    await page.locator('[data-testid=connection][data-connected=true]').waitFor(SEEN);
    expect(await stillSameDocument(page)).toBe(true);
  });
});

describe('plugin pages', () => {
  let daemon: TestDaemon;
  let workDir: string;

  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-ui-plugin-'));
    await cp(FIXTURE_PLUGIN, join(workDir, 'plugins', 'fixture-page'), { recursive: true });
    daemon = await startTestDaemon({}, { workDir, plugins: ['fixture-page'] });
  });
  afterEach(async () => {
    await daemon.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it("lists a plugin's page in the navigation and mounts its module", async () => {
    const { browser, page, errors } = await openBrowser();
    try {
      await page.goto(`${daemon.url}/ui/cluster`);
      await page.getByRole('link', { name: 'Fixture Page' }).click();
      const mounted = page.locator('[data-testid=plugin-page][data-plugin=fixture-page]');
      await mounted.locator('h2', { hasText: 'Fixture Page' }).waitFor(SEEN);
      // It reached its own API through the shell's helper, and its namespace live.
      await mounted
        .locator('[data-testid=fixture-greeting]', { hasText: 'Hello from the fixture plugin' })
        .waitFor(SEEN);
      await mounted
        .locator('[data-testid=fixture-live]', { hasText: 'live event: welcome' })
        .waitFor(SEEN);
      await screenshot(page, 'plugin-page');

      // Leaving the page unmounts it.
      await page.getByRole('link', { name: 'Cluster' }).click();
      await mounted.waitFor({ state: 'detached', ...SEEN });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('shows what the daemon answered when a page module cannot be loaded', async () => {
    const { browser, page } = await openBrowser();
    try {
      await page.goto(`${daemon.url}/ui/plugins/not-installed`);
      const error = page.locator('[data-testid=plugin-page] [data-testid=error]');
      await error.waitFor(SEEN);
      expect(await error.textContent()).toContain('404');
      expect(await error.textContent()).toContain('"not-installed" is not installed');
    } finally {
      await browser.close();
    }
  });
});
