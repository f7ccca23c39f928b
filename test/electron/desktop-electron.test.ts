import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDesktop } from '@mesolite/electron/desktop-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Electron cannot run here, so a stand-in executable takes its place: it records the
 * arguments it was started with and exits with the code it is told, as Electron would.
 */
describe('npm run desktop with Electron installed', () => {
  let dir: string;
  let electron: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-electron-'));
    electron = join(dir, 'electron');
    await writeFile(
      electron,
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(dir, 'args')}"\nexit "\${EXIT_CODE:-0}"\n`,
    );
    await chmod(electron, 0o755);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const args = async () => (await readFile(join(dir, 'args'), 'utf8')).trim().split('\n');

  function desktop(argv: string[] = []) {
    return startDesktop({
      argv,
      env: {},
      workDir: join(dir, 'work'),
      electronBinary: electron,
      chromiumBinary: '/usr/bin/chromium',
      electronApp: '/opt/mesolite/electron',
      stdio: 'ignore',
      startDaemon: async () => {
        throw new Error('the launcher must leave the daemon to Electron');
      },
    });
  }

  it('runs the app in Electron, which embeds the daemon itself', async () => {
    const session = await desktop();
    expect(session.shell).toBe('electron');
    expect(await session.finished).toBe(0);
    expect(await args()).toEqual(['/opt/mesolite/electron']);
  });

  it('passes a configured daemon on to Electron', async () => {
    const session = await desktop(['--daemon-url=http://mesos.lan:5050']);
    await session.finished;
    expect(await args()).toEqual(['/opt/mesolite/electron', '--daemon-url=http://mesos.lan:5050']);
  });

  it('reads the daemon URL from the settings file in the work dir', async () => {
    await mkdir(join(dir, 'work'));
    await writeFile(join(dir, 'work', 'desktop.json'), '{"daemonUrl":"http://saved.lan:5050"}');
    const session = await desktop();
    await session.finished;
    expect(await args()).toContain('--daemon-url=http://saved.lan:5050');
  });

  it('refuses a broken settings file before starting anything', async () => {
    await mkdir(join(dir, 'work'));
    await writeFile(join(dir, 'work', 'desktop.json'), '{"daemonUrl":');
    await expect(desktop()).rejects.toMatchObject({
      code: 'MESOLITE_ERR_INVALID_DESKTOP_SETTINGS',
    });
    await expect(readFile(join(dir, 'args'))).rejects.toThrow(/ENOENT/);
  });
});
