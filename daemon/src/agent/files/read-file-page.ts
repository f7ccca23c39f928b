/**
 * /files/read's reading, as FilesProcess::_read does it: the file's size, and at most
 * one page (16 memory pages) of bytes from an offset.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { FilesIsDirectoryError, FilesNotFoundError, FilesNotRegularError } from './files-errors.js';
import type { ResolvedPath } from './files-registry.js';

/**
 * Mesos caps a read at `os::pagesize() * 16`. Node cannot ask for the page size; 4 KiB
 * is the page of every common Linux and Intel machine, so reads are capped at 64 KiB.
 */
export const MAX_READ_LENGTH = 16 * 4096;

export interface FilePage {
  /** The file's size when it was read. */
  size: number;
  data: Buffer;
}

/**
 * Up to `length` bytes (to the end of the file when undefined, and never more than
 * {@link MAX_READ_LENGTH}) from `offset`. Past the end, or with length 0, the page is
 * empty and only the size is news.
 */
export async function readFilePage(
  resolved: ResolvedPath,
  offset: number,
  length: number | undefined,
): Promise<FilePage> {
  checkReadable(resolved, 'read');
  const handle = await openResolved(resolved);
  try {
    const { size } = await handle.stat();
    if (offset >= size) return { size, data: Buffer.alloc(0) };
    const wanted = Math.min(length ?? size - offset, MAX_READ_LENGTH);
    if (wanted === 0) return { size, data: Buffer.alloc(0) };
    const buffer = Buffer.alloc(wanted);
    const { bytesRead } = await handle.read(buffer, 0, wanted, offset);
    return { size, data: buffer.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}

/** Opens a resolved file; one removed since it was resolved (a sandbox just collected) is a 404. */
export async function openResolved(resolved: ResolvedPath): Promise<FileHandle> {
  try {
    return await open(resolved.realPath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new FilesNotFoundError(resolved.virtualPath);
    }
    throw error;
  }
}

/** Directories and special files are not read; the order of the checks is Mesos's. */
export function checkReadable(resolved: ResolvedPath, verb: 'read' | 'download'): void {
  if (resolved.stats.isDirectory()) throw new FilesIsDirectoryError(verb);
  if (!resolved.stats.isFile()) throw new FilesNotRegularError(resolved.virtualPath);
}
