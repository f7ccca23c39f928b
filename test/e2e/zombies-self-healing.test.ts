import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { zombiesApp } from '@mesolite/daemon/server/zombies-app';
import type { Browser } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { chromiumBrowser } from '../support/real-services.js';
import { waitFor } from '../support/wait.js';

/**
 * The demo's story, end to end: the Zombies Tracker deployed by Marathon with health
 * checks, a browser on its service port, one instance killed, and the cluster healing
 * itself while the page keeps its map.
 */
const APP_ID = '/zombies-healing';
// Not the demo's 10100: the `demo zombies` CLI test may hold that port in the other worker.
const SERVICE_PORT = 10102;
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

interface MarathonTask {
  id: string;
  host: string;
  ports: number[];
  state: string;
  healthCheckResults?: { alive: boolean }[];
}

describe('the Zombies Tracker healing itself on Marathon', () => {
  let daemon: TestDaemon;
  let browser: Browser | undefined;

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await fetch(`${daemon.url}/service/marathon/v2/apps${APP_ID}?force=true`, {
      method: 'DELETE',
    });
    await waitFor('the tracker stopped', async () => {
      const tasks = await appTasks();
      return tasks.length === 0 ? true : undefined;
    });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
  });

  async function appTasks(): Promise<MarathonTask[]> {
    const response = await fetch(`${daemon.url}/service/marathon/v2/apps${APP_ID}/tasks`);
    if (response.status === 404) return [];
    return ((await response.json()) as { tasks: MarathonTask[] }).tasks;
  }

  const healthy = (task: MarathonTask) =>
    task.state === 'TASK_RUNNING' && task.healthCheckResults?.[0]?.alive === true;

  it('replaces a killed instance with a healthy one while the page keeps its live map', async () => {
    const app = await zombiesApp(3);
    const response = await fetch(`${daemon.url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...app,
        id: APP_ID,
        portDefinitions: [{ port: SERVICE_PORT, name: 'http' }],
      }),
    });
    expect(response.status).toBe(201);
    const before = await waitFor(
      'three healthy instances',
      async () => {
        const tasks = await appTasks();
        return tasks.filter(healthy).length === 3 ? tasks : undefined;
      },
      90_000,
    );

    browser = await chromiumBrowser();
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`http://127.0.0.1:${SERVICE_PORT}/`);
    await page.waitForSelector('#map.leaflet-container');
    await page.waitForSelector('path.zombie-marker');
    await expect.poll(() => page.textContent('#connection'), { timeout: 20_000 }).toBe('live');
    // A reload would drop this flag: the map must survive the kill in the same document.
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    const serving = String(await page.textContent('#instance'));
    const victim = before.find((task) => task.id === serving);
    expect(victim, `the page names the instance serving it (${serving})`).toBeDefined();

    const kill = await fetch(`http://127.0.0.1:${victim?.ports[0]}/chaos/kill`, {
      method: 'POST',
    });
    expect(kill.status).toBe(200);

    await expect.poll(() => page.textContent('#instance'), { timeout: 30_000 }).not.toBe(serving);
    await expect.poll(() => page.textContent('#connection'), { timeout: 30_000 }).toBe('live');
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );
    expect(await page.locator('path.zombie-marker').count()).toBeGreaterThan(0);

    const after = await waitFor(
      'a healthy replacement',
      async () => {
        const tasks = await appTasks();
        const ready = tasks.filter(healthy);
        return ready.length === 3 && !tasks.some((task) => task.id === serving) ? ready : undefined;
      },
      90_000,
    );
    expect(after.map((task) => task.id)).not.toContain(serving);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'zombies-after-healing.png') });
    expect(errors).toEqual([]);
  }, 240_000);
});
