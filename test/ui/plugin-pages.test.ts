import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { job, process as proc, task } from '../plugins/aurora/thermos/task-fixtures.js';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { chromiumBrowser } from '../support/real-services.js';

/**
 * The Chronos and Aurora pages, which their plugins serve as page modules (their
 * `ui`), and the catalog page, in headless Chromium against a real daemon with the
 * agent. Needs the bundles a clean `npm run build` makes: daemon/dist/ui and each
 * plugin's dist/ui.
 */
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const SEEN = { timeout: 30_000 };

describe('the plugin pages', () => {
  let daemon: TestDaemon;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['chronos', 'aurora', 'marathon'] });
    browser = await chromiumBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(async () => {
    await browser.close();
    const chronos = `${daemon.url}/service/chronos/scheduler`;
    const jobs = (await (await fetch(`${chronos}/jobs`)).json()) as { name: string }[];
    for (const { name } of jobs) await fetch(`${chronos}/job/${name}`, { method: 'DELETE' });
    const aurora = `${daemon.url}/service/aurora/jobs`;
    const { jobs: auroraJobs } = (await (await fetch(aurora)).json()) as {
      jobs: { key: string }[];
    };
    for (const { key } of auroraJobs) await fetch(`${aurora}/${key}`, { method: 'DELETE' });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    // A script error in a page is a failure even when the screen looked right.
    expect(pageErrors).toEqual([]);
  });

  async function screenshot(name: string): Promise<void> {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`), fullPage: true });
  }

  async function openFromNavigation(label: string): Promise<void> {
    await page.goto(`${daemon.url}/ui/cluster`);
    await page.locator('nav a', { hasText: label }).click(SEEN);
  }

  const post = (path: string, body: unknown) =>
    fetch(`${daemon.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('lists a Chronos job added through the API, runs it and shows its run history', async () => {
    const added = await post('/service/chronos/scheduler/iso8601', {
      name: 'ui-hello',
      command: 'echo hello from chronos',
      schedule: 'R/2099-01-01T00:00:00Z/PT1H',
      epsilon: 'PT30S',
      owner: '',
    });
    expect(added.status).toBe(204);
    await openFromNavigation('Chronos');
    expect(new URL(page.url()).pathname).toBe('/ui/plugins/chronos');
    const row = page.locator('[data-testid=chronos-jobs] tr[data-job="ui-hello"]');
    await row.locator('[data-testid=schedule]', { hasText: 'PT1H' }).waitFor(SEEN);
    await page.locator('[data-testid=chronos-graph] [data-node="ui-hello"]').waitFor(SEEN);

    await row.getByRole('button', { name: 'Run now' }).click();
    const history = page.locator('[data-testid=chronos-history] [data-history-of="ui-hello"]');
    await history.locator('[data-testid=run-status]', { hasText: 'success' }).waitFor(SEEN);
    await row.locator('[data-testid=success-count]', { hasText: /^1$/ }).waitFor(SEEN);
    await expect(history.getByRole('link', { name: 'stdout' }).count()).resolves.toBe(1);
    await screenshot('chronos');
  });

  it('shows Chronos’s 400 message when a job added on the Chronos page is invalid', async () => {
    const invalid = { name: 'no-command', schedule: 'R/2099-01-01T00:00:00Z/PT1H' };
    const refused = await post('/service/chronos/scheduler/iso8601', invalid);
    expect(refused.status).toBe(400);
    const { message } = (await refused.json()) as { message: string };
    await openFromNavigation('Chronos');
    await page.locator('textarea[name=chronos-job-json]').fill(JSON.stringify(invalid));
    await page.getByRole('button', { name: 'Add job' }).click();
    const error = page.locator('.chronos-add [data-testid=error]');
    await error.waitFor(SEEN);
    expect(await error.textContent()).toContain(`400: ${message}`);
    const jobs = (await (await fetch(`${daemon.url}/service/chronos/scheduler/jobs`)).json()) as [];
    expect(jobs).toEqual([]);
  });

  it('shows an Aurora job created through the API with its task’s processes', async () => {
    const hello = job('ui-hello', task([proc('greet', 'echo hello from aurora; sleep 600')]));
    const key = `${hello.cluster}/${hello.role}/${hello.environment}/${hello.name}`;
    expect((await post(`/service/aurora/jobs/${key}`, { job: hello })).status).toBe(201);
    await openFromNavigation('Aurora');
    expect(new URL(page.url()).pathname).toBe('/ui/plugins/aurora');
    const row = page.locator(`[data-testid=aurora-jobs] tr[data-job-key="${key}"]`);
    await row.waitFor(SEEN);
    await row.getByRole('button', { name: 'Tasks' }).click();
    const details = page.locator(`[data-job-details="${key}"]`);
    await details.locator('[data-testid=task-status]', { hasText: 'RUNNING' }).waitFor(SEEN);
    const greet = details.locator('tr[data-process="greet"]');
    await greet.locator('[data-testid=process-state]', { hasText: 'RUNNING' }).waitFor(SEEN);
    const stdout = await greet.getByRole('link', { name: 'stdout' }).getAttribute('href');
    expect(stdout).toContain(encodeURIComponent('/.logs/greet/0/stdout'));
    // The runner's times are milliseconds: a run started now is shown in this year.
    const started = await greet.locator('[data-testid=started]').textContent();
    expect(started).toContain(String(new Date().getFullYear()));
    await screenshot('aurora');
  });

  it('draws a dependent Chronos job under its parent in the dependency graph', async () => {
    const schedule = 'R/2099-01-01T00:00:00Z/PT1H';
    await post('/service/chronos/scheduler/iso8601', { name: 'parent', command: 'true', schedule });
    await post('/service/chronos/scheduler/dependency', {
      name: 'child',
      command: 'true',
      parents: ['parent'],
    });
    await openFromNavigation('Chronos');
    const child = page.locator('[data-testid=chronos-jobs] tr[data-job="child"]');
    await child.locator('[data-testid=schedule]', { hasText: 'after parent' }).waitFor(SEEN);
    const tree = page.locator('[data-testid=chronos-graph] li');
    await tree.nth(1).waitFor(SEEN);
    expect(await tree.evaluateAll((items) => items.map((item) => item.dataset.node))).toEqual([
      'parent',
      'child',
    ]);
    expect(await tree.nth(1).textContent()).toMatch(/^└ child/);
  });

  it('kills one instance of an Aurora job from its task', async () => {
    const sleeper = job('ui-sleeper', task([proc('nap', 'sleep 600')]));
    const key = `${sleeper.cluster}/${sleeper.role}/${sleeper.environment}/${sleeper.name}`;
    await post(`/service/aurora/jobs/${key}`, { job: sleeper });
    await page.goto(`${daemon.url}/ui/plugins/aurora`);
    await page
      .locator(`tr[data-job-key="${key}"]`)
      .getByRole('button', { name: 'Tasks' })
      .click(SEEN);
    const details = page.locator(`[data-job-details="${key}"]`);
    const running = details.locator('.aurora-task', {
      has: page.locator('[data-testid=task-status]', { hasText: 'RUNNING' }),
    });
    await running.waitFor(SEEN);
    await running.getByRole('button', { name: 'Kill' }).click();
    await details.locator('h4', { hasText: 'Active tasks (0)' }).waitFor(SEEN);
    await details.locator('[data-testid=task-status]', { hasText: 'KILLED' }).waitFor(SEEN);
  });

  it('pauses and resumes an Aurora update from the job', async () => {
    const v1 = job('ui-updated', task([proc('serve', 'sleep 600')]), { service: true });
    const v2 = job('ui-updated', task([proc('serve', 'sleep 601')]), { service: true });
    const key = `${v1.cluster}/${v1.role}/${v1.environment}/${v1.name}`;
    await post(`/service/aurora/jobs/${key}`, { job: v1 });
    expect((await post(`/service/aurora/jobs/${key}/update`, { job: v2 })).status).toBe(202);
    await page.goto(`${daemon.url}/ui/plugins/aurora`);
    await page
      .locator(`tr[data-job-key="${key}"]`)
      .getByRole('button', { name: 'Tasks' })
      .click(SEEN);
    const update = page.locator(`[data-job-details="${key}"] [data-testid=aurora-update]`);
    await update
      .locator('[data-testid=update-status]', { hasText: 'ROLLING_FORWARD' })
      .waitFor(SEEN);
    await update.getByRole('button', { name: 'Pause' }).click();
    await update
      .locator('[data-testid=update-status]', { hasText: 'ROLL_FORWARD_PAUSED' })
      .waitFor(SEEN);
    await update.getByRole('button', { name: 'Resume' }).click();
    await update
      .locator('[data-testid=update-status]', { hasText: /^ROLLING_FORWARD$/ })
      .waitFor(SEEN);
    await screenshot('aurora-update');
    await update.getByRole('button', { name: 'Abort' }).click();
    await update.locator('[data-testid=update-status]', { hasText: 'ABORTED' }).waitFor(SEEN);
  });

  it('reaches the catalog page from the navigation', async () => {
    await openFromNavigation('Catalog');
    expect(new URL(page.url()).pathname).toBe('/ui/catalog');
    await page.locator('.catalog').waitFor(SEEN);
    await screenshot('catalog');
  });
});
