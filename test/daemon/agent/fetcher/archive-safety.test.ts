import { execFileSync } from 'node:child_process';
import { access, link, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fetchUris } from '@mesolite/daemon/agent/fetcher/fetcher';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FileServer,
  handmadeZip,
  makeScratch,
  type Scratch,
  startFileServer,
  tar,
  writeLink,
  writeTree,
  zip,
} from './fixtures.js';

let scratch: Scratch;
let server: FileServer;

beforeEach(async () => {
  scratch = await makeScratch();
  server = await startFileServer();
});

afterEach(async () => {
  await server.close();
  await scratch.remove();
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Serves the archive built in scratch.work under `name` and fetches it. */
async function fetchArchive(name: string) {
  server.route(`/${name}`, await readFile(join(scratch.work, name)));
  return fetchUris([{ value: `${server.url}/${name}` }], scratch.sandbox, {
    cacheDir: scratch.cacheDir,
  });
}

/** Everything in the sandbox but the archive and the fetcher's log: what was extracted. */
async function extracted(): Promise<string[]> {
  return (await readdir(scratch.sandbox)).filter(
    (name) => name !== 'stderr' && !/\.(zip|tar|tgz)$/.test(name),
  );
}

describe('archives that would write outside the sandbox (zip slip)', () => {
  it("refuses a zip with a '../' member and extracts nothing", async () => {
    await writeFile(
      join(scratch.work, 'slip.zip'),
      handmadeZip([
        { name: 'ok.txt', content: 'fine' },
        { name: '../../evil.txt', content: 'pwned' },
      ]),
    );
    await expect(fetchArchive('slip.zip')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining(
        `Failed to fetch '${server.url}/slip.zip': refusing to extract 'slip.zip': member '../../evil.txt' has a '..' component`,
      ),
    });
    expect(await exists(join(scratch.root, 'evil.txt'))).toBe(false);
    expect(await extracted()).toEqual([]);
  });

  it('refuses a zip with an absolute member', async () => {
    await writeFile(
      join(scratch.work, 'abs.zip'),
      handmadeZip([{ name: '/tmp/evil.txt', content: 'x' }]),
    );
    await expect(fetchArchive('abs.zip')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining('has an absolute path'),
    });
  });

  it('refuses a zip member that climbs out with backslashes', async () => {
    await writeFile(
      join(scratch.work, 'win.zip'),
      handmadeZip([{ name: '..\\..\\evil.txt', content: 'x' }]),
    );
    await expect(fetchArchive('win.zip')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
    });
  });

  it('refuses a zip holding a symlink that leads out of the sandbox', async () => {
    await writeLink(join(scratch.work, 'tree'), 'etc', '/etc');
    zip(join(scratch.work, 'tree'), ['-y', join(scratch.work, 'link.zip'), 'etc']);
    await expect(fetchArchive('link.zip')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining("member 'etc' is a symlink to an absolute path ('/etc')"),
    });
  });

  it("refuses a tarball with a '../' member and extracts nothing", async () => {
    await writeTree(join(scratch.work, 'tree'), { 'a.txt': 'a', 'evil.txt': 'pwned' });
    tar(join(scratch.work, 'tree'), [
      '-cPf',
      join(scratch.work, 'slip.tar'),
      '--transform',
      's,^evil,../evil,',
      'a.txt',
      'evil.txt',
    ]);
    await expect(fetchArchive('slip.tar')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining("member '../evil.txt' has a '..' component"),
    });
    expect(await exists(join(scratch.root, 'evil.txt'))).toBe(false);
    expect(await extracted()).toEqual([]);
  });

  it('refuses a tarball with an absolute member', async () => {
    await writeTree(scratch.work, { 'abs.txt': 'x' });
    tar(scratch.work, ['-cPf', join(scratch.work, 'abs.tar'), join(scratch.work, 'abs.txt')]);
    await expect(fetchArchive('abs.tar')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining('has an absolute path'),
    });
  });

  it('refuses a tarball that writes through its own symlink to outside', async () => {
    const tree = join(scratch.work, 'tree');
    await writeLink(tree, 'escape', '../..');
    await writeTree(join(scratch.work, 'second'), { 'escape/evil.txt': 'pwned' });
    tar(tree, ['-cf', join(scratch.work, 'through.tar'), 'escape']);
    tar(join(scratch.work, 'second'), [
      '-rf',
      join(scratch.work, 'through.tar'),
      'escape/evil.txt',
    ]);
    await expect(fetchArchive('through.tar')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining(
        "member 'escape' is a symlink to '../..', which is outside the sandbox",
      ),
    });
  });

  it('refuses a symlink that leaves the sandbox only through another symlink', async () => {
    // dir/up -> .. is harmless alone (it is the sandbox), but dir/out -> up/.. is its parent.
    const tree = join(scratch.work, 'tree');
    await writeLink(tree, 'dir/up', '..');
    await writeLink(tree, 'dir/out', 'up/..');
    tar(tree, ['-cf', join(scratch.work, 'chain.tar'), 'dir']);
    await expect(fetchArchive('chain.tar')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining("member 'dir/out' is a symlink to 'up/..'"),
    });
  });

  it('refuses a tarball that writes through a symlink already in the sandbox', async () => {
    await writeLink(scratch.sandbox, 'data', scratch.work);
    await writeTree(join(scratch.work, 'tree'), { 'data/evil.txt': 'pwned' });
    tar(join(scratch.work, 'tree'), ['-cf', join(scratch.work, 'pre.tar'), 'data/evil.txt']);
    await expect(fetchArchive('pre.tar')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining('through a symlink that leads outside the sandbox'),
    });
    expect(await exists(join(scratch.work, 'evil.txt'))).toBe(false);
  });

  it('refuses a hard link to a file outside the sandbox', async () => {
    await writeTree(scratch.work, { 'secret.txt': 'secret' });
    await link(join(scratch.work, 'secret.txt'), join(scratch.work, 'copy.txt'));
    // 'R': rewrite the link's target only, so the member names themselves stay harmless.
    tar(scratch.work, [
      '-cPf',
      join(scratch.work, 'hard.tar'),
      '--transform',
      's,^secret,../secret,R',
      'secret.txt',
      'copy.txt',
    ]);
    await expect(fetchArchive('hard.tar')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining(
        "member 'copy.txt' is a hard link to '../secret.txt', which is outside the sandbox",
      ),
    });
  });

  it('refuses device and fifo members', async () => {
    execFileSync('mkfifo', [join(scratch.work, 'pipe')]);
    tar(scratch.work, ['-cf', join(scratch.work, 'fifo.tar'), 'pipe']);
    await expect(fetchArchive('fifo.tar')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
      message: expect.stringContaining('special file'),
    });
  });

  it('reads names with quotes, newlines and non-ASCII characters as they are', async () => {
    await writeTree(join(scratch.work, 'tree'), { 'd/a "q"\nb é.txt': 'odd' });
    tar(join(scratch.work, 'tree'), ['-cf', join(scratch.work, 'odd.tar'), 'd']);
    await fetchArchive('odd.tar');
    expect(await readFile(join(scratch.sandbox, 'd/a "q"\nb é.txt'), 'utf8')).toBe('odd');
  });
});
