/**
 * The preload, run sandboxed before the UI loads. A sandboxed preload can require only
 * 'electron' and a few built-ins, so this entry is bundled with its imports into
 * dist/preload.cjs (vite.preload.config.ts) and that bundle is what the window loads.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { exposeDesktopApi } from './preload-api.js';

exposeDesktopApi(contextBridge, ipcRenderer);
