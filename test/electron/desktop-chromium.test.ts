import { existsSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { probeHealth } from '@mesolite/electron/daemon-connection';
import { type DesktopSession, startDesktop } from '@mesolite/electron/desktop-session';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { CHROMIUM_PATH, MissingDependencyError } from '../support/real-services.js';
import { waitFor } from '../support/wait.js';

// What real-services.ts launches Chromium with here, plus a DevTools port to look in.
const HEADLESS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--remote-debugging-port=0',
];

interface DevToolsTarget {
  type: string;
  url: string;
  title: string;
}

/** Chromium writes the DevTools port it picked into its profile's DevToolsActivePort. */
async function devToolsUrl(session: DesktopSession): Promise<string> {
  if (session.profileDir === undefined) throw new Error('not a Chromium session');
  const file = join(session.profileDir, 'DevToolsActivePort');
  const port = await waitFor('Chromium’s DevTools port', async () => {
    const [line] = (await readFile(file, 'utf8')).split('\n');
    return line && /^\d+$/.test(line) ? line : undefined;
  });
  return `http://127.0.0.1:${port}`;
}

async function pages(devTools: string): Promise<DevToolsTarget[]> {
  const response = await fetch(`${devTools}/json/list`);
  return ((await response.json()) as DevToolsTarget[]).filter((target) => target.type === 'page');
}

/** Closes the browser the way its window's close button ends an app-mode Chromium. */
async function closeBrowser(devTools: string): Promise<void> {
  const browser = await chromium.connectOverCDP(devTools);
  const cdp = await browser.newBrowserCDPSession();
  await cdp.send('Browser.close').catch(() => undefined);
}

function desktop(
  daemonUrl: string | undefined,
  extra: Partial<Parameters<typeof startDesktop>[0]> = {},
) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new MissingDependencyError(`Chromium at ${CHROMIUM_PATH}`, 'chromium');
  }
  return startDesktop({
    argv: daemonUrl === undefined ? [] : [`--daemon-url=${daemonUrl}`],
    env: {},
    workDir: '/nonexistent/mesolite-work-dir',
    electronBinary: undefined,
    chromiumBinary: CHROMIUM_PATH,
    electronApp: '/nonexistent/electron-app',
    extraBrowserArgs: HEADLESS,
    stdio: 'ignore',
    ...extra,
  });
}

describe('npm run desktop without Electron', () => {
  let daemon: TestDaemon | undefined;
  let session: DesktopSession | undefined;
  afterEach(async () => {
    await session?.stop();
    session = undefined;
    await daemon?.stop();
    daemon = undefined;
  });

  it('opens the daemon’s UI in Chromium’s app mode', async () => {
    daemon = await startTestDaemon();
    session = await desktop(daemon.url);
    expect(session.shell).toBe('chromium');
    const devTools = await devToolsUrl(session);
    const shown = await waitFor('the UI page, loaded', async () => {
      const found = (await pages(devTools)).find((page) => page.url.startsWith(daemon?.url ?? '-'));
      // Until the document has a <title>, Chromium lists the URL as the page's title.
      return found && !found.title.includes('127.0.0.1') ? found : undefined;
    });
    expect(shown.url).toBe(`${daemon.url}/`);
  });

  it('leaves a daemon it found running when the browser exits, and removes its profile', async () => {
    daemon = await startTestDaemon();
    session = await desktop(daemon.url);
    const profile = session.profileDir;
    await closeBrowser(await devToolsUrl(session));
    await session.finished;
    expect(await probeHealth(daemon.url)).toBeUndefined();
    // Its parent too: Chromium's helpers, outliving the browser, must not recreate it.
    expect(profile !== undefined && existsSync(dirname(profile))).toBe(false);
  });

  it('stops the daemon it started when the browser exits', async () => {
    session = await desktop(undefined, {
      startDaemon: async () => {
        daemon = await startTestDaemon();
        return daemon;
      },
    });
    const url = session.daemonUrl;
    expect(url).toBe(daemon?.url);
    await closeBrowser(await devToolsUrl(session));
    await session.finished;
    expect(await probeHealth(url)).toMatch(/ECONNREFUSED/);
  });

  it('closes the browser and stops its daemon when stopped (Ctrl+C)', async () => {
    session = await desktop(undefined, {
      startDaemon: async () => {
        daemon = await startTestDaemon();
        return daemon;
      },
    });
    await devToolsUrl(session);
    // Chromium's single-instance dir in /tmp, which a browser ended by a signal leaves behind.
    const singleton = dirname(await readlink(join(session.profileDir ?? '/', 'SingletonSocket')));
    expect(existsSync(singleton)).toBe(true);
    await session.stop();
    expect(await probeHealth(session.daemonUrl)).toMatch(/ECONNREFUSED/);
    expect(existsSync(dirname(session.profileDir ?? '/'))).toBe(false);
    expect(existsSync(singleton)).toBe(false);
  });

  it('refuses a daemon URL that is not http(s), starting nothing', async () => {
    await expect(desktop('ftp://mesos.lan/')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_INVALID_DAEMON_URL',
    });
  });

  it('says what to install when there is no browser at all', async () => {
    await expect(desktop(undefined, { chromiumBinary: undefined })).rejects.toMatchObject({
      code: 'MESOLITE_ERR_NO_DESKTOP_BROWSER',
      message: expect.stringContaining('apt-get install chromium'),
    });
  });
});
