/**
 * The files API as operations, apart from any transport: what /files/* on the agent,
 * the agent channel's files requests and the master's /agent/<id>/files/* all answer
 * from. The local source reads the agent's FilesRegistry; the master's source for a
 * LAN agent asks it over the channel. Every operation rejects with the files API's
 * MesoliteErrors, whose statuses and messages are Mesos's.
 */
import { basename } from 'node:path';
import type { FileInfo } from '../../protocol/agent-channel.js';
import { browseDirectory } from './browse-directory.js';
import type { FilesRegistry } from './files-registry.js';
import type { OwnerNames } from './owner-names.js';
import { checkReadable, type FilePage, readFilePage } from './read-file-page.js';

/** What a download needs before its first page. */
export interface FileStat {
  size: number;
  /** The name it is saved as: the basename of its real path, as Mesos names it. */
  name: string;
}

export interface FilesSource {
  /** The entries of a directory; a file lists as `[]`. */
  browse(path: string): Promise<FileInfo[]>;
  /**
   * One page from `offset` (at most MAX_READ_LENGTH bytes; to the end of the page when
   * `length` is undefined), with the file's size.
   */
  read(path: string, offset: number, length: number | undefined): Promise<FilePage>;
  /** Size and name of a file about to be downloaded; directories and special files are refused. */
  stat(path: string): Promise<FileStat>;
  /** The map of virtual paths to real paths. */
  debug(): Promise<Record<string, string>>;
}

export function localFilesSource(registry: FilesRegistry, owners: OwnerNames): FilesSource {
  return {
    browse: async (path) => browseDirectory(await registry.resolve(path), owners),
    read: async (path, offset, length) =>
      readFilePage(await registry.resolve(path), offset, length),
    stat: async (path) => {
      const resolved = await registry.resolve(path);
      checkReadable(resolved, 'download');
      return { size: resolved.stats.size, name: basename(resolved.realPath) };
    },
    debug: async () => registry.entries(),
  };
}
