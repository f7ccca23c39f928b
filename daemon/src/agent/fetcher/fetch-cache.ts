/**
 * The fetcher cache (Mesos's --fetcher_cache_dir): a URI fetched with `cache: true`
 * is downloaded once per (user, URI) into the cache directory and every later task
 * copies or extracts it from there.
 *
 * A cache file only ever appears complete: it is downloaded under a temporary name in
 * the cache directory and renamed into place (rename is atomic within a file system),
 * so a concurrent reader, in this process or another agent sharing the directory,
 * sees the whole file or none. Within this process, fetches of one URI that overlap
 * share a single download, as Mesos's "competing requests simply wait upon completion
 * of the first request". Like Mesos's, the cache is never refreshed: a changed
 * resource needs a new URI. Unlike Mesos's, it has no size bound or eviction yet.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A download shared by every fetch of one cache file that overlaps it. */
class SharedDownload {
  private readonly controller = new AbortController();
  private waiters = 0;
  private settled = false;
  readonly done: Promise<void>;

  constructor(
    run: (signal: AbortSignal) => Promise<void>,
    private readonly onAbandoned: () => void,
  ) {
    this.done = run(this.controller.signal).finally(() => {
      this.settled = true;
    });
    // Waiters observe `done` through join(); this keeps an abandoned failure from being unhandled.
    this.done.catch(() => undefined);
  }

  /**
   * Waits for the download on behalf of one fetch. A fetch that gives up (its signal
   * aborts) stops waiting without failing the others; the transfer itself is only
   * aborted when every fetch waiting for it has given up.
   */
  join(signal: AbortSignal): Promise<void> {
    this.waiters += 1;
    return new Promise<void>((resolvePromise, reject) => {
      const leave = () => {
        signal.removeEventListener('abort', onAbort);
        this.waiters -= 1;
      };
      const onAbort = () => {
        leave();
        if (this.waiters === 0 && !this.settled) {
          this.onAbandoned();
          this.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      this.done.then(
        () => {
          leave();
          resolvePromise();
        },
        (err: unknown) => {
          leave();
          reject(err);
        },
      );
    });
  }
}

/** Downloads in progress in this process, by cache file path. */
const inFlight = new Map<string, SharedDownload>();

/** Mesos keeps at most this much of the URI's basename in a cache file name; we keep its end, for the extension. */
const MAX_NAME_TAIL = 100;

/** The cache file for (user, URI): a hash for identity, and the URI's basename for humans and extension sniffing. */
export function cacheFileName(user: string | undefined, uri: string, uriBasename: string): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([user ?? null, uri]))
    .digest('hex')
    .slice(0, 32);
  return `${hash}-${uriBasename.slice(-MAX_NAME_TAIL)}`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export interface CachedFile {
  path: string;
  /** Whether this call downloaded it (false: it was in the cache or another fetch brought it). */
  downloaded: boolean;
}

/**
 * Returns the cache file for `fileName`, downloading it with `download(tempPath, signal)`
 * if it is neither cached nor already being downloaded.
 */
export async function cachedFile(
  cacheDir: string,
  fileName: string,
  download: (destination: string, signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
): Promise<CachedFile> {
  const path = join(cacheDir, fileName);
  if (await isFile(path)) return { path, downloaded: false };
  const running = inFlight.get(path);
  if (running) {
    await running.join(signal);
    return { path, downloaded: false };
  }
  // From the check above to inFlight.set below there is no await, so two fetches
  // cannot both decide to download.
  const shared = new SharedDownload(
    async (transferSignal) => {
      const temporary = join(cacheDir, `.partial-${randomUUID()}`);
      try {
        await mkdir(cacheDir, { recursive: true });
        await download(temporary, transferSignal);
        await rename(temporary, path);
      } catch (err) {
        await rm(temporary, { force: true });
        throw err;
      } finally {
        if (inFlight.get(path) === shared) inFlight.delete(path);
      }
    },
    () => {
      // Later fetches must start afresh rather than join a transfer being aborted.
      if (inFlight.get(path) === shared) inFlight.delete(path);
    },
  );
  inFlight.set(path, shared);
  await shared.join(signal);
  return { path, downloaded: true };
}
