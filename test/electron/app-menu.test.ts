import {
  appMenu,
  electronTemplate,
  type MenuEntry,
  type MenuState,
  type ShellAction,
  trayMenu,
} from '@mesolite/electron/app-menu';
import { describe, expect, it } from 'vitest';

const EMBEDDED: MenuState = { daemonUrl: 'http://127.0.0.1:5050', embedded: true, zombies: 'idle' };

function flatten(entries: readonly MenuEntry[]): MenuEntry[] {
  return entries.flatMap((entry) => [entry, ...flatten(entry.submenu ?? [])]);
}

const actions = (entries: readonly MenuEntry[]) =>
  flatten(entries).flatMap((entry) => (entry.action ? [entry.action] : []));

describe('the application menu', () => {
  it('offers the Zombies Tracker', () => {
    expect(flatten(appMenu(EMBEDDED))).toContainEqual({
      label: 'Open the Zombies Tracker',
      action: 'open-zombies',
    });
  });

  it('names the daemon it shows, and whether it is embedded', () => {
    const labels = flatten(appMenu(EMBEDDED)).map((entry) => entry.label);
    expect(labels).toContain('Embedded daemon at http://127.0.0.1:5050');
    expect(
      flatten(appMenu({ ...EMBEDDED, embedded: false })).map((entry) => entry.label),
    ).toContain('Daemon at http://127.0.0.1:5050');
  });

  it('says that quitting stops the embedded daemon', () => {
    const quit = flatten(appMenu(EMBEDDED)).find((entry) => entry.action === 'quit');
    expect(quit).toMatchObject({
      label: 'Quit (stops the embedded daemon)',
      accelerator: 'CmdOrCtrl+Q',
    });
  });

  it('greys out the Zombies Tracker entry while it deploys', () => {
    const entry = flatten(appMenu({ ...EMBEDDED, zombies: 'deploying' })).find(
      (item) => item.action === 'open-zombies',
    );
    expect(entry).toMatchObject({ label: 'Deploying the Zombies Tracker…', enabled: false });
  });

  it('keeps the platform’s edit commands, so copy and paste work in forms', () => {
    const roles = flatten(appMenu(EMBEDDED)).flatMap((entry) => (entry.role ? [entry.role] : []));
    expect(roles).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
  });
});

describe('the tray menu', () => {
  it('shows the window, opens the Zombies Tracker and quits', () => {
    expect(actions(trayMenu(EMBEDDED))).toEqual(['show-window', 'open-zombies', 'quit']);
  });

  it('greys out the Zombies Tracker entry while it deploys', () => {
    const entry = trayMenu({ ...EMBEDDED, zombies: 'deploying' })[1];
    expect(entry?.enabled).toBe(false);
  });
});

describe("Electron's template", () => {
  it('calls the action of the clicked entry', () => {
    const ran: ShellAction[] = [];
    const template = electronTemplate(trayMenu(EMBEDDED), (action) => ran.push(action));
    const click = template[1]?.click as (() => void) | undefined;
    click?.();
    expect(ran).toEqual(['open-zombies']);
  });

  it('turns separators into separator items', () => {
    const template = electronTemplate(trayMenu(EMBEDDED), () => undefined);
    expect(template[2]).toEqual({ type: 'separator' });
  });

  it('converts submenus, keeping roles and accelerators', () => {
    const template = electronTemplate(appMenu(EMBEDDED), () => undefined);
    const edit = template.find((item) => item.label === 'Edit');
    expect(Array.isArray(edit?.submenu) && edit.submenu[0]).toEqual({ role: 'undo' });
    const view = template.find((item) => item.label === 'View');
    const reload = Array.isArray(view?.submenu) ? view.submenu[0] : undefined;
    expect(reload).toMatchObject({ label: 'Reload', accelerator: 'CmdOrCtrl+R' });
    expect(typeof reload?.click).toBe('function');
  });

  it('gives an entry without an action no click handler', () => {
    const template = electronTemplate(trayMenu(EMBEDDED), () => undefined);
    expect(template[3]).toEqual({
      label: 'Embedded daemon at http://127.0.0.1:5050',
      enabled: false,
    });
  });
});
