import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modeString } from '@mesolite/daemon/agent/files/browse-directory';
import { OwnerNames } from '@mesolite/daemon/agent/files/owner-names';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

describe('OwnerNames', () => {
  let dir: string;
  let names: OwnerNames;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-owners-'));
    await writeFile(
      join(dir, 'passwd'),
      '# users\nroot:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n',
    );
    await writeFile(join(dir, 'group'), 'root:x:0:\nstaff:x:1000:alice\n');
    names = new OwnerNames({ passwdFile: join(dir, 'passwd'), groupFile: join(dir, 'group') });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names a uid as getpwuid would', async () => {
    expect((await names.lookup([{ uid: 1000, gid: 1000 }])).user(1000)).toBe('alice');
  });

  it('names a gid as getgrgid would', async () => {
    expect((await names.lookup([{ uid: 1000, gid: 1000 }])).group(1000)).toBe('staff');
  });

  it('shows an unknown id as its number, as Mesos does', async () => {
    const lookup = await names.lookup([{ uid: 4242, gid: 4343 }]);
    expect([lookup.user(4242), lookup.group(4343)]).toEqual(['4242', '4343']);
  });
});

describe('modeString', () => {
  it.each([
    [0o100644, '-rw-r--r--'],
    [0o040755, 'drwxr-xr-x'],
    [0o120777, 'lrwxrwxrwx'],
    [0o010600, 'prw-------'],
    [0o140700, 'srwx------'],
    [0o020620, 'crw--w----'],
    [0o104755, '-rwxr-xr-x'],
  ])('writes %o as %s', (mode, expected) => {
    expect(modeString(mode)).toBe(expected);
  });
});
