import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI_PATH, runCli } from '../../support/daemon.js';

describe('the mesolite CLI', () => {
  it('lists its commands in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\bup\b/);
    expect(result.stdout).toMatch(/\bhealth\b/);
  });

  it('explains each command with --help', async () => {
    const result = await runCli(['up', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--work-dir');
    expect(result.stdout).toContain('--port');
  });

  it('offers `master` for a master without a local agent', async () => {
    const result = await runCli(['master', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no local agent');
  });

  it('refuses weights that are not role=weight, saying so', async () => {
    const result = await runCli(['up', '--weights', 'ops=fast']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('"ops=fast" is not role=weight');
  });

  it('exits non-zero on an unknown option', async () => {
    const result = await runCli(['up', '--no-such-flag']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown option');
  });

  it('refuses to listen beyond loopback with no admin to log in, saying how to make one', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-cli-'));
    try {
      const result = await runCli([
        'up',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--work-dir',
        workDir,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('MESOLITE_ERR_NO_ADMIN_USER');
      expect(result.stderr).toContain('mesolite user add NAME --role admin');
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  it('reports an unreachable master from `health` with a non-zero exit', async () => {
    const result = await runCli(['health', '--master', 'http://127.0.0.1:9']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach');
  });
});

describe('mesolite up', () => {
  let workDir: string | undefined;
  afterEach(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('serves /health, prints its address, and stops cleanly on SIGTERM', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-cli-'));
    const child = spawn(
      process.execPath,
      [CLI_PATH, 'up', '--port', '0', '--work-dir', workDir, '--log-level', 'silent'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const url = /mesolite is up: (http:\/\/\S+?)\/?\s/.exec(chunk.toString())?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const health = await runCli(['health', '--master', String(url)]);
      expect(health.code).toBe(0);

      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
