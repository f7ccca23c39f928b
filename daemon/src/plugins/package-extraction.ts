/**
 * Unpacks an uploaded plugin tarball without trusting it: every entry is checked
 * before a byte is written (regular files and folders only, under `package/`, no
 * absolute paths, no `..`, within size and count limits), so a package cannot write
 * outside the folder it is unpacked into, nor fill the disk.
 */
import { isAbsolute } from 'node:path';
import { Parser, type ReadEntry, Unpack } from 'tar';
import { UnsafePluginPackageError } from './package-errors.js';

export interface ExtractionLimits {
  /** Sum of the sizes of the files, unpacked. */
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxBytes: 256 * 1024 * 1024,
  maxEntries: 10_000,
};

const ROOT = 'package/';

/** Why an entry may not be unpacked, or undefined when it may. */
export function entryProblem(path: string, type: string): string | undefined {
  if (type !== 'File' && type !== 'OldFile' && type !== 'Directory') {
    return `${path} is a ${type}; a package holds only files and folders`;
  }
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path)) return `${path} is an absolute path`;
  const segments = path.split(/[\\/]/);
  if (segments.includes('..')) return `${path} leads outside the package ("..")`;
  if (!path.startsWith(ROOT) && `${path}/` !== ROOT) return `${path} is not under ${ROOT}`;
  return undefined;
}

/** Writes the whole tarball to a tar parser; resolves when it says it is done. */
function feed(parser: Parser, tgz: Buffer, done: 'end' | 'close'): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    parser.on('error', reject);
    parser.on(done, () => resolvePromise());
    parser.end(tgz);
  });
}

async function survey(tgz: Buffer, limits: ExtractionLimits): Promise<void> {
  let bytes = 0;
  let entries = 0;
  let problem: string | undefined;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      entries += 1;
      bytes += entry.size;
      problem ??= entryProblem(entry.path, entry.type);
      if (entries > limits.maxEntries) problem ??= `it has over ${limits.maxEntries} entries`;
      if (bytes > limits.maxBytes) problem ??= `it unpacks to over ${limits.maxBytes} bytes`;
      entry.resume();
    },
  });
  try {
    await feed(parser, tgz, 'end');
  } catch (err) {
    throw new UnsafePluginPackageError(`it is not a gzipped tarball (${(err as Error).message})`);
  }
  if (problem) throw new UnsafePluginPackageError(problem);
  if (entries === 0) throw new UnsafePluginPackageError('it is empty');
}

/** Unpacks the package's `package/` folder into `dir` (which must exist and be empty). */
export async function extractPluginPackage(
  tgz: Buffer,
  dir: string,
  limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS,
): Promise<void> {
  await survey(tgz, limits);
  // The survey refused anything unsafe; tar's own guards (no absolute paths, no `..`,
  // no writing through links) stay on as a second line.
  const unpack = new Unpack({ cwd: dir, strip: 1, strict: true, preservePaths: false });
  await feed(unpack, tgz, 'close');
}
