import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { joinInstructions } from '@mesolite/daemon/cli/join-instructions';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_PATH } from '../../support/daemon.js';
import { waitFor } from '../../support/wait.js';
import { ADMIN, workDirWithUsers } from './secure-daemon.js';

describe('the agent command a master prints', () => {
  it('names the master and the token', () => {
    const text = joinInstructions(
      'https://10.0.0.5:5050',
      'K10abc::agent:secret',
      '/w/tls/ca.crt',
      true,
    );
    expect(text).toContain(
      'mesolite agent --master https://10.0.0.5:5050 --token K10abc::agent:secret',
    );
    expect(text).toContain('--ca-cert /w/tls/ca.crt');
  });

  it('replaces a wildcard listen address by one other machines can reach', () => {
    const text = joinInstructions(
      'https://0.0.0.0:5050',
      'T',
      undefined,
      false,
      () => '192.168.1.7',
    );
    expect(text).toContain('--master https://192.168.1.7:5050 --token T');
  });
});

describe('mesolite master --auth', () => {
  let child: ChildProcess | undefined;
  let workDir: string | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'close');
    }
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('prints the exact command that joins an agent, with the token it keeps', async () => {
    workDir = await workDirWithUsers([ADMIN]);
    const started = spawn(
      process.execPath,
      [
        CLI_PATH,
        'master',
        '--auth',
        '--port',
        '0',
        '--work-dir',
        workDir,
        '--plugins',
        '',
        '--log-level',
        'silent',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = started;
    let out = '';
    started.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    const command = await waitFor(
      'the agent command',
      async () =>
        /mesolite agent --master (https:\/\/127\.0\.0\.1:\d+) --token (K10\S+)/.exec(out) ??
        undefined,
    );
    expect(command[2]).toBe((await readFile(join(workDir, 'join-token'), 'utf8')).trim());
    expect(out).toContain(`mesolite is up: ${command[1]}/`);
  });
});
