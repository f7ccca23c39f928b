#!/usr/bin/env node
/**
 * `npm run desktop`: the mesolite desktop app where Electron is installed, and otherwise
 * the UI in Chromium's app mode against a daemon this process finds or starts. Ctrl+C
 * closes the browser; closing the browser stops what was started.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, MesoliteError } from '@mesolite/daemon';
import { defaultWorkDir } from '@mesolite/daemon/config/daemon-options';
import { installedChromium, installedElectron } from './browser-binaries.js';
import { startDesktop } from './desktop-session.js';

const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<number> {
  const session = await startDesktop({
    argv: process.argv.slice(2),
    env: process.env,
    workDir: defaultWorkDir(),
    electronBinary: installedElectron(),
    chromiumBinary: installedChromium(),
    electronApp: APP_DIR,
    logger: createLogger('warn'),
  });
  process.stdout.write(
    session.shell === 'electron'
      ? 'mesolite desktop: started Electron.\n'
      : `mesolite desktop: showing ${session.daemonUrl} in Chromium (Electron is not installed); ` +
          'close the window or press Ctrl+C to stop.\n',
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void session.stop());
  }
  return (await session.finished) ?? 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof MesoliteError ? err.message : String(err);
    process.stderr.write(`mesolite desktop: ${message}\n`);
    process.exit(1);
  },
);
