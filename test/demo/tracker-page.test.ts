import { mkdir } from 'node:fs/promises';
import { startTracker, type TrackerHandle } from '@mesolite/zombies-tracker/server';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumBrowser } from '../support/real-services.js';

let tracker: TrackerHandle | undefined;
let browser: Browser | undefined;

afterEach(async () => {
  await browser?.close();
  browser = undefined;
  await tracker?.close();
  tracker = undefined;
});

describe('the Zombies Tracker page in Chromium', () => {
  it('draws the town and moving markers, and shows the serving instance', async () => {
    tracker = await startTracker({
      port: 0,
      host: '127.0.0.1',
      seed: 42,
      instanceId: 'zombies.page-test',
    });
    browser = await chromiumBrowser();
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(tracker.url);
    await page.waitForSelector('#map.leaflet-container');
    await page.waitForSelector('path.zombie-marker');
    await page.waitForSelector('path.survivor-marker');
    await expect.poll(() => page.textContent('#instance')).toBe('zombies.page-test');
    await expect.poll(() => page.textContent('#connection')).toBe('live');
    const zombies = await page.locator('path.zombie-marker').count();
    expect(zombies).toBe(200);
    // Give trails and the heat layer a moment, so the screenshot shows them.
    await page.waitForTimeout(1500);
    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/zombies.png' });
    expect(errors).toEqual([]);
  });
});
