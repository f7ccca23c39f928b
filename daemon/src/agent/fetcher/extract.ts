/**
 * Unpacks a fetched archive into the sandbox, as Mesos's fetcher does for the file
 * extensions it recognises (src/launcher/fetcher.cpp, `extract`). Every archive is
 * listed and checked first (see archive-safety.ts), then extracted by the system's
 * GNU tar or unzip, or, for a single gzipped file, by node:zlib.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, rm, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type ArchiveMember, listTarMembers, listZipMembers } from './archive-members.js';
import { findUnsafeMember, type UnsafeMember } from './archive-safety.js';
import { runTool, summarize, ToolMissingError } from './run-tool.js';

export type ArchiveKind = 'tar' | 'zip' | 'gzip';

/** Mesos's list, in Mesos's order: `.tar.gz` must be seen before `.gz`. */
const TAR_SUFFIXES = ['.tar', '.tgz', '.tar.gz', '.tbz2', '.tar.bz2', '.txz', '.tar.xz'];

/** What kind of archive a file name announces, or undefined when it is no archive. */
export function archiveKind(name: string): ArchiveKind | undefined {
  if (TAR_SUFFIXES.some((suffix) => name.endsWith(suffix))) return 'tar';
  if (name.endsWith('.zip')) return 'zip';
  if (name.endsWith('.gz')) return 'gzip';
  return undefined;
}

/** Why extraction failed: the archive is unreadable, or a member would leave the sandbox. */
export type ExtractFailure =
  | { kind: 'unreadable'; reason: string }
  | { kind: 'unsafe'; unsafe: UnsafeMember };

export class ExtractError extends Error {
  constructor(readonly failure: ExtractFailure) {
    super(failure.kind === 'unreadable' ? failure.reason : failure.unsafe.problem);
    this.name = 'ExtractError';
  }
}

function unreadable(reason: string): ExtractError {
  return new ExtractError({ kind: 'unreadable', reason });
}

async function listMembers(
  archive: string,
  kind: 'tar' | 'zip',
  signal?: AbortSignal,
): Promise<ArchiveMember[]> {
  try {
    return kind === 'tar' ? await listTarMembers(archive, signal) : await listZipMembers(archive);
  } catch (err) {
    if (signal?.aborted) throw err;
    throw unreadable((err as Error).message);
  }
}

async function extractTar(archive: string, root: string, signal?: AbortSignal): Promise<void> {
  // --no-same-owner: an agent running as root must not hand files to the uids an
  // archive names; --no-same-permissions: the umask applies and setuid bits go.
  const result = await runTool(
    'tar',
    ['-x', '-f', archive, '-C', root, '--no-same-owner', '--no-same-permissions'],
    { signal, env: { ...process.env, LC_ALL: 'C' } },
  );
  if (result.code !== 0) {
    throw unreadable(summarize(result.stderr, `tar exited with status ${result.code}`));
  }
}

async function extractZip(archive: string, root: string, signal?: AbortSignal): Promise<void> {
  // -o: overwrite without asking, as libarchive does for Mesos. unzip does not restore
  // owners (no -X) nor setuid bits (no -K).
  const args = ['-o', '-q', archive, '-d', root];
  let result: Awaited<ReturnType<typeof runTool>>;
  try {
    result = await runTool('unzip', args, { signal });
  } catch (err) {
    if (!(err instanceof ToolMissingError)) throw err;
    try {
      result = await runTool('busybox', ['unzip', ...args], { signal });
    } catch (inner) {
      if (inner instanceof ToolMissingError) {
        throw unreadable('neither unzip nor busybox is installed on this agent');
      }
      throw inner;
    }
  }
  // unzip's status 1 means "warnings, but everything was extracted".
  if (result.code !== 0 && result.code !== 1) {
    throw unreadable(
      summarize(result.stderr || result.stdout, `unzip exited with status ${result.code}`),
    );
  }
}

/** Mesos gunzips `x.gz` to `x` in the sandbox root (`gunzip -d -c`). */
async function extractGzip(
  archive: string,
  name: string,
  root: string,
  signal?: AbortSignal,
): Promise<string> {
  const output = join(root, basename(name).slice(0, -'.gz'.length));
  if (output === root) throw unreadable(`'${name}' has no name left once '.gz' is removed`);
  // Replace a symlink rather than write through it.
  const existing = await lstat(output).catch(() => undefined);
  if (existing?.isSymbolicLink()) await unlink(output);
  try {
    await pipeline(
      createReadStream(archive),
      createGunzip(),
      createWriteStream(output),
      signal ? { signal } : {},
    );
  } catch (err) {
    await rm(output, { force: true });
    if (signal?.aborted) throw err;
    throw unreadable(`gunzip failed: ${(err as Error).message}`);
  }
  return output;
}

/**
 * Extracts `archive` (a file on disk whose sandbox name is `name`) into `root`, the
 * sandbox's real path. Rejects with an ExtractError before writing anything when a
 * member would leave the sandbox.
 */
export async function extractArchive(
  archive: string,
  name: string,
  kind: ArchiveKind,
  root: string,
  signal?: AbortSignal,
): Promise<void> {
  if (kind === 'gzip') {
    await extractGzip(archive, name, root, signal);
    return;
  }
  const members = await listMembers(archive, kind, signal);
  const unsafe = await findUnsafeMember(members, root);
  if (unsafe) throw new ExtractError({ kind: 'unsafe', unsafe });
  if (kind === 'tar') await extractTar(archive, root, signal);
  else await extractZip(archive, root, signal);
}
