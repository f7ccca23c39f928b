import {
  configuredDaemonUrl,
  daemonUrlFlag,
  parseSettings,
  settingsPath,
} from '@mesolite/electron/daemon-target';
import { describe, expect, it } from 'vitest';

const FLAG_URL = 'http://flag.lan:5050';
const ENV_URL = 'http://env.lan:5050';
const SAVED_URL = 'http://saved.lan:5050';

describe('reading --daemon-url', () => {
  it('reads --daemon-url=URL', () => {
    expect(daemonUrlFlag(['electron', 'main.js', `--daemon-url=${FLAG_URL}`])).toBe(FLAG_URL);
  });

  it('reads --daemon-url URL', () => {
    expect(daemonUrlFlag(['main.js', '--daemon-url', FLAG_URL])).toBe(FLAG_URL);
  });

  it('takes the last of repeated flags, as command lines do', () => {
    expect(daemonUrlFlag([`--daemon-url=${ENV_URL}`, `--daemon-url=${FLAG_URL}`])).toBe(FLAG_URL);
  });

  it('finds nothing without the flag', () => {
    expect(daemonUrlFlag(['main.js', '--daemon-urls=x'])).toBeUndefined();
  });
});

describe('choosing the configured daemon URL', () => {
  const all = {
    argv: [`--daemon-url=${FLAG_URL}`],
    env: { MESOLITE_DAEMON_URL: ENV_URL },
    settings: { daemonUrl: SAVED_URL },
  };

  it('prefers the flag to the environment and the settings file', () => {
    expect(configuredDaemonUrl(all)).toEqual({ url: FLAG_URL, source: 'flag' });
  });

  it('prefers MESOLITE_DAEMON_URL to the settings file', () => {
    expect(configuredDaemonUrl({ ...all, argv: [] })).toEqual({ url: ENV_URL, source: 'env' });
  });

  it('uses the settings file when neither flag nor variable is given', () => {
    expect(configuredDaemonUrl({ ...all, argv: [], env: {} })).toEqual({
      url: SAVED_URL,
      source: 'settings',
    });
  });

  it('treats blank values as not given', () => {
    expect(
      configuredDaemonUrl({
        argv: ['--daemon-url='],
        env: { MESOLITE_DAEMON_URL: '  ' },
        settings: { daemonUrl: SAVED_URL },
      }).source,
    ).toBe('settings');
  });

  it('configures none when no source names a daemon, meaning the embedded one', () => {
    expect(configuredDaemonUrl({ argv: [], env: {}, settings: {} })).toEqual({
      url: undefined,
      source: 'none',
    });
  });
});

describe('the settings file', () => {
  const path = settingsPath('/home/ada/.mesolite');

  it('lives in the work dir as desktop.json', () => {
    expect(path).toBe('/home/ada/.mesolite/desktop.json');
  });

  it('is optional', () => {
    expect(parseSettings(undefined, path)).toEqual({});
  });

  it('may be empty', () => {
    expect(parseSettings('\n', path)).toEqual({});
  });

  it('holds the daemon URL', () => {
    expect(parseSettings(`{"daemonUrl":"${SAVED_URL}"}`, path)).toEqual({ daemonUrl: SAVED_URL });
  });

  it('is refused with its path when it is not JSON', () => {
    expect(() => parseSettings('{daemonUrl:', path)).toThrow(
      expect.objectContaining({
        code: 'MESOLITE_ERR_INVALID_DESKTOP_SETTINGS',
        message: expect.stringContaining(path),
      }),
    );
  });

  it('is refused when daemonUrl is not a string', () => {
    expect(() => parseSettings('{"daemonUrl":5050}', path)).toThrow(/daemonUrl/);
  });

  it('is refused when it has a field the shell does not know, so a typo is not ignored', () => {
    expect(() => parseSettings(`{"daemonURL":"${SAVED_URL}"}`, path)).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_DESKTOP_SETTINGS' }),
    );
  });
});
