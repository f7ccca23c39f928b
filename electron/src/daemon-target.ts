/**
 * Where the shell's daemon URL comes from: the --daemon-url flag, else the
 * MESOLITE_DAEMON_URL variable, else `daemonUrl` in the settings file, else none (the
 * embedded daemon). The nearest source wins, so a one-off flag beats a saved setting.
 */
import { join } from 'node:path';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { InvalidDesktopSettingsError } from './errors.js';

export const DAEMON_URL_FLAG = '--daemon-url';
export const DAEMON_URL_ENV = 'MESOLITE_DAEMON_URL';
export const SETTINGS_FILE = 'desktop.json';

export const DesktopSettingsSchema = Type.Object(
  {
    /** The daemon to show instead of starting the embedded one. */
    daemonUrl: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DesktopSettings = Static<typeof DesktopSettingsSchema>;

/** The settings file lives in the work dir, next to the state of the daemon it configures. */
export function settingsPath(workDir: string): string {
  return join(workDir, SETTINGS_FILE);
}

/** Parses the settings file's text; a missing file (undefined) means no settings. */
export function parseSettings(text: string | undefined, path: string): DesktopSettings {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidDesktopSettingsError(path, `it is not JSON (${(err as Error).message})`);
  }
  const firstError = Value.Errors(DesktopSettingsSchema, parsed)[0];
  if (firstError) {
    const field = firstError.instancePath.replace(/^\//, '') || 'the file';
    throw new InvalidDesktopSettingsError(path, `${field} ${firstError.message}`);
  }
  return parsed as DesktopSettings;
}

/** The value of --daemon-url, spelled `--daemon-url=URL` or `--daemon-url URL`. */
export function daemonUrlFlag(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  argv.forEach((arg, index) => {
    if (arg.startsWith(`${DAEMON_URL_FLAG}=`)) found = arg.slice(DAEMON_URL_FLAG.length + 1);
    else if (arg === DAEMON_URL_FLAG) found = argv[index + 1];
  });
  return found;
}

export type DaemonUrlSource = 'flag' | 'env' | 'settings' | 'none';

export interface ConfiguredDaemonUrl {
  readonly url: string | undefined;
  readonly source: DaemonUrlSource;
}

export interface DaemonUrlSources {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: DesktopSettings;
}

const present = (value: string | undefined) => value !== undefined && value.trim() !== '';

export function configuredDaemonUrl(sources: DaemonUrlSources): ConfiguredDaemonUrl {
  const flag = daemonUrlFlag(sources.argv);
  if (present(flag)) return { url: flag, source: 'flag' };
  const env = sources.env[DAEMON_URL_ENV];
  if (present(env)) return { url: env, source: 'env' };
  if (present(sources.settings.daemonUrl)) {
    return { url: sources.settings.daemonUrl, source: 'settings' };
  }
  return { url: undefined, source: 'none' };
}
