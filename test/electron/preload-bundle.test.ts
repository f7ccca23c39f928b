import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CONFIG = resolve(import.meta.dirname, '../../electron/vite.preload.config.ts');

describe('the bundled preload', () => {
  let outDir: string;
  let source: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'mesolite-preload-'));
    await build({ configFile: CONFIG, logLevel: 'silent', build: { outDir } });
    source = await readFile(join(outDir, 'preload.cjs'), 'utf8');
  });
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  /** Runs the bundle as a sandboxed preload does: a require that knows 'electron' only. */
  function runSandboxed() {
    const exposed = new Map<string, unknown>();
    const required: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async () => undefined,
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`module not found: ${name}`);
      return electron;
    };
    const module = { exports: {} };
    // The renderer's web globals are there; Node's modules are not.
    runInNewContext(source, {
      require: sandboxRequire,
      module,
      exports: module.exports,
      TextEncoder,
      TextDecoder,
      console,
    });
    return { exposed, required };
  }

  it('is one CommonJS file that requires only electron, as the sandbox allows', () => {
    expect(runSandboxed().required).toEqual(['electron']);
  });

  it('exposes the desktop API on window.mesoliteDesktop', () => {
    const api = runSandboxed().exposed.get('mesoliteDesktop') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });
});
