/** The desktop shell's errors, each with a stable code and a message that says what to do. */
import { defineError } from '@mesolite/daemon';

export const DaemonUnreachableError = defineError(
  'MESOLITE_ERR_DAEMON_UNREACHABLE',
  502,
  (url: string, cause: string) =>
    `No mesolite daemon answers at ${url}/health (${cause}). Start it there with ` +
    '`mesolite up`, or give no --daemon-url (nor MESOLITE_DAEMON_URL, nor daemonUrl in the ' +
    'settings file) to start the embedded one.',
);

export const InvalidDesktopSettingsError = defineError(
  'MESOLITE_ERR_INVALID_DESKTOP_SETTINGS',
  400,
  (path: string, problem: string) =>
    `The desktop settings file ${path} is not valid: ${problem}. Fix it or delete it.`,
);

export const InvalidDaemonUrlError = defineError(
  'MESOLITE_ERR_INVALID_DAEMON_URL',
  400,
  (message: string) => message,
);

export const IpcRefusedError = defineError(
  'MESOLITE_ERR_IPC_REFUSED',
  403,
  (channel: string, reason: string) => `The desktop shell refused ${channel}: ${reason}.`,
);

export const NoDesktopBrowserError = defineError(
  'MESOLITE_ERR_NO_DESKTOP_BROWSER',
  500,
  (message: string) => message,
);
