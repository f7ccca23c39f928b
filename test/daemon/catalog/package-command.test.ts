/** `mesolite package` (the built binary) against a real daemon, in dcos's words. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { waitFor } from '../../support/wait.js';

describe('mesolite package', () => {
  let daemon: TestDaemon;
  let dir: string;
  const cli = (...args: string[]) => runCli(['package', ...args, '--master', daemon.url]);
  const apps = async (): Promise<Json[]> =>
    ((await (await fetch(`${daemon.url}/service/marathon/v2/apps`)).json()) as { apps: Json[] })
      .apps;

  beforeAll(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    dir = await mkdtemp(join(tmpdir(), 'mesolite-package-cli-'));
    // A team's own repository, in Universe's source layout.
    const version = join(dir, 'repo/packages/S/sleepy/0');
    await mkdir(version, { recursive: true });
    await writeFile(
      join(version, 'package.json'),
      JSON.stringify({
        packagingVersion: '3.0',
        name: 'sleepy',
        version: '0.1',
        maintainer: 'us',
        description: 'sleeps',
        preInstallNotes: 'It will sleep.',
        postInstallNotes: 'It sleeps.',
        postUninstallNotes: 'It woke up.',
      }),
    );
    await writeFile(
      join(version, 'config.json'),
      JSON.stringify({
        type: 'object',
        properties: { seconds: { type: 'integer', default: 1000 } },
      }),
    );
    await writeFile(
      join(version, 'marathon.json.mustache'),
      '{"id": "sleepy", "cmd": "sleep {{seconds}}", "cpus": 0.1, "mem": 16}',
    );
  }, 60_000);
  afterEach(async () => {
    for (const app of await apps())
      await fetch(`${daemon.url}/service/marathon/v2/apps${app.id}?force=true`, {
        method: 'DELETE',
      });
    await waitFor('no apps left', async () => ((await apps()).length === 0 ? true : undefined));
  });
  afterAll(async () => {
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('search lists the built-in packages in a table, selected ones first', async () => {
    const result = await cli('search');
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+VERSION\s+SELECTED\s+FRAMEWORK\s+DESCRIPTION$/);
    expect(lines[1]).toMatch(/^zombies-tracker\s+0\.1\.0\s+True\s+False/);
    expect(result.stdout).toContain('static-files');
  });

  it('repo add takes a directory in Universe’s source layout; repo list and remove follow', async () => {
    const added = await cli('repo', 'add', 'ours', dir, '--index', '0');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^ours\s+file:\/\//m);
    try {
      const versions = await cli('describe', 'sleepy', '--package-versions');
      expect(JSON.parse(versions.stdout)).toEqual(['0.1']);
    } finally {
      const removed = await cli('repo', 'remove', 'ours');
      expect(removed.stdout).not.toContain('ours');
    }
  });

  it('describe --config shows the options schema, and --render the app with the given options', async () => {
    const config = await cli('describe', 'static-files', '--config');
    expect(JSON.parse(config.stdout).properties.files.properties.directory.default).toBe(
      '/var/www',
    );
    const options = join(dir, 'options.json');
    await writeFile(options, JSON.stringify({ files: { directory: '/srv/slides' } }));
    const rendered = await cli(
      'describe',
      'static-files',
      '--render',
      '--options',
      options,
      '--app-id',
      '/slides',
    );
    expect(rendered.code, rendered.stderr).toBe(0);
    const app = JSON.parse(rendered.stdout);
    expect(app).toMatchObject({ id: '/slides', env: { FILES_DIRECTORY: '/srv/slides' } });
    expect(app.labels.DCOS_PACKAGE_NAME).toBe('static-files');
  });

  it('install --yes shows the notes, waits until the app is healthy, and list shows it', async () => {
    const served = await mkdtemp(join(tmpdir(), 'mesolite-served-'));
    try {
      await writeFile(join(served, 'index.html'), 'slides\n');
      const options = join(dir, 'served.json');
      await writeFile(
        options,
        JSON.stringify({ service: { port: 0 }, files: { directory: served } }),
      );
      const result = await cli('install', 'static-files', '--options', options, '--yes');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('busybox httpd as a plain process');
      expect(result.stdout).toContain('/static-files: 1/1 healthy');
      expect(result.stdout).toContain('The files are served on the service port');
      const list = await cli('list');
      expect(list.stdout).toMatch(/^static-files\s+1\.0\.0\s+\/static-files/m);
      const { app } = (await (
        await fetch(`${daemon.url}/service/marathon/v2/apps/static-files`)
      ).json()) as { app: Json };
      expect(await (await fetch(`http://127.0.0.1:${app.tasks[0].ports[0]}/`)).text()).toBe(
        'slides\n',
      );
    } finally {
      await rm(served, { recursive: true, force: true });
    }
  }, 90_000);

  it('install without --yes and without a terminal to ask on installs nothing', async () => {
    const result = await cli('install', 'static-files');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Install was not confirmed; pass --yes');
    expect(await apps()).toEqual([]);
  });

  it('install with invalid options names the option, exits 1 and installs nothing', async () => {
    const options = join(dir, 'bad.json');
    await writeFile(options, JSON.stringify({ service: { port: 'http' } }));
    const result = await cli('install', 'static-files', '--options', options, '--yes');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('service.port: found the text "http", expected a whole number');
    expect(await apps()).toEqual([]);
  });

  it('install of an unknown package says so', async () => {
    const result = await cli('install', 'nope', '--yes');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('mesolite package install: Package [nope] not found\n');
  });

  it('uninstall refuses an ambiguous name, and --all removes every instance with the notes', async () => {
    await cli('repo', 'add', 'ours', dir);
    try {
      for (const id of ['/a', '/b']) {
        const installed = await cli('install', 'sleepy', '--app-id', id, '--yes', '--no-wait');
        expect(installed.code, installed.stderr).toBe(0);
      }
      const ambiguous = await cli('uninstall', 'sleepy', '--yes');
      expect(ambiguous.code).toBe(1);
      expect(ambiguous.stderr).toContain('Multiple apps named [sleepy] are installed: [/a, /b]');
      const all = await cli('uninstall', 'sleepy', '--all', '--yes');
      expect(all.code, all.stderr).toBe(0);
      expect(all.stdout).toContain('Uninstalled sleepy 0.1 (/a)');
      expect(all.stdout).toContain('It woke up.');
      expect(await apps()).toEqual([]);
    } finally {
      await cli('repo', 'remove', 'ours');
    }
  });
});
