import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const HELLO = join(import.meta.dirname, 'fixtures/hello');
const BROKEN = join(import.meta.dirname, 'fixtures/broken-activate');

describe('mesolite plugin pack | install | upgrade | remove', () => {
  let daemon: TestDaemon;
  let dir: string;
  beforeEach(async () => {
    daemon = await startTestDaemon();
    dir = await mkdtemp(join(tmpdir(), 'mesolite-plugin-cli-'));
  });
  afterEach(async () => {
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('packs a plugin and installs it on a running master, which serves it', async () => {
    const tgz = join(dir, 'hello.tgz');
    expect((await runCli(['plugin', 'pack', HELLO, '-o', tgz])).stdout).toBe(
      `packed hello 1.2.3 into ${tgz}\n`,
    );
    const installed = await runCli(['plugin', 'install', tgz, '--master', daemon.url]);
    expect(installed).toMatchObject({ code: 0, stdout: 'hello 1.2.3: active\n' });
    const greeting = await fetch(`${daemon.url}/service/hello/greeting`);
    expect(await greeting.json()).toEqual({ greeting: 'hello' });
  });

  it('upgrades and removes an installed plugin', async () => {
    const tgz = join(dir, 'hello.tgz');
    await runCli(['plugin', 'pack', HELLO, '-o', tgz]);
    await runCli(['plugin', 'install', tgz, '--master', daemon.url]);
    const upgraded = await runCli(['plugin', 'upgrade', 'hello', tgz, '--master', daemon.url]);
    expect(upgraded).toMatchObject({ code: 0, stdout: 'hello 1.2.3: active\n' });
    const removed = await runCli(['plugin', 'remove', 'hello', '--master', daemon.url]);
    expect(removed).toMatchObject({ code: 0, stdout: 'hello: removed\n' });
    expect((await fetch(`${daemon.url}/service/hello/greeting`)).status).toBe(404);
  });

  it('exits non-zero with the reason when the installed plugin fails to activate', async () => {
    const tgz = join(dir, 'broken.tgz');
    await runCli(['plugin', 'pack', BROKEN, '-o', tgz]);
    const installed = await runCli(['plugin', 'install', tgz, '--master', daemon.url]);
    expect(installed.code).toBe(1);
    expect(installed.stdout).toContain('broken 0.0.1: failed');
    expect(installed.stdout).toContain('the database this plugin needs is not configured');
  });

  it('refuses to pack a directory without a valid manifest, saying why', async () => {
    const packed = await runCli(['plugin', 'pack', dir, '-o', join(dir, 'x.tgz')]);
    expect(packed.code).toBe(1);
    expect(packed.stderr).toContain('cannot read its package.json');
  });

  it('says why a master refused a package', async () => {
    const removed = await runCli(['plugin', 'remove', 'nothing', '--master', daemon.url]);
    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain('No plugin named "nothing" is installed');
  });
});
