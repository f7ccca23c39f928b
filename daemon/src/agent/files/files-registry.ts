/**
 * The files API's map of virtual paths to real directories (or files), and the one
 * place a requested path becomes a real one, as FilesProcess::attach and
 * FilesProcess::resolve do in Mesos's src/files/files.cpp:
 *
 * - the longest attached prefix of the requested path wins, and the rest of the
 *   path is looked up under its directory;
 * - a path under no attached prefix, or that does not exist, is not found (404);
 * - a path that leaves its directory, whether by ".." or through a symlink, is
 *   refused (400). The check is made twice: on the path as written, before anything
 *   on disk is touched (so a request cannot learn what exists outside), and on its
 *   canonical real path (fs.realpath), which catches symlinks.
 */
import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import {
  FilesCanonicalPathError,
  FilesInaccessibleError,
  FilesNotFoundError,
  InvalidVirtualPathError,
} from './files-errors.js';

export interface ResolvedPath {
  /** The path as requested, without `file://`, doubled or trailing slashes. */
  virtualPath: string;
  /** Its canonical real path: no symlinks, no "..". */
  realPath: string;
  /** The canonical real path of the attached directory (or file) it was found under. */
  root: string;
  /** stat of the real path. */
  stats: Stats;
}

export class FilesRegistry {
  private readonly paths = new Map<string, string>();

  /**
   * Makes `realPath` (a directory, or a single file) readable at `virtualPath`. Attaching
   * a virtual path again replaces what it pointed at, as in Mesos. Nothing is read from
   * disk here: the directory may not exist yet, and is resolved on every request.
   */
  attach(virtualPath: string, realPath: string): void {
    const key = cleanPath(virtualPath);
    if (key === '' || key.includes('\0') || realPath.includes('\0')) {
      throw new InvalidVirtualPathError(virtualPath);
    }
    this.paths.set(key, resolve(realPath));
  }

  /**
   * Forgets `virtualPath`. With `realPath`, only if it still points there: a `…/latest`
   * path that a newer run took over stays attached when an older run goes away.
   */
  detach(virtualPath: string, realPath?: string): boolean {
    const key = cleanPath(virtualPath);
    const current = this.paths.get(key);
    if (current === undefined) return false;
    if (realPath !== undefined && current !== resolve(realPath)) return false;
    return this.paths.delete(key);
  }

  /**
   * Forgets every virtual path that points at `realPath`: what the agent does when
   * garbage collection has removed a sandbox. Returns how many there were.
   */
  detachRealPath(realPath: string): number {
    const target = resolve(realPath);
    let count = 0;
    for (const [key, value] of this.paths) {
      if (value === target && this.paths.delete(key)) count++;
    }
    return count;
  }

  /** The map /files/debug shows: virtual path → real path, sorted by virtual path. */
  entries(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of [...this.paths.keys()].sort()) {
      const value = this.paths.get(key);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  /**
   * The real file or directory behind a requested path. Throws
   * MESOLITE_ERR_FILES_NOT_FOUND (404) or MESOLITE_ERR_FILES_INACCESSIBLE (400).
   */
  async resolve(requestedPath: string): Promise<ResolvedPath> {
    const virtualPath = cleanPath(requestedPath);
    // fs would throw a TypeError on a NUL; it is a bad path, and is shown escaped.
    if (virtualPath.includes('\0')) {
      throw new FilesInaccessibleError(virtualPath.replaceAll('\0', '\\0'));
    }
    const tokens = virtualPath.split('/');
    for (let count = tokens.length; count > 0; count--) {
      const attached = this.paths.get(tokens.slice(0, count).join('/'));
      if (attached === undefined) continue;
      const resolved = await resolveUnder(attached, tokens.slice(count));
      if (resolved === undefined) throw new FilesNotFoundError(virtualPath);
      return { virtualPath, ...resolved };
    }
    throw new FilesNotFoundError(virtualPath);
  }
}

async function resolveUnder(
  attached: string,
  suffix: readonly string[],
): Promise<Omit<ResolvedPath, 'virtualPath'> | undefined> {
  // Mesos's path::join(attached, suffix): the message names this form.
  const joined = suffix.length === 0 ? attached : `${attached}/${suffix.join('/')}`;
  if (!isWithin(attached, resolve(attached, ...suffix))) throw new FilesInaccessibleError(joined);

  const root = await canonical(attached, attached);
  if (root === undefined) return undefined;
  const rootStats = await stat(root).catch(() => undefined);
  if (rootStats === undefined) return undefined;
  if (!rootStats.isDirectory()) {
    // An attached file has nothing under it; Mesos answers "not found", not "bad request".
    return suffix.length === 0 ? { realPath: root, root, stats: rootStats } : undefined;
  }

  const realPath = await canonical(joined, joined);
  if (realPath === undefined) return undefined;
  if (!isWithin(root, realPath)) throw new FilesInaccessibleError(joined);
  const stats = await stat(realPath).catch(() => undefined);
  return stats === undefined ? undefined : { realPath, root, stats };
}

/** realpath, with "does not exist" as undefined and any other failure as a 400. */
async function canonical(path: string, shown: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new FilesCanonicalPathError(shown, (error as Error).message);
  }
}

/** Whether `path` is `root` or below it; unlike Mesos's startsWith, /a/b2 is not below /a/b. */
export function isWithin(root: string, path: string): boolean {
  if (path === root) return true;
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * A path as Mesos compares it: `file://` dropped (path::from_uri), runs of slashes as
 * one and no trailing slash (path::join does both), so "/a//b/" names "/a/b".
 */
export function cleanPath(path: string): string {
  const withoutScheme = path.startsWith('file://') ? path.slice('file://'.length) : path;
  return withoutScheme.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
}
