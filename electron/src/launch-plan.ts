import { join } from 'node:path';

/** Where the desktop shell finds the daemon when none is configured: the embedded one. */
export const DEFAULT_DAEMON_URL = 'http://127.0.0.1:5050';

/** The Debian package that provides the fallback browser. */
export const CHROMIUM_DEBIAN_PACKAGE = 'chromium';

/**
 * Chromium flags for a quiet single-purpose window: no first-run wizard, and none of the
 * background traffic (component updates, sync, variations) a desktop app has no use for.
 */
export const CHROMIUM_APP_FLAGS: readonly string[] = [
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What `npm run desktop` found on this machine and in its configuration. */
export interface LaunchEnvironment {
  /** Path of an Electron binary, or undefined when Electron is not installed. */
  readonly electronBinary: string | undefined;
  /** Path of a Chromium binary, or undefined when none was found. */
  readonly chromiumBinary: string | undefined;
  /** The daemon to connect to, or undefined to start the embedded one. */
  readonly daemonUrl: string | undefined;
  /** What Electron runs: the desktop app's directory (its package.json names the main). */
  readonly electronMain: string;
  /** A directory the shell may write to; Chromium's profile goes under it. */
  readonly stateDir: string;
}

export type DaemonPlan =
  /** No daemon was configured: start the embedded one, listening on the default URL. */
  | { readonly mode: 'embedded'; readonly url: string }
  /** Connect to the configured daemon and start nothing. */
  | { readonly mode: 'connect'; readonly url: string };

export interface BrowserLaunch {
  readonly shell: 'electron' | 'chromium';
  readonly command: string;
  readonly args: readonly string[];
  readonly daemon: DaemonPlan;
}

export type LaunchRefusalCode =
  | 'MESOLITE_ERR_NO_DESKTOP_BROWSER'
  | 'MESOLITE_ERR_INVALID_DAEMON_URL';

export interface LaunchRefusal {
  readonly shell: 'none';
  readonly code: LaunchRefusalCode;
  readonly message: string;
  /** Debian packages that would make a launch possible. */
  readonly install: readonly string[];
}

export type LaunchPlan = BrowserLaunch | LaunchRefusal;

function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * Which daemon to show: the configured URL, normalised, or the embedded daemon when none
 * is configured; a refusal when the URL is not an http(s) URL.
 */
export function planDaemon(configured: string | undefined): DaemonPlan | LaunchRefusal {
  const raw = given(configured);
  if (raw === undefined) return { mode: 'embedded', url: DEFAULT_DAEMON_URL };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalidUrl(raw, 'it is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return invalidUrl(raw, `it uses ${url.protocol}, not http: or https:`);
  }
  // URL gives a bare host a trailing slash; drop it so that every spelling of one daemon
  // yields the same plan, written as DEFAULT_DAEMON_URL is.
  const bare = url.pathname === '/' && url.search === '' && url.hash === '';
  return { mode: 'connect', url: bare ? url.href.slice(0, -1) : url.href };
}

function invalidUrl(raw: string, reason: string): LaunchRefusal {
  return {
    shell: 'none',
    code: 'MESOLITE_ERR_INVALID_DAEMON_URL',
    message:
      `Cannot connect to the daemon at ${JSON.stringify(raw)}: ${reason}. ` +
      `Give a URL such as ${DEFAULT_DAEMON_URL}, or none to start the embedded daemon.`,
    install: [],
  };
}

/**
 * Decides how `npm run desktop` opens the UI. Electron is preferred, running the app's
 * main with the daemon URL; without it, Chromium opens the UI as an app window with its
 * own profile, so it never touches the user's browsing profile; with neither, the plan
 * says what to install. The daemon is embedded unless a URL is configured.
 *
 * @example
 * planLaunch({ electronBinary: undefined, chromiumBinary: '/usr/bin/chromium',
 *   daemonUrl: undefined, electronMain: 'electron', stateDir: '/home/me/.mesolite' })
 * // { shell: 'chromium', command: '/usr/bin/chromium', args: ['--app=http://127.0.0.1:5050', ...],
 * //   daemon: { mode: 'embedded', url: 'http://127.0.0.1:5050' } }
 */
export function planLaunch(environment: LaunchEnvironment): LaunchPlan {
  const daemon = planDaemon(environment.daemonUrl);
  if ('shell' in daemon) return daemon;

  const electron = given(environment.electronBinary);
  if (electron !== undefined) {
    return {
      shell: 'electron',
      command: electron,
      // Electron's main plans the same way: without the flag it embeds the daemon itself.
      args: [
        environment.electronMain,
        ...(daemon.mode === 'connect' ? [`--daemon-url=${daemon.url}`] : []),
      ],
      daemon,
    };
  }

  const chromium = given(environment.chromiumBinary);
  if (chromium !== undefined) {
    return {
      shell: 'chromium',
      command: chromium,
      args: [
        `--app=${daemon.url}`,
        ...CHROMIUM_APP_FLAGS,
        `--user-data-dir=${join(environment.stateDir, 'chromium-profile')}`,
      ],
      daemon,
    };
  }

  return {
    shell: 'none',
    code: 'MESOLITE_ERR_NO_DESKTOP_BROWSER',
    message:
      'The desktop app needs Electron or Chromium, and neither was found. ' +
      `Install Chromium (Debian and Ubuntu: sudo apt-get install ${CHROMIUM_DEBIAN_PACKAGE}), ` +
      `or open ${daemon.url} in any browser` +
      (daemon.mode === 'embedded' ? ' after starting the daemon with `npm start`.' : '.'),
    install: [CHROMIUM_DEBIAN_PACKAGE],
  };
}
