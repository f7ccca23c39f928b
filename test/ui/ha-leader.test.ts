import type { HaMaster } from '@mesolite/daemon/ha/ha-master';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useZooKeeper } from '../daemon/ha/ha-fixture.js';
import { startTestDaemon } from '../support/daemon.js';
import { chromiumBrowser } from '../support/real-services.js';

/**
 * The web UI of highly available masters, in real Chromium against masters of this
 * process contending through a real ZooKeeper: it names the leader, and a page on a
 * follower, or on a leader that went away, moves to the leading master by itself.
 */
const SEEN = { timeout: 30_000 };

let browser: Browser;
let page: Page;
let pageErrors: string[];

// Hooks after a test run the last registered first: the browser closes, then the
// masters stop, then the page's errors are checked, as they all happened by then.
afterEach(() => {
  expect(pageErrors).toEqual([]);
});
const zk = useZooKeeper();
beforeEach(async () => {
  browser = await chromiumBrowser();
  page = await browser.newPage();
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
});
afterEach(async () => {
  await browser?.close();
});

const address = (master: HaMaster) => `127.0.0.1:${master.self.port}`;

describe('the web UI with highly available masters', () => {
  it('on a follower, names the leader in a banner and moves to the same page on it, which shows when it was elected', async () => {
    const zkUrl = zk.nextUrl('ui');
    const leader = await zk.haMaster(zkUrl);
    const daemon = await leader.waitUntilLeading();
    const follower = await zk.haMaster(zkUrl);

    await page.goto(`${follower.url}/ui/marathon?x=1`);
    const banner = page.getByTestId('leader-banner');
    await banner.waitFor(SEEN);
    expect(await banner.textContent()).toContain(`the leading master is ${address(leader)}`);
    expect(await banner.getByRole('link').getAttribute('href')).toBe(
      `${leader.url}/ui/marathon?x=1`,
    );
    expect(await page.getByTestId('leader').getAttribute('data-role')).toBe('follower');

    await page.waitForURL(`${leader.url}/ui/marathon?x=1`, SEEN);
    const chip = page.locator('[data-testid=leader][data-role=leader]');
    await chip.waitFor(SEEN);
    expect(await chip.getAttribute('data-leader')).toBe(address(leader));
    expect(Number(await chip.getAttribute('data-elected-time'))).toBe(
      daemon.master.electedTime / 1000,
    );
    expect(await chip.textContent()).toContain('(this master), elected ');
    expect(await page.getByTestId('leader-banner').count()).toBe(0);
  });

  it('on a leader that goes away, asks the other masters and moves to the new leader', async () => {
    const zkUrl = zk.nextUrl('ui');
    const first = await zk.haMaster(zkUrl);
    await first.waitUntilLeading();
    const second = await zk.haMaster(zkUrl);
    const third = await zk.haMaster(zkUrl);
    await page.goto(`${first.url}/ui/cluster`);
    await page.locator('[data-testid=leader][data-role=leader]').waitFor(SEEN);

    await first.stop();
    const next = await second.waitUntilLeading();
    expect(next).toBeDefined();
    await page.waitForURL(`${second.url}/ui/cluster`, SEEN);
    const chip = page.locator('[data-testid=leader][data-role=leader]');
    await chip.waitFor(SEEN);
    expect(await chip.getAttribute('data-leader')).toBe(address(second));
    expect(await chip.getAttribute('title')).toBe(`${address(second)}, ${address(third)}`);
  });

  it('shows nothing of it for a master without --zk', async () => {
    const daemon = await startTestDaemon();
    zk.defer(() => daemon.stop());
    const asked = page.waitForResponse((response) =>
      response.url().endsWith('/mesolite/v1/masters'),
    );
    await page.goto(`${daemon.url}/ui/cluster`);
    expect((await asked).status()).toBe(404);
    await page.locator('[data-testid=connection][data-connected=true]').waitFor(SEEN);
    expect(await page.getByTestId('leader').count()).toBe(0);
    expect(await page.getByTestId('leader-banner').count()).toBe(0);
  });
});
