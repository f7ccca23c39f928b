import { chromiumOnPath, electronBinaryIn } from '@mesolite/electron/browser-binaries';
import { describe, expect, it } from 'vitest';

const existing =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);

describe('finding Electron', () => {
  const dir = '/repo/node_modules/electron';

  it('finds the binary its package downloaded, as path.txt names it', () => {
    expect(electronBinaryIn(dir, 'electron', existing(`${dir}/dist/electron`))).toBe(
      `${dir}/dist/electron`,
    );
  });

  it('finds the macOS app bundle path path.txt names', () => {
    const binary = `${dir}/dist/Electron.app/Contents/MacOS/Electron`;
    expect(electronBinaryIn(dir, 'Electron.app/Contents/MacOS/Electron\n', existing(binary))).toBe(
      binary,
    );
  });

  it('takes Electron as missing when its install script never ran (no path.txt)', () => {
    expect(electronBinaryIn(dir, undefined, () => true)).toBeUndefined();
  });

  it('takes Electron as missing when path.txt names a file that is not there', () => {
    expect(electronBinaryIn(dir, 'electron', () => false)).toBeUndefined();
  });
});

describe('finding Chromium', () => {
  it('finds Debian’s chromium on PATH', () => {
    expect(chromiumOnPath({ PATH: '/usr/local/bin:/usr/bin' }, existing('/usr/bin/chromium'))).toBe(
      '/usr/bin/chromium',
    );
  });

  it('prefers chromium to Google Chrome', () => {
    const found = chromiumOnPath(
      { PATH: '/opt/google/bin:/usr/bin' },
      existing('/opt/google/bin/google-chrome', '/usr/bin/chromium'),
    );
    expect(found).toBe('/usr/bin/chromium');
  });

  it('finds Ubuntu’s chromium-browser', () => {
    expect(chromiumOnPath({ PATH: '/usr/bin' }, existing('/usr/bin/chromium-browser'))).toBe(
      '/usr/bin/chromium-browser',
    );
  });

  it('uses MESOLITE_CHROMIUM when it names a browser that is there', () => {
    const env = { PATH: '/usr/bin', MESOLITE_CHROMIUM: '/opt/chromium/chrome' };
    expect(chromiumOnPath(env, existing('/opt/chromium/chrome', '/usr/bin/chromium'))).toBe(
      '/opt/chromium/chrome',
    );
  });

  it('finds none when MESOLITE_CHROMIUM names a missing file, rather than another browser', () => {
    const env = { PATH: '/usr/bin', MESOLITE_CHROMIUM: '/opt/missing' };
    expect(chromiumOnPath(env, existing('/usr/bin/chromium'))).toBeUndefined();
  });

  it('finds none without PATH', () => {
    expect(chromiumOnPath({}, () => true)).toBeUndefined();
  });
});
