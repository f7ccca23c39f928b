/**
 * /files/browse's listing: one FileInfo per entry, in the JSON form of Mesos's
 * `model(const FileInfo&)` (src/common/http.cpp), sorted by name as Mesos's std::map
 * sorts them.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileInfo } from '../../protocol/agent-channel.js';
import { isWithin, type ResolvedPath } from './files-registry.js';
import type { OwnerNames } from './owner-names.js';

/** A browse entry, with exactly Mesos's fields; its schema is the agent channel's too. */
export type FileInfoJson = FileInfo;

/**
 * Lists a resolved directory. A file lists as `[]`: Mesos's os::ls fails on it and
 * the listing stays empty. An entry that stat cannot read (a dangling symlink) is left
 * out, as Mesos leaves it out. A symlink leading out of the attached directory is
 * listed as the link itself, so browsing never shows the size or owner of a file the
 * API would refuse to read.
 */
export async function browseDirectory(
  resolved: ResolvedPath,
  owners: OwnerNames,
): Promise<FileInfoJson[]> {
  if (!resolved.stats.isDirectory()) return [];
  let names: string[];
  try {
    names = await readdir(resolved.realPath);
  } catch {
    return [];
  }
  const found: Array<{ name: string; stats: Stats }> = [];
  for (const name of names.sort()) {
    const stats = await entryStats(join(resolved.realPath, name), resolved.root);
    if (stats !== undefined) found.push({ name, stats });
  }
  const lookup = await owners.lookup(found.map(({ stats }) => stats));
  const base = resolved.virtualPath.replace(/\/+$/, '');
  return found.map(({ name, stats }) => ({
    path: `${base}/${name}`,
    nlink: stats.nlink,
    size: stats.size,
    mtime: Math.floor(stats.mtimeMs / 1000),
    mode: modeString(stats.mode),
    uid: lookup.user(stats.uid),
    gid: lookup.group(stats.gid),
  }));
}

async function entryStats(path: string, root: string): Promise<Stats | undefined> {
  try {
    const link = await lstat(path);
    if (!link.isSymbolicLink()) return link;
    return isWithin(root, await realpath(path)) ? await stat(path) : link;
  } catch {
    return undefined;
  }
}

const TYPE_LETTERS: ReadonlyMap<number, string> = new Map([
  [constants.S_IFDIR, 'd'],
  [constants.S_IFCHR, 'c'],
  [constants.S_IFBLK, 'b'],
  [constants.S_IFIFO, 'p'],
  [constants.S_IFLNK, 'l'],
  [constants.S_IFSOCK, 's'],
]);

/**
 * The file type letter and the nine permission bits, as Mesos and `ls -l` print them
 * (Mesos shows neither setuid, setgid nor sticky bits).
 */
export function modeString(mode: number): string {
  const letter = TYPE_LETTERS.get(mode & constants.S_IFMT) ?? '-';
  let bits = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const triple = (mode >> shift) & 0o7;
    bits += triple & 0o4 ? 'r' : '-';
    bits += triple & 0o2 ? 'w' : '-';
    bits += triple & 0o1 ? 'x' : '-';
  }
  return letter + bits;
}
