/**
 * Garbage collection of ended sandboxes, after Mesos's GarbageCollector
 * (src/slave/gc.cpp) and Slave::garbageCollect: a path is touched when it is
 * scheduled, and removed `delay` (--gc_delay, one week by default) after its mtime.
 * Because the deadline is the directory's mtime plus the delay, the schedule is not
 * stored anywhere: after a restart, {@link SandboxGc.recover} scans the work dir and
 * arrives at the same deadlines.
 *
 * Mesos schedules the run directory, then the executor and framework directories as
 * they end; here removing a run also removes the directories it leaves empty
 * (`runs/` with only a dangling `latest`, the executor, the framework, ...), which is
 * the same end state for the command tasks mesolite runs.
 */
import { chmod, lstat, readdir, rm, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Logger } from '../../logger.js';
import { GcPathOutsideWorkDirError } from './sandbox-errors.js';
import {
  agentsRoot,
  EXECUTORS_DIR,
  FRAMEWORKS_DIR,
  LATEST_SYMLINK,
  parseSandboxPath,
  RUNS_DIR,
  type SandboxIds,
} from './sandbox-paths.js';

/** Mesos's --gc_delay default: one week. */
export const DEFAULT_GC_DELAY_MS = 7 * 24 * 60 * 60 * 1000;

/** setTimeout caps delays at 2^31-1 ms (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The timers the collector arms; tests pass fakes to drive time. */
export interface GcTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SandboxGcOptions {
  /** The agent's work dir; only paths under `<workDir>/agents` are ever removed. */
  workDir: string;
  /** Mesos's --gc_delay in milliseconds; {@link DEFAULT_GC_DELAY_MS} unless given. */
  delayMs?: number;
  /** Milliseconds since the epoch; Date.now unless given. */
  now?: () => number;
  timers?: GcTimers;
  logger?: Logger;
  /** Called after a path was removed (or found gone), e.g. to detach it from the files API. */
  onRemoved?: (path: string) => void;
}

export interface ScheduledRemoval {
  path: string;
  /** When it will be removed, in milliseconds since the epoch. */
  removeAt: number;
}

interface Entry {
  removeAt: number;
  removing: boolean;
}

const realTimers: GcTimers = {
  setTimeout(callback, ms) {
    // The collector must never keep the daemon alive on its own.
    return setTimeout(callback, ms).unref();
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export class SandboxGc {
  readonly delayMs: number;
  private readonly workDir: string;
  private readonly root: string;
  private readonly now: () => number;
  private readonly timers: GcTimers;
  private readonly logger: Logger | undefined;
  private readonly onRemoved: ((path: string) => void) | undefined;
  private readonly entries = new Map<string, Entry>();
  private timer: { handle: unknown; at: number } | undefined;
  private work: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(options: SandboxGcOptions) {
    this.workDir = resolve(options.workDir);
    this.root = agentsRoot(this.workDir);
    this.delayMs = options.delayMs ?? DEFAULT_GC_DELAY_MS;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.logger = options.logger;
    this.onRemoved = options.onRemoved;
  }

  /**
   * Schedules `path` (a sandbox, or any directory under `<workDir>/agents`) for
   * removal `delayMs` from now, touching it so that a restarted agent computes the
   * same deadline from its mtime. Scheduling a scheduled path again moves its
   * deadline, as in Mesos. Rejects with MESOLITE_ERR_GC_PATH_OUTSIDE_WORK_DIR for a
   * path outside the agents directory, and only then (a failure to touch is logged);
   * resolves once the path is scheduled.
   */
  async schedule(path: string): Promise<void> {
    await this.touchAndSchedule(this.checkInside(path));
  }

  /** Cancels a scheduled removal, e.g. when an executor is launched again; false if none. */
  unschedule(path: string): boolean {
    const target = resolve(path);
    const entry = this.entries.get(target);
    if (entry === undefined || entry.removing) return false;
    this.entries.delete(target);
    this.logger?.debug({ path: target }, 'unscheduled from gc');
    this.arm();
    return true;
  }

  /** What is scheduled, soonest first. */
  scheduled(): ScheduledRemoval[] {
    return [...this.entries]
      .map(([path, entry]) => ({ path, removeAt: entry.removeAt }))
      .sort((a, b) => a.removeAt - b.removeAt);
  }

  /**
   * After a restart: schedules every run directory under the work dir that is not
   * live, `delayMs` after its mtime (at once when that has passed), and clears
   * directories that earlier removals left empty. Returns how many runs it scheduled.
   */
  async recover(isLive: (path: string, ids: SandboxIds) => boolean): Promise<number> {
    let count = 0;
    for (const agent of await subdirectories(this.root)) {
      for (const framework of await subdirectories(join(agent, FRAMEWORKS_DIR))) {
        for (const executor of await subdirectories(join(framework, EXECUTORS_DIR))) {
          const runsDir = join(executor, RUNS_DIR);
          const runs: Array<[string, SandboxIds]> = [];
          for (const run of await subdirectories(runsDir)) {
            const ids = parseSandboxPath(this.workDir, run);
            if (ids !== undefined) runs.push([run, ids]);
          }
          if (runs.length === 0) {
            // Left by a removal the previous agent did not finish: nothing in it to keep.
            await this.removeEmptyParents(join(runsDir, LATEST_SYMLINK));
            continue;
          }
          for (const [run, ids] of runs) {
            if (isLive(run, ids)) continue;
            const mtime = await mtimeOf(run);
            if (mtime === undefined) continue;
            this.put(run, mtime + this.delayMs);
            count++;
          }
        }
      }
    }
    this.arm();
    return count;
  }

  /**
   * Removes now everything due within `withinMs`, as Mesos's prune does when the disk
   * fills up faster than --gc_delay empties it.
   */
  prune(withinMs: number): Promise<void> {
    return this.enqueue(this.now() + withinMs);
  }

  /** Resolves when no removal is running; for tests and orderly shutdown. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.work;
      await seen;
    } while (seen !== this.work);
  }

  /** Stops the timer; removals already running finish, nothing new starts. */
  async close(): Promise<void> {
    this.closed = true;
    this.disarm();
    await this.idle();
  }

  private checkInside(path: string): string {
    const target = resolve(path);
    const rel = relative(this.root, target);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new GcPathOutsideWorkDirError(target, this.workDir);
    }
    return target;
  }

  private async touchAndSchedule(target: string): Promise<void> {
    const now = this.now();
    try {
      await utimes(target, now / 1000, now / 1000);
    } catch (error) {
      this.logger?.warn({ path: target, err: error }, 'cannot touch a path scheduled for gc');
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    }
    if (this.closed) return;
    this.put(target, now + this.delayMs);
    this.arm();
  }

  private put(path: string, removeAt: number): void {
    const existing = this.entries.get(path);
    if (existing?.removing) return;
    this.entries.set(path, { removeAt, removing: false });
    this.logger?.info(
      { path, removeAt: new Date(removeAt).toISOString() },
      'scheduled for garbage collection',
    );
  }

  /** One timer, for the soonest deadline, as Mesos's collector keeps one. */
  private arm(): void {
    if (this.closed) return;
    let soonest = Number.POSITIVE_INFINITY;
    for (const entry of this.entries.values()) {
      if (!entry.removing && entry.removeAt < soonest) soonest = entry.removeAt;
    }
    if (soonest === Number.POSITIVE_INFINITY) {
      this.disarm();
      return;
    }
    if (this.timer !== undefined && this.timer.at === soonest) return;
    this.disarm();
    const wait = Math.min(Math.max(0, soonest - this.now()), MAX_TIMER_MS);
    const handle = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.enqueue(this.now());
    }, wait);
    this.timer = { handle, at: soonest };
  }

  private disarm(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  /** Removals run one batch at a time, so two never race over the same parents. */
  private enqueue(dueBy: number): Promise<void> {
    this.work = this.work.then(() => this.removeDue(dueBy));
    return this.work;
  }

  private async removeDue(dueBy: number): Promise<void> {
    const due: string[] = [];
    for (const [path, entry] of this.entries) {
      if (!entry.removing && entry.removeAt <= dueBy) {
        entry.removing = true;
        due.push(path);
      }
    }
    for (const path of due) {
      // Mesos forgets a path it failed to remove; the next restart's scan tries again.
      this.entries.delete(path);
      try {
        await forceRemove(path);
        await this.removeEmptyParents(path);
      } catch (error) {
        this.logger?.warn({ path, err: error }, 'failed to garbage collect');
        continue;
      }
      this.logger?.info({ path }, 'garbage collected');
      try {
        this.onRemoved?.(path);
      } catch (error) {
        this.logger?.error({ path, err: error }, 'a gc listener failed');
      }
    }
    this.arm();
  }

  /**
   * Removes the directories above `path` that are now empty, up to the agents
   * directory: a `runs/` holding only a `latest` link to a run that is gone, then the
   * executor, `executors/`, the framework, and so on. rmdir refuses a directory that is
   * not empty, so a sibling that is still there (or was just created) stops the walk.
   */
  private async removeEmptyParents(path: string): Promise<void> {
    let dir = dirname(path);
    while (dir.startsWith(this.root + sep)) {
      if (basename(dir) === RUNS_DIR) await removeDanglingLatest(dir);
      try {
        await rmdir(dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') return;
      }
      dir = dirname(dir);
    }
  }
}

async function removeDanglingLatest(runsDir: string): Promise<void> {
  const latest = join(runsDir, LATEST_SYMLINK);
  try {
    const link = await lstat(latest);
    if (!link.isSymbolicLink()) return;
    await stat(latest);
  } catch (error) {
    // lstat found nothing, or the link's target is gone: the link is dangling.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') await unlink(latest).catch(() => {});
  }
}

/**
 * rm -rf, which removes symlinks without following them, so a link in a sandbox that
 * points elsewhere never takes anything outside with it. Tasks leave read-only
 * directories behind (Go's module cache, for one), which rm cannot empty: those are
 * made writable and the removal tried again, since the space is already offered again.
 */
async function forceRemove(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

async function makeWritable(dir: string): Promise<void> {
  const stats = await lstat(dir).catch(() => undefined);
  if (stats === undefined || !stats.isDirectory()) return;
  await chmod(dir, (stats.mode & 0o7777) | 0o700).catch(() => {});
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) await makeWritable(join(dir, entry.name));
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}

async function mtimeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}
