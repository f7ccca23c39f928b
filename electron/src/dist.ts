#!/usr/bin/env node
/**
 * `npm run dist`: runs electron-builder (electron-builder.yml) for this platform, with
 * the Electron version that is installed, showing its progress lines, writing its whole
 * log to release/electron-builder.log, and ending a failure with builder-failure's message.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explainBuilderFailure } from './builder-failure.js';

const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RELEASE_DIR = join(APP_DIR, 'release');
const LOG_PATH = join(RELEASE_DIR, 'electron-builder.log');

async function main(): Promise<number> {
  const require = createRequire(import.meta.url);
  // electron-builder needs an exact version; package.json holds a range, node_modules the version.
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  const cli = join(dirname(require.resolve('electron-builder/package.json')), 'cli.js');
  await mkdir(RELEASE_DIR, { recursive: true });
  const log = createWriteStream(LOG_PATH);
  const child = spawn(
    process.execPath,
    [
      cli,
      '--projectDir',
      APP_DIR,
      '--config',
      'electron-builder.yml',
      `-c.electronVersion=${electronVersion}`,
      ...process.argv.slice(2),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let shown = 0;
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    log.write(text);
    // Only whole lines: a chunk may end in the middle of one.
    const end = output.lastIndexOf('\n') + 1;
    for (const line of output.slice(shown, end).split('\n')) {
      if (/^\s*•/.test(line)) process.stdout.write(`${line}\n`);
    }
    shown = Math.max(shown, end);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  await new Promise((done) => log.end(done));
  if (code === 0) {
    process.stdout.write(`Installers are in ${RELEASE_DIR}\n`);
    return 0;
  }
  process.stderr.write(
    `npm run dist: ${explainBuilderFailure(output, {
      electronVersion,
      platform: process.platform,
      arch: process.arch,
      logPath: LOG_PATH,
    })}\n`,
  );
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`npm run dist: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
