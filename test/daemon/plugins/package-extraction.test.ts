import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiscoveredPlugin } from '@mesolite/daemon/plugins/discovery';
import { entryProblem, extractPluginPackage } from '@mesolite/daemon/plugins/package-extraction';
import { selectPlugins } from '@mesolite/daemon/plugins/plugin-selection';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tarball } from './support/plugin-packages.js';

describe('unpacking an uploaded plugin package', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-extract-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('unpacks package/ into the folder, without the package/ prefix', async () => {
    await extractPluginPackage(
      tarball([
        { path: 'package/package.json', content: '{}' },
        { path: 'package/dist/index.js', content: 'export {}' },
      ]),
      dir,
    );
    expect(await readFile(join(dir, 'dist/index.js'), 'utf8')).toBe('export {}');
  });

  it('refuses a link, even one that stays inside, and writes nothing', async () => {
    const tgz = tarball([
      { path: 'package/package.json', content: '{}' },
      { path: 'package/escape', content: '', symlinkTo: '/etc' },
    ]);
    await expect(extractPluginPackage(tgz, dir)).rejects.toThrow(/SymbolicLink/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a package that unpacks to more than the size limit', async () => {
    const tgz = tarball([{ path: 'package/big', content: 'x'.repeat(2048) }]);
    await expect(
      extractPluginPackage(tgz, dir, { maxBytes: 1024, maxEntries: 10 }),
    ).rejects.toThrow(/over 1024 bytes/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a package with more entries than the limit', async () => {
    const files = [1, 2, 3].map((n) => ({ path: `package/${n}`, content: '' }));
    await expect(
      extractPluginPackage(tarball(files), dir, { maxBytes: 1024, maxEntries: 2 }),
    ).rejects.toThrow(/over 2 entries/);
  });

  it.each([
    ['/etc/passwd', 'absolute'],
    ['package/../../x', '..'],
    ['package/a/../../../x', '..'],
    ['other/x', 'not under package/'],
  ])('names what is wrong with the entry %s', (path, problem) => {
    expect(entryProblem(path, 'File')).toContain(problem);
  });
});

describe('choosing which discovered plugins start', () => {
  const plugin = (name: string, builtIn: boolean): DiscoveredPlugin => ({
    manifest: { name, displayName: name, apiVersion: '1', entry: 'index.js' },
    dir: `/plugins/${name}`,
    version: '1.0.0',
    builtIn,
  });
  const names = (plugins: DiscoveredPlugin[]) =>
    plugins.map((p) => `${p.manifest.name}${p.builtIn ? '' : ' (installed)'}`);

  it('starts every built-in plugin when none are named', () => {
    expect(
      names(selectPlugins([plugin('marathon', true), plugin('chronos', true)], undefined)),
    ).toEqual(['marathon', 'chronos']);
  });

  it('starts only the named built-in plugins, and every installed one', () => {
    const found = [plugin('marathon', true), plugin('chronos', true), plugin('hello', false)];
    expect(names(selectPlugins(found, ['marathon']))).toEqual(['marathon', 'hello (installed)']);
  });

  it('prefers an installed plugin to the built-in one of the same name', () => {
    const found = [plugin('chronos', true), plugin('chronos', false)];
    expect(names(selectPlugins(found, undefined))).toEqual(['chronos (installed)']);
  });
});
