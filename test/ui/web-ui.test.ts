import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { chromiumBrowser } from '../support/real-services.js';

/**
 * The web UI in headless Chromium against a real daemon (master, agent, Marathon),
 * with the bundle `npm run build` put in daemon/dist/ui.
 */
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const SEEN = { timeout: 20_000 };

describe('the web UI', () => {
  let daemon: TestDaemon;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    browser = await chromiumBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
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
    // A script error in the page is a failure even when the screen looked right.
    expect(pageErrors).toEqual([]);
  });

  async function screenshot(name: string): Promise<void> {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`), fullPage: true });
  }

  async function createAppInUi(json: object | string): Promise<void> {
    await page.goto(`${daemon.url}/ui/marathon`);
    await page
      .locator('textarea[name=app-json]')
      .fill(typeof json === 'string' ? json : JSON.stringify(json, null, 2));
    await page.getByRole('button', { name: 'Create' }).click();
  }

  const runningCell = (id: string, count: number) =>
    page.locator(`tr[data-app-id="${id}"] [data-testid=running]`, {
      hasText: new RegExp(`^${count}$`),
    });

  it('serves the UI at / and shows the agent with its resources', async () => {
    const response = await page.goto(`${daemon.url}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    const agents = page.locator('[data-testid=agents]');
    await agents.locator('td', { hasText: hostname() }).first().waitFor(SEEN);
    await page.locator('[data-testid=plugins] td', { hasText: 'active' }).waitFor(SEEN);
    await page.locator('[data-testid=frameworks] td', { hasText: 'marathon' }).waitFor(SEEN);
    await page.locator('svg[aria-label="cpus allocated / total"]').waitFor(SEEN);
    await page.locator('svg[aria-label="mem allocated / total (MB)"]').waitFor(SEEN);
    // cpus, mem, disk and ports.
    expect(await agents.locator('.bar').count()).toBe(4);
    await agents.locator('td', { hasText: 'healthy' }).waitFor(SEEN);
    await page.locator('[data-testid=connection][data-connected=true]').waitFor(SEEN);
    await screenshot('cluster');
  });

  it('disables and enables a plugin from the cluster page', async () => {
    await page.goto(`${daemon.url}/ui/cluster`);
    const marathon = page.locator('[data-testid=plugins] tr', { hasText: 'Marathon' });
    await marathon.getByRole('button', { name: 'Disable' }).click();
    await marathon.locator('td', { hasText: /^disabled$/ }).waitFor(SEEN);
    // Its framework leaves the cluster's list as the plugin stops.
    await page
      .locator('[data-testid=frameworks] tr', { hasText: 'marathon' })
      .locator('td', { hasText: /^no$/ })
      .waitFor(SEEN);
    await marathon.getByRole('button', { name: 'Enable' }).click();
    await marathon.locator('td', { hasText: /^active$/ }).waitFor(SEEN);
    await page
      .locator('[data-testid=frameworks] tr', { hasText: 'marathon' })
      .locator('td', { hasText: /^yes$/ })
      .waitFor(SEEN);
  });

  it('creates an app from JSON and shows it running', async () => {
    await createAppInUi({ id: '/ui-sleep', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 1 });
    await page.locator('.ok', { hasText: 'Created /ui-sleep' }).waitFor(SEEN);
    await runningCell('/ui-sleep', 1).waitFor(SEEN);
    await screenshot('marathon-created');
  });

  it('shows what the daemon answered for JSON that does not parse', async () => {
    await createAppInUi('{nope');
    const error = page.locator('[data-testid=error]');
    await error.filter({ hasText: '400' }).waitFor(SEEN);
    expect(await error.textContent()).toMatch(/POST \/service\/marathon\/v2\/apps → 400: \S/);
  });

  it("shows Marathon's 422 errors at the lines of the fields they name", async () => {
    await createAppInUi({
      id: '/bad',
      cmd: 'true',
      cpus: -1,
      mem: 32,
      portDefinitions: [{ port: -5, name: 'http' }],
    });
    await page.locator('[data-testid=error]', { hasText: '422' }).waitFor(SEEN);
    const cpus = page.locator('[data-testid=field-error][data-path="/cpus"]');
    await cpus.waitFor(SEEN);
    expect(await cpus.textContent()).toContain('error.min');
    // The error sits on the line that holds the field.
    const line = page.locator('.json-annotated .line', { has: cpus });
    expect(await line.locator('code').textContent()).toContain('"cpus": -1');
    // A field inside an array element is found there too.
    const port = page.locator('[data-testid=field-error][data-path="/portDefinitions(0)/port"]');
    await port.waitFor(SEEN);
    const portLine = page.locator('.json-annotated .line', { has: port });
    expect(await portLine.locator('code').textContent()).toContain('"port": -5');
    await screenshot('marathon-422');
  });

  it('scales an app from the app list', async () => {
    await createAppInUi({ id: '/ui-scale', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 1 });
    await runningCell('/ui-scale', 1).waitFor(SEEN);
    // Marathon answers 409 to scaling an app its create deployment still holds.
    await page.locator('tr[data-app-id="/ui-scale"][data-deploying=false]').waitFor(SEEN);
    await page.getByLabel('instances of /ui-scale').fill('2');
    await page
      .locator('tr[data-app-id="/ui-scale"]')
      .getByRole('button', { name: 'Scale' })
      .click();
    await runningCell('/ui-scale', 2).waitFor(SEEN);
    await screenshot('marathon-scaled');

    // Destroying asks once more, then the app leaves the list. Marathon answers 409 to
    // destroying an app the scale deployment still holds, so wait for it to end.
    await page.locator('tr[data-app-id="/ui-scale"][data-deploying=false]').waitFor(SEEN);
    const row = page.locator('tr[data-app-id="/ui-scale"]');
    await row.getByRole('button', { name: 'Destroy' }).click();
    await row.getByRole('button', { name: 'Really destroy' }).click();
    await row.waitFor({ state: 'detached', ...SEEN });
  });

  it("opens a task's sandbox and follows its stdout", async () => {
    const created = await fetch(`${daemon.url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: '/ui-logger',
        cmd: 'i=0; while true; do i=$((i+1)); echo "tick-$i"; sleep 0.5; done',
        cpus: 0.1,
        mem: 32,
        instances: 1,
      }),
    });
    expect(created.status).toBe(201);
    await page.goto(`${daemon.url}/ui/cluster`);
    const row = page.locator('[data-testid=tasks] tr', { hasText: 'TASK_RUNNING' });
    await row.first().waitFor(SEEN);
    await row.first().getByRole('button', { name: 'Sandbox' }).click();
    await page.locator('[data-testid=sandbox-files] td', { hasText: 'stdout' }).waitFor(SEEN);
    const log = page.locator('[data-testid=log]');
    await log.filter({ hasText: 'tick-1' }).waitFor(SEEN);
    // Later lines arrive by polling from the last offset, without a reload.
    await log.filter({ hasText: 'tick-6' }).waitFor(SEEN);
    await screenshot('task-log');
  });
});
