import { mainWindowOptions } from '@mesolite/electron/window-options';
import { describe, expect, it } from 'vitest';

const options = mainWindowOptions({ preloadPath: '/opt/mesolite/dist/preload.cjs' });

describe('the app window', () => {
  it('isolates the page from the preload’s context', () => {
    expect(options.webPreferences?.contextIsolation).toBe(true);
  });

  it('gives the page no Node.js, in the page or its workers', () => {
    expect(options.webPreferences?.nodeIntegration).toBe(false);
    expect(options.webPreferences?.nodeIntegrationInWorker).toBe(false);
  });

  it('runs the renderer in the sandbox', () => {
    expect(options.webPreferences?.sandbox).toBe(true);
  });

  it('keeps web security on and refuses mixed content and webviews', () => {
    expect(options.webPreferences).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('loads the bundled preload', () => {
    expect(options.webPreferences?.preload).toBe('/opt/mesolite/dist/preload.cjs');
  });

  it('stays hidden until the page is ready to show', () => {
    expect(options.show).toBe(false);
  });
});
