/**
 * User and group names for uids and gids, as Mesos's createFileInfo gets them from
 * getpwuid and getgrgid, falling back to the number itself. Node has no getpwuid, so
 * the names come from /etc/passwd and /etc/group (plus the agent's own user, which
 * os.userInfo knows even when it comes from LDAP); a uid found in neither is shown as
 * its number, exactly as Mesos shows one getpwuid does not know.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';

/** How long the files are trusted before a lookup that misses reads them again. */
const REFRESH_MS = 60_000;

export interface OwnerNamesOptions {
  passwdFile?: string;
  groupFile?: string;
  now?: () => number;
}

export class OwnerNames {
  private readonly passwdFile: string;
  private readonly groupFile: string;
  private readonly now: () => number;
  private users = new Map<number, string>();
  private groups = new Map<number, string>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;

  constructor(options: OwnerNamesOptions = {}) {
    this.passwdFile = options.passwdFile ?? '/etc/passwd';
    this.groupFile = options.groupFile ?? '/etc/group';
    this.now = options.now ?? Date.now;
  }

  /** Names for every uid and gid in `owners`; loads or refreshes the tables when needed. */
  async lookup(
    owners: ReadonlyArray<{ uid: number; gid: number }>,
  ): Promise<{ user(uid: number): string; group(gid: number): string }> {
    const missing = owners.some(({ uid, gid }) => !this.users.has(uid) || !this.groups.has(gid));
    if (missing && this.now() - this.loadedAt >= REFRESH_MS) await this.load();
    return {
      user: (uid) => this.users.get(uid) ?? String(uid),
      group: (gid) => this.groups.get(gid) ?? String(gid),
    };
  }

  private load(): Promise<void> {
    // Concurrent requests share one reading of the files.
    this.loading ??= (async () => {
      const [passwd, group] = await Promise.all([
        readFile(this.passwdFile, 'utf8').catch(() => ''),
        readFile(this.groupFile, 'utf8').catch(() => ''),
      ]);
      const users = parseIdTable(passwd);
      const groups = parseIdTable(group);
      try {
        const self = userInfo();
        if (self.uid >= 0 && !users.has(self.uid)) users.set(self.uid, self.username);
      } catch {
        // userInfo throws when the agent's own uid has no name anywhere; numbers it is.
      }
      this.users = users;
      this.groups = groups;
      this.loadedAt = this.now();
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }
}

/** name:password:id:... lines, as /etc/passwd and /etc/group both start. */
function parseIdTable(text: string): Map<number, string> {
  const table = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [name, , id] = line.split(':');
    if (name === undefined || name === '' || id === undefined || !/^\d+$/.test(id)) continue;
    const number = Number(id);
    // The first entry for an id is the one getpwuid returns.
    if (!table.has(number)) table.set(number, name);
  }
  return table;
}
