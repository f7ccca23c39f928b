/** The app window's options, as data: the security settings are fixed here, once. */
import type { BrowserWindowConstructorOptions } from 'electron';

export const APP_TITLE = 'mesolite';

export interface WindowInput {
  /** Absolute path of the bundled preload (dist/preload.cjs). */
  readonly preloadPath: string;
}

export function mainWindowOptions(input: WindowInput): BrowserWindowConstructorOptions {
  return {
    title: APP_TITLE,
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    // Shown on ready-to-show, so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}
