/**
 * Decides whether extracting an archive into a sandbox would write anything outside
 * it ("zip slip"). Mesos extracts with libarchive's SECURE_NODOTDOT; mesolite refuses
 * more, because a task's sandbox is all it may touch:
 *
 * - a member named by an absolute path (or a Windows drive), or with a `..` component;
 * - a member whose path, followed through the archive's own symlinks and those already
 *   in the sandbox, leaves the sandbox (a link `d -> ..` then a member `d/../x`);
 * - a symlink whose target is absolute or, resolved the same way, leaves the sandbox;
 * - a hard link to a path that is not a member-safe path inside the sandbox;
 * - devices, fifos and other special files, which a task never needs fetched.
 *
 * All the archive's symlinks are assumed to exist for every member, whatever their
 * order in the archive: that can only refuse more, never less.
 */
import { lstat, readlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ArchiveMember } from './archive-members.js';

export interface UnsafeMember {
  member: string;
  problem: string;
}

/** Linux's SYMLOOP_MAX: more links than this in one path is a loop. */
const MAX_LINK_HOPS = 40;

function components(path: string, backslashIsSeparator: boolean): string[] {
  return path.split(backslashIsSeparator ? /[/\\]/ : /\//).filter((c) => c !== '' && c !== '.');
}

function looksAbsolute(path: string, backslashIsSeparator: boolean): boolean {
  return (
    path.startsWith('/') ||
    (backslashIsSeparator && (path.startsWith('\\') || /^[A-Za-z]:/.test(path)))
  );
}

/** Resolves paths relative to the sandbox root through symlinks, without touching the disk beyond lstat/readlink. */
class SandboxResolver {
  constructor(
    private readonly root: string,
    private readonly archiveLinks: ReadonlyMap<string, string>,
  ) {}

  private async linkAt(relativePath: string): Promise<string | undefined> {
    const fromArchive = this.archiveLinks.get(relativePath);
    if (fromArchive !== undefined) return fromArchive;
    try {
      const stat = await lstat(join(this.root, relativePath));
      return stat.isSymbolicLink() ? await readlink(join(this.root, relativePath)) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Follows `path` (components relative to `base`, itself relative to the root) and
   * answers whether it stays inside the root the whole way.
   */
  async staysInside(base: readonly string[], path: readonly string[]): Promise<boolean> {
    const stack = [...base];
    const pending = [...path];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() ?? '';
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (stack.length === 0) return false;
        stack.pop();
        continue;
      }
      const link = await this.linkAt([...stack, part].join('/'));
      if (link === undefined) {
        stack.push(part);
        continue;
      }
      hops += 1;
      if (hops > MAX_LINK_HOPS || isAbsolute(link)) return false;
      // A relative link resolves against the directory that holds it: the stack as it is.
      pending.unshift(...link.split('/'));
    }
    return true;
  }
}

/** The first member that would escape `root` (a real path), or undefined when all are safe. */
export async function findUnsafeMember(
  members: readonly ArchiveMember[],
  root: string,
): Promise<UnsafeMember | undefined> {
  const links = new Map<string, string>();
  for (const member of members) {
    if (member.type === 'symlink' && member.target !== undefined) {
      const parts = components(member.name, member.backslashIsSeparator === true);
      if (parts.length > 0) links.set(parts.join('/'), member.target);
    }
  }
  const resolver = new SandboxResolver(root, links);

  for (const member of members) {
    const backslash = member.backslashIsSeparator === true;
    const unsafe = (problem: string): UnsafeMember => ({ member: member.name, problem });
    if (member.type === 'special') {
      return unsafe('is a device, fifo or other special file, which the fetcher does not create');
    }
    if (member.name.includes('\0')) return unsafe('has a NUL character in its name');
    if (looksAbsolute(member.name, backslash)) return unsafe('has an absolute path');
    const parts = components(member.name, backslash);
    if (parts.includes('..')) return unsafe("has a '..' component in its path");
    // The archive's root entry ("./") is the sandbox itself.
    if (parts.length === 0) continue;
    const parent = parts.slice(0, -1);
    if (!(await resolver.staysInside([], parent))) {
      return unsafe('would be written through a symlink that leads outside the sandbox');
    }

    if (member.type === 'symlink') {
      const target = member.target ?? '';
      if (target === '' || isAbsolute(target)) {
        return unsafe(`is a symlink to an absolute path ('${target}')`);
      }
      if (!(await resolver.staysInside(parent, target.split('/')))) {
        return unsafe(`is a symlink to '${target}', which is outside the sandbox`);
      }
    } else if (member.type === 'hardlink') {
      const target = member.target ?? '';
      const targetParts = components(target, backslash);
      if (looksAbsolute(target, backslash) || targetParts.includes('..')) {
        return unsafe(`is a hard link to '${target}', which is outside the sandbox`);
      }
      if (!(await resolver.staysInside([], targetParts))) {
        return unsafe(`is a hard link to '${target}', which is outside the sandbox`);
      }
    } else if (!(await resolver.staysInside([], parts))) {
      return unsafe('would be written through a symlink that leads outside the sandbox');
    }
  }
  return undefined;
}
