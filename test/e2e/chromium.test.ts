import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { chromiumBrowser } from '../support/real-services.js';

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

describe('the daemon seen from headless Chromium', () => {
  let browser: Browser | undefined;
  let daemon: TestDaemon | undefined;
  afterEach(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('loads the health page with status 200', async () => {
    daemon = await startTestDaemon();
    browser = await chromiumBrowser();
    const page = await browser.newPage();
    const response = await page.goto(`${daemon.url}/health`);
    expect(response?.status()).toBe(200);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'health.png') });
  });
});
