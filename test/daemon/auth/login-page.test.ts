import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumBrowser } from '../../support/real-services.js';
import {
  ADMIN,
  type SecureDaemon,
  startSecureDaemon,
  type TestUser,
  VIEWER,
} from './secure-daemon.js';

/**
 * The web UI's login in headless Chromium against a daemon with --auth, with the bundle
 * the UI build put in daemon/dist/ui. The browser is told to accept the cluster's own
 * CA, as a user does once; what is tested here is the login, not TLS.
 */
const SEEN = { timeout: 20_000 };

describe('the web UI with auth on', () => {
  let daemon: SecureDaemon;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    daemon = await startSecureDaemon({ plugins: ['marathon'] });
    browser = await chromiumBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ ignoreHTTPSErrors: true });
    page = await context.newPage();
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterEach(async () => {
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  async function logIn(user: TestUser, from = '/ui/marathon'): Promise<void> {
    await page.goto(`${daemon.url}${from}`);
    await page.waitForURL(/\/login\?next=/, SEEN);
    await page.locator('input[name=uid]').fill(user.uid);
    await page.locator('input[name=password]').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${daemon.url}${from}`, SEEN);
  }

  /** A request from the page, with whatever cookie the browser holds. */
  function request(method: string, path: string, body?: unknown): Promise<number> {
    return page.evaluate(
      async ({ method, path, body }) =>
        (
          await fetch(path, {
            method,
            headers: { 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          })
        ).status,
      { method, path, body },
    );
  }

  it('sends a browser without a login to the login page, and the API answers it 401', async () => {
    await page.goto(`${daemon.url}/ui/cluster`);
    await page.waitForURL(`${daemon.url}/login?next=%2Fui%2Fcluster`, SEEN);
    expect(await request('GET', '/master/state')).toBe(401);
  });

  it('logs an admin in, shows who is logged in and offers the changes', async () => {
    await logIn(ADMIN);
    await expect
      .poll(() => page.getByTestId('user').textContent(), SEEN)
      .toBe(`${ADMIN.uid} (admin)`);
    expect(await page.getByRole('button', { name: 'Create' }).isVisible()).toBe(true);
  });

  it('shows a viewer no change buttons, and the API refuses a change with 403', async () => {
    await logIn(VIEWER);
    await expect
      .poll(() => page.getByTestId('user').textContent(), SEEN)
      .toBe(`${VIEWER.uid} (viewer)`);
    expect(await page.getByRole('button', { name: 'Create' }).isVisible()).toBe(false);
    expect(
      await request('POST', '/service/marathon/v2/apps', { id: '/web', cmd: 'sleep 100' }),
    ).toBe(403);
  });

  it("says why a wrong password was refused, in the daemon's words", async () => {
    await page.goto(`${daemon.url}/login`);
    await page.locator('input[name=uid]').fill(ADMIN.uid);
    await page.locator('input[name=password]').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), SEEN).toContain('wrong');
    expect(page.url()).toBe(`${daemon.url}/login`);
  });

  it('logs out: the session ends and the login page comes back', async () => {
    await logIn(ADMIN);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${daemon.url}/login`, SEEN);
    expect(await request('GET', '/master/state')).toBe(401);
  });
});
