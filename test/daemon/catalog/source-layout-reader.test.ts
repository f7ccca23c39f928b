/** A repository in Universe's source layout read into index entries. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSourceLayout, SourceLayoutError } from '@mesolite/daemon/catalog/source-layout-reader';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesolite-universe-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function write(path: string, content: unknown): Promise<void> {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
}

const manifest = (name: string, version: string) => ({
  packagingVersion: '3.0',
  name,
  version,
  maintainer: 'me',
  description: `${name}!`,
});

describe('reading a repository in Universe’s source layout', () => {
  it('reads every release of every package, releaseVersion from the directory name', async () => {
    await write('repo/packages/H/hello/0/package.json', manifest('hello', '1.0'));
    await write('repo/packages/H/hello/1/package.json', manifest('hello', '1.1'));
    await write('repo/packages/W/world/3/package.json', manifest('world', '2'));
    const { packages } = await readSourceLayout(dir);
    expect(packages.map((pkg) => [pkg.name, pkg.version, pkg.releaseVersion])).toEqual([
      ['hello', '1.0', 0],
      ['hello', '1.1', 1],
      ['world', '2', 3],
    ]);
  });

  it('accepts the packages directory itself, without repo/', async () => {
    await write('packages/H/hello/0/package.json', manifest('hello', '1.0'));
    expect((await readSourceLayout(dir)).packages).toHaveLength(1);
  });

  it('adds config.json, resource.json and the template (base64) to the entry', async () => {
    const template = '{"id": "{{service.name}}"}';
    await write('repo/packages/H/hello/0/package.json', manifest('hello', '1.0'));
    await write('repo/packages/H/hello/0/config.json', { type: 'object', properties: {} });
    await write('repo/packages/H/hello/0/resource.json', {
      assets: { uris: { jar: 'http://x/y.jar' } },
    });
    await write('repo/packages/H/hello/0/marathon.json.mustache', template);
    const [entry] = (await readSourceLayout(dir)).packages;
    expect(entry?.config).toEqual({ type: 'object', properties: {} });
    expect(entry?.resource).toEqual({ assets: { uris: { jar: 'http://x/y.jar' } } });
    expect(Buffer.from(entry?.marathon?.v2AppMustacheTemplate ?? '', 'base64').toString()).toBe(
      template,
    );
  });

  it('takes a package.json without packagingVersion as 2.0, as Universe does', async () => {
    const { packagingVersion: _, ...old } = manifest('old', '0.1');
    await write('repo/packages/O/old/0/package.json', old);
    expect((await readSourceLayout(dir)).packages[0]?.packagingVersion).toBe('2.0');
  });

  it('inlines icons given as relative paths as data: URLs and keeps URLs as they are', async () => {
    await write('repo/packages/H/hello/0/package.json', manifest('hello', '1.0'));
    await write('repo/packages/H/hello/0/icon.svg', '<svg/>');
    await write('repo/packages/H/hello/0/resource.json', {
      images: { 'icon-small': 'icon.svg', 'icon-large': 'https://example.com/big.png' },
    });
    const images = (await readSourceLayout(dir)).packages[0]?.resource?.images;
    expect(images?.['icon-small']).toBe(
      `data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`,
    );
    expect(images?.['icon-large']).toBe('https://example.com/big.png');
  });

  it('names the file and the field when a package.json is wrong', async () => {
    await write('repo/packages/H/hello/0/package.json', {
      ...manifest('hello', '1.0'),
      maintainer: 5,
    });
    await expect(readSourceLayout(dir)).rejects.toThrow(/hello\/0\/package\.json: .*maintainer/);
    await expect(readSourceLayout(dir)).rejects.toBeInstanceOf(SourceLayoutError);
  });

  it('names the file when it is not JSON', async () => {
    await write('repo/packages/H/hello/0/package.json', '{nope');
    await expect(readSourceLayout(dir)).rejects.toThrow(/package\.json: not JSON/);
  });

  it('says what layout it expected when there is no packages directory', async () => {
    await expect(readSourceLayout(dir)).rejects.toThrow(/source layout/);
  });
});

describe('icons of a repository on disk', () => {
  it('are read only from inside the repository', async () => {
    await write('repo/packages/H/hello/0/package.json', manifest('hello', '1.0'));
    await write('outside.svg', '<svg/>');
    await write('repo/packages/H/hello/0/resource.json', {
      images: { 'icon-small': '../../../../../outside.svg' },
    });
    await expect(readSourceLayout(join(dir, 'repo'))).rejects.toThrow(/outside the repository/);
  });
});
