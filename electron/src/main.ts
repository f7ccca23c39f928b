/**
 * The Electron main process. It only wires Electron to the shell's modules: which daemon
 * (daemon-target, launch-plan, daemon-connection), the window (window-options), where
 * links go (navigation-policy), the menus (app-menu), the channels (ipc-handlers), the
 * Zombies Tracker (zombies-opener), one instance (single-instance) and quitting
 * (quit-controller). Every decision is made and tested there.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultWorkDir } from '@mesolite/daemon/config/daemon-options';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  shell,
  Tray,
  type WebContents,
} from 'electron';
import {
  appMenu,
  electronTemplate,
  type MenuState,
  type ShellAction,
  trayMenu,
} from './app-menu.js';
import { connectDaemon, type DaemonConnection } from './daemon-connection.js';
import { configuredDaemonUrl, parseSettings, settingsPath } from './daemon-target.js';
import type { EventChannel, EventPayload, ZombiesProgress } from './ipc-channels.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { planDaemon } from './launch-plan.js';
import { navigationVerdict } from './navigation-policy.js';
import { QuitController } from './quit-controller.js';
import { secondInstanceSteps, startupVerdict } from './single-instance.js';
import { mainWindowOptions } from './window-options.js';
import { openZombies } from './zombies-opener.js';

const here = dirname(fileURLToPath(import.meta.url));
const PRELOAD = join(here, 'preload.cjs');
const ICON = join(here, '..', 'build', 'icon.png');

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function connect(workDir: string): Promise<DaemonConnection> {
  const path = settingsPath(workDir);
  const settings = parseSettings(await readOptional(path), path);
  const configured = configuredDaemonUrl({ argv: process.argv, env: process.env, settings });
  const plan = planDaemon(configured.url);
  if ('shell' in plan) throw new Error(plan.message);
  return connectDaemon({ plan, workDir });
}

function send<C extends EventChannel>(target: WebContents, channel: C, payload: EventPayload<C>) {
  if (!target.isDestroyed()) target.send(channel, payload);
}

/** Keeps every navigation of the window on the daemon's origin; see navigation-policy. */
function guardNavigation(contents: WebContents, daemonUrl: string): void {
  const route = (url: string): boolean => {
    const verdict = navigationVerdict(daemonUrl, url);
    if (verdict === 'system-browser') void shell.openExternal(url);
    return verdict === 'in-app';
  };
  contents.on('will-navigate', (event) => {
    if (!route(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!route(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // A new window of the UI opens in the one window, which holds the preload's API.
    if (route(url)) void contents.loadURL(url);
    return { action: 'deny' };
  });
}

async function run(): Promise<void> {
  if (startupVerdict(app.requestSingleInstanceLock()) === 'quit') {
    app.quit();
    return;
  }
  await app.whenReady();

  let connection: DaemonConnection;
  try {
    connection = await connect(defaultWorkDir());
  } catch (err) {
    dialog.showErrorBox('mesolite cannot start', (err as Error).message);
    app.exit(1);
    return;
  }
  const daemonUrl = connection.url;
  const quitter = new QuitController({
    embedded: connection.embedded,
    stopDaemon: () => connection.close(),
    quit: () => app.quit(),
    onStopError: (err) => process.stderr.write(`mesolite: stopping the daemon failed: ${err}\n`),
  });
  app.on('before-quit', (event) => quitter.beforeQuit(event));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  let window: BrowserWindow | undefined;
  const showWindow = () => {
    // A closed window's object throws on every call, so it counts as no window.
    const live = window?.isDestroyed() === false ? window : undefined;
    const steps = secondInstanceSteps({
      exists: live !== undefined,
      minimized: live?.isMinimized() ?? false,
      visible: live?.isVisible() ?? false,
    });
    for (const step of steps) {
      if (step === 'create') window = createWindow();
      else if (step === 'restore') window?.restore();
      else if (step === 'show') window?.show();
      else window?.focus();
    }
  };
  const createWindow = (): BrowserWindow => {
    const created = new BrowserWindow(mainWindowOptions({ preloadPath: PRELOAD }));
    created.once('ready-to-show', () => created.show());
    guardNavigation(created.webContents, daemonUrl);
    void created.loadURL(`${daemonUrl}/`);
    return created;
  };

  const state: { -readonly [K in keyof MenuState]: MenuState[K] } = {
    daemonUrl,
    embedded: connection.embedded,
    zombies: 'idle',
  };
  const tray = new Tray(nativeImage.createFromPath(ICON));
  tray.setToolTip(`mesolite · ${daemonUrl}`);
  const refreshMenus = () => {
    Menu.setApplicationMenu(Menu.buildFromTemplate(electronTemplate(appMenu(state), act)));
    tray.setContextMenu(Menu.buildFromTemplate(electronTemplate(trayMenu(state), act)));
  };
  const showZombies = async (): Promise<ZombiesProgress> => {
    state.zombies = 'deploying';
    refreshMenus();
    try {
      return await openZombies({
        daemonUrl,
        open: (url) => shell.openExternal(url),
        report: (progress) => {
          if (window) send(window.webContents, 'mesolite:zombies-progress', progress);
        },
      });
    } finally {
      state.zombies = 'idle';
      refreshMenus();
    }
  };
  function act(action: ShellAction): void {
    if (action === 'show-window') showWindow();
    else if (action === 'reload') window?.webContents.reload();
    else if (action === 'toggle-devtools') window?.webContents.toggleDevTools();
    else if (action === 'open-in-browser') void shell.openExternal(`${daemonUrl}/`);
    else if (action === 'open-zombies') void showZombies();
    else app.quit();
  }

  registerIpcHandlers(ipcMain, daemonUrl, {
    'mesolite:shell-info': async () => ({
      daemonUrl,
      embedded: connection.embedded,
      version: app.getVersion(),
    }),
    'mesolite:open-zombies': showZombies,
    'mesolite:open-external': async (url) => {
      if (navigationVerdict(daemonUrl, url) !== 'system-browser') return false;
      await shell.openExternal(url);
      return true;
    },
  });
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock and the tray; elsewhere closing the window quits.
    if (process.platform !== 'darwin') app.quit();
  });
  refreshMenus();
  showWindow();
}

void run();
