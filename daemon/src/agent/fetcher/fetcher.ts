/**
 * The fetcher: brings a task's CommandInfo.uris into its sandbox before the task runs,
 * as Mesos's fetcher does (docs/fetcher.md, src/launcher/fetcher.cpp). For each URI,
 * in order:
 *
 * - http(s) URLs are downloaded (redirects followed, a final 200 required); `file://`
 *   URIs and absolute paths are copied;
 * - the copy is named by `output_file` (relative, inside the sandbox) or by the URI's
 *   basename;
 * - `executable` makes it executable (0755) and disables extraction;
 * - `extract` (default true) unpacks .tar, .tgz, .tar.gz, .tbz2, .tar.bz2, .txz,
 *   .tar.xz and .zip archives, and gunzips .gz files, into the sandbox; the archive
 *   stays next to what it held, except when it came from the cache (Mesos extracts a
 *   cached archive straight from the cache);
 * - `cache` fetches through the shared content cache (see fetch-cache.ts).
 *
 * Progress goes to `<sandbox>/stderr` in Mesos's words. The first failure stops the
 * fetch and rejects with a coded error (fetcher-errors.ts) naming the URI and the
 * reason, so the agent can fail the task with it before anything runs.
 */
import { chmod, copyFile, lchown, mkdir, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { MesoliteError } from '../../errors.js';
import type { CommandInfo } from '../../protocol/mesos.js';
import { DownloadError, download, type MasterCredential } from './download.js';
import { archiveKind, ExtractError, extractArchive } from './extract.js';
import { cachedFile, cacheFileName } from './fetch-cache.js';
import { FetchLog } from './fetch-log.js';
import {
  ExtractFailedError,
  FetchFailedError,
  FetchTimeoutError,
  FetchUserError,
  UnsafeArchiveError,
} from './fetcher-errors.js';
import { runTool } from './run-tool.js';
import {
  type FetchSource,
  parseSource,
  prepareDestination,
  uriBasename,
  validateOutputFile,
} from './uri.js';

export type CommandURI = NonNullable<CommandInfo['uris']>[number];

/** Mesos's --fetcher_stall_timeout default. */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

export interface FetchOptions {
  /** The fetcher cache directory (Mesos's --fetcher_cache_dir), shared by every task of the agent. */
  cacheDir: string;
  /**
   * The Unix user the task will run as (CommandInfo.user, else FrameworkInfo.user). Pass
   * it only when the task really runs as that user: it must exist on this machine, it
   * segregates the cache as Mesos does, and when the agent runs as root the sandbox is
   * handed to that user once everything is fetched.
   */
  user?: string | undefined;
  /** Fail the whole fetch if it has not finished after this long. No limit by default. */
  timeoutMs?: number | undefined;
  /** Fail a download that receives nothing for this long; Mesos's default is 60 s. */
  stallTimeoutMs?: number | undefined;
  /** Extra CA certificates (PEM) to trust for https URIs, on top of Node's bundled roots. */
  ca?: readonly string[] | undefined;
  /** The agent's credential, sent to its master's origin only (see download.ts). */
  masterCredential?: MasterCredential | undefined;
  /** Cancels the fetch, e.g. when the task is killed while it is being fetched. */
  signal?: AbortSignal | undefined;
  /** Structured agent log; the sandbox's stderr gets the fetcher's own log regardless. */
  logger?: Logger | undefined;
}

export interface FetchedUri {
  uri: string;
  /** The file fetched into the sandbox; the sandbox itself when a cached archive was only extracted. */
  path: string;
  /** Whether it was unpacked into the sandbox. */
  extracted: boolean;
  /** 'bypassed': not cached; 'downloaded': fetched into the cache now; 'hit': taken from the cache. */
  cache: 'bypassed' | 'downloaded' | 'hit';
}

interface Item {
  uri: CommandURI;
  source: FetchSource;
  /** Where the copy goes, relative to the sandbox. */
  name: string;
}

interface Context {
  root: string;
  log: FetchLog;
  options: FetchOptions;
  signal: AbortSignal;
  stallTimeoutMs: number;
}

/** Mesos: rwx for the owner, r-x for everyone else. */
const EXECUTABLE_MODE = 0o755;

/** Checks every URI before fetching any, as Mesos validates them all before it starts. */
function plan(uris: readonly CommandURI[]): Item[] {
  return uris.map((uri) => {
    const source = parseSource(uri.value);
    if (uri.output_file !== undefined) {
      validateOutputFile(uri.value, uri.output_file);
      return { uri, source, name: uri.output_file };
    }
    return { uri, source, name: uriBasename(uri.value) };
  });
}

async function lookupUser(user: string): Promise<{ uid: number; gid: number }> {
  if (user === '' || user.startsWith('-')) throw new FetchUserError(user, 'not a valid user name');
  const uid = await runTool('id', ['-u', '--', user]);
  const gid = await runTool('id', ['-g', '--', user]);
  if (uid.code !== 0 || gid.code !== 0) {
    throw new FetchUserError(user, 'no such user on this agent');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Hands the sandbox to the task's user, as Mesos chowns it at the end of the fetch. */
async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await lchown(path, uid, gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await lchown(child, uid, gid);
  }
}

async function fetchThroughCache(item: Item, ctx: Context): Promise<FetchedUri> {
  const { uri } = item;
  await ctx.log.info(`Fetching URI '${uri.value}' from cache`);
  let tail: string;
  try {
    tail = uriBasename(uri.value);
  } catch {
    tail = 'resource';
  }
  const cached = await cachedFile(
    ctx.options.cacheDir,
    cacheFileName(ctx.options.user, uri.value, tail),
    async (temporary, signal) => {
      await ctx.log.info(`Downloading resource from '${uri.value}' into the fetcher cache`);
      await download(item.source, temporary, {
        signal,
        stallTimeoutMs: ctx.stallTimeoutMs,
        ca: ctx.options.ca,
        masterCredential: ctx.options.masterCredential,
      });
    },
    ctx.signal,
  );
  const cache = cached.downloaded ? 'downloaded' : 'hit';
  const kind =
    uri.executable === true || uri.extract === false ? undefined : archiveKind(item.name);
  if (kind !== undefined) {
    await extractArchive(cached.path, item.name, kind, ctx.root, ctx.signal);
    await ctx.log.info(`Extracted '${cached.path}' into '${ctx.root}'`);
    return { uri: uri.value, path: ctx.root, extracted: true, cache };
  }
  if (uri.executable !== true && uri.extract !== false) await warnNotArchive(item, ctx);
  const destination = await prepareDestination(ctx.root, item.name, uri.value);
  // A copy, never a link: the task may modify its file, and the cache must not change.
  await copyFile(cached.path, destination);
  if (uri.executable === true) await chmod(destination, EXECUTABLE_MODE);
  return { uri: uri.value, path: destination, extracted: false, cache };
}

function warnNotArchive(item: Item, ctx: Context): Promise<void> {
  return ctx.log.warn(
    "Copying instead of extracting resource from URI with 'extract' flag, because it does " +
      `not seem to be an archive: ${item.uri.value}`,
  );
}

async function fetchBypassingCache(item: Item, ctx: Context): Promise<FetchedUri> {
  const { uri } = item;
  await ctx.log.info(`Fetching '${uri.value}' directly into the sandbox directory`);
  const destination = await prepareDestination(ctx.root, item.name, uri.value);
  await ctx.log.info(
    item.source.kind === 'net'
      ? `Downloading resource from '${uri.value}' to '${destination}'`
      : `Copying resource from '${item.source.path}' to '${destination}'`,
  );
  await download(item.source, destination, {
    signal: ctx.signal,
    stallTimeoutMs: ctx.stallTimeoutMs,
    ca: ctx.options.ca,
    masterCredential: ctx.options.masterCredential,
  });
  if (uri.executable === true) {
    await chmod(destination, EXECUTABLE_MODE);
    return { uri: uri.value, path: destination, extracted: false, cache: 'bypassed' };
  }
  if (uri.extract === false) {
    return { uri: uri.value, path: destination, extracted: false, cache: 'bypassed' };
  }
  const kind = archiveKind(item.name);
  if (kind === undefined) {
    await warnNotArchive(item, ctx);
    return { uri: uri.value, path: destination, extracted: false, cache: 'bypassed' };
  }
  await extractArchive(destination, item.name, kind, ctx.root, ctx.signal);
  await ctx.log.info(`Extracted '${destination}' into '${ctx.root}'`);
  return { uri: uri.value, path: destination, extracted: true, cache: 'bypassed' };
}

/** Why the fetch was stopped from outside: its deadline, or the caller's signal. */
interface Interruption {
  timeout: boolean;
  reason: string;
}

/** Turns whatever went wrong while fetching `item` into the coded error the agent reports. */
function failure(item: Item, err: unknown, interruption: Interruption | undefined): MesoliteError {
  const uri = item.uri.value;
  // Whatever error an interrupted step threw (abort, killed tool), the cause is the interruption.
  if (interruption?.timeout) return new FetchTimeoutError(uri, interruption.reason);
  if (interruption) return new FetchFailedError(uri, interruption.reason);
  if (err instanceof MesoliteError) return err;
  if (err instanceof DownloadError) {
    return err.stalled
      ? new FetchTimeoutError(uri, err.message)
      : new FetchFailedError(uri, err.message);
  }
  if (err instanceof ExtractError) {
    const failed = err.failure;
    return failed.kind === 'unsafe'
      ? new UnsafeArchiveError(uri, item.name, failed.unsafe.member, failed.unsafe.problem)
      : new ExtractFailedError(uri, item.name, failed.reason);
  }
  const error = err as NodeJS.ErrnoException;
  return new FetchFailedError(
    uri,
    error?.code ? `${error.code}: ${error.message}` : String(error?.message ?? err),
  );
}

/**
 * Fetches `uris` into `sandbox` (created if missing), one after the other. Resolves
 * with what was fetched; rejects with a coded MesoliteError naming the first URI that
 * failed and why (InvalidFetchUriError, FetchFailedError, FetchTimeoutError,
 * ExtractFailedError, UnsafeArchiveError, FetchUserError).
 *
 * @example
 *   await fetchUris([{ value: 'https://example.com/app.tgz' }], sandbox, { cacheDir });
 */
export async function fetchUris(
  uris: readonly CommandURI[],
  sandbox: string,
  options: FetchOptions,
): Promise<FetchedUri[]> {
  await mkdir(sandbox, { recursive: true });
  const root = await realpath(sandbox);
  const log = new FetchLog(root);

  // One signal for the whole fetch: the caller's cancellation or our deadline.
  const controller = new AbortController();
  let deadlineHit = false;
  const timer =
    options.timeoutMs !== undefined
      ? setTimeout(() => {
          deadlineHit = true;
          controller.abort(new Error('fetch deadline'));
        }, options.timeoutMs)
      : undefined;
  const forwardAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) forwardAbort();
  options.signal?.addEventListener('abort', forwardAbort, { once: true });
  const interruption = (): Interruption | undefined => {
    if (deadlineHit) {
      return {
        timeout: true,
        reason: `the fetch did not finish within ${(options.timeoutMs ?? 0) / 1000}s`,
      };
    }
    return controller.signal.aborted
      ? { timeout: false, reason: 'the fetch was cancelled' }
      : undefined;
  };

  try {
    const items = plan(uris);
    const owner = options.user !== undefined ? await lookupUser(options.user) : undefined;
    const ctx: Context = {
      root,
      log,
      options,
      signal: controller.signal,
      stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    };
    const fetched: FetchedUri[] = [];
    for (const item of items) {
      await log.info(`Fetching URI '${item.uri.value}'`);
      try {
        // A step that cannot be aborted (a local copy) still stops the fetch after it.
        controller.signal.throwIfAborted();
        const result =
          item.uri.cache === true
            ? await fetchThroughCache(item, ctx)
            : await fetchBypassingCache(item, ctx);
        await log.info(`Fetched '${item.uri.value}' to '${result.path}'`);
        fetched.push(result);
      } catch (err) {
        throw failure(item, err, interruption());
      }
    }
    if (owner && process.getuid?.() === 0) await chownTree(root, owner.uid, owner.gid);
    await log.info(`Successfully fetched all URIs into '${root}'`);
    return fetched;
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    await log.error(error.message);
    options.logger?.warn({ sandbox: root, err: error }, 'fetching URIs into a sandbox failed');
    throw error;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', forwardAbort);
  }
}
