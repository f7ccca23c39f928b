/**
 * The application menu and the tray menu as data: entries name an action instead of
 * holding a click handler, so the menus can be checked without Electron and main maps
 * each action to what it does in one place.
 */
import type { MenuItemConstructorOptions } from 'electron';

export type ShellAction =
  | 'show-window'
  | 'reload'
  | 'open-zombies'
  | 'open-in-browser'
  | 'toggle-devtools'
  | 'quit';

export interface MenuEntry {
  readonly label?: string;
  readonly action?: ShellAction;
  readonly accelerator?: string;
  readonly enabled?: boolean;
  readonly separator?: true;
  /** An Electron role (copy, paste, …) for the edit entries the platform implements. */
  readonly role?: 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll';
  readonly submenu?: readonly MenuEntry[];
}

export type ZombiesMenuState = 'idle' | 'deploying';

export interface MenuState {
  readonly daemonUrl: string;
  readonly embedded: boolean;
  readonly zombies: ZombiesMenuState;
}

const SEPARATOR: MenuEntry = { separator: true };

function zombiesEntry(state: MenuState): MenuEntry {
  return state.zombies === 'deploying'
    ? { label: 'Deploying the Zombies Tracker…', action: 'open-zombies', enabled: false }
    : { label: 'Open the Zombies Tracker', action: 'open-zombies' };
}

function daemonLabel(state: MenuState): string {
  return `${state.embedded ? 'Embedded daemon' : 'Daemon'} at ${state.daemonUrl}`;
}

export function appMenu(state: MenuState): MenuEntry[] {
  return [
    {
      label: 'mesolite',
      submenu: [
        { label: daemonLabel(state), enabled: false },
        { label: 'Open in the Browser', action: 'open-in-browser' },
        SEPARATOR,
        {
          label: state.embedded ? 'Quit (stops the embedded daemon)' : 'Quit',
          action: 'quit',
          accelerator: 'CmdOrCtrl+Q',
        },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        SEPARATOR,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { label: 'Reload', action: 'reload', accelerator: 'CmdOrCtrl+R' },
        { label: 'Developer Tools', action: 'toggle-devtools', accelerator: 'CmdOrCtrl+Alt+I' },
      ],
    },
    { label: 'Demo', submenu: [zombiesEntry(state)] },
  ];
}

export function trayMenu(state: MenuState): MenuEntry[] {
  return [
    { label: 'Show mesolite', action: 'show-window' },
    zombiesEntry(state),
    SEPARATOR,
    { label: daemonLabel(state), enabled: false },
    { label: 'Quit', action: 'quit' },
  ];
}

/** Electron's template for the entries, each action calling `run`. */
export function electronTemplate(
  entries: readonly MenuEntry[],
  run: (action: ShellAction) => void,
): MenuItemConstructorOptions[] {
  return entries.map((entry): MenuItemConstructorOptions => {
    if (entry.separator) return { type: 'separator' };
    const { action, submenu, separator: _separator, ...rest } = entry;
    return {
      ...rest,
      ...(action === undefined ? {} : { click: () => run(action) }),
      ...(submenu === undefined ? {} : { submenu: electronTemplate(submenu, run) }),
    };
  });
}
