/**
 * The files API's errors. Where Mesos's src/files/files.cpp answers with a message, the
 * message is Mesos's, word for word (the routes add the trailing newline Mesos sends).
 */
import { defineError } from '../../errors.js';

export const FilesPathMissingError = defineError(
  'MESOLITE_ERR_FILES_PATH_MISSING',
  400,
  () => "Expecting 'path=value' in query.",
);

/** `offset` or `length` is not a whole number. */
export const FilesParameterError = defineError(
  'MESOLITE_ERR_FILES_BAD_PARAMETER',
  400,
  (name: string, value: string) =>
    `Failed to parse ${name}: Failed to convert '${value}' to number.`,
);

/** `offset` or `length` below -1. */
export const FilesNegativeParameterError = defineError(
  'MESOLITE_ERR_FILES_NEGATIVE_PARAMETER',
  400,
  (name: string, value: number) => `Negative ${name} provided: ${value}.`,
);

/** The path leaves the directory it was attached under, by ".." or through a symlink. */
export const FilesInaccessibleError = defineError(
  'MESOLITE_ERR_FILES_INACCESSIBLE',
  400,
  (path: string) => `'${path}' is inaccessible.`,
);

export const FilesCanonicalPathError = defineError(
  'MESOLITE_ERR_FILES_CANONICAL_PATH',
  400,
  (path: string, reason: string) => `Failed to determine canonical path of '${path}': ${reason}.`,
);

/** Under no attached directory, or not there. Mesos sends no body; this says which path. */
export const FilesNotFoundError = defineError(
  'MESOLITE_ERR_FILES_NOT_FOUND',
  404,
  (path: string) => `No file or directory at '${path}'.`,
);

export const FilesIsDirectoryError = defineError(
  'MESOLITE_ERR_FILES_IS_DIRECTORY',
  400,
  (verb: 'read' | 'download') => `Cannot ${verb} a directory.`,
);

/**
 * A FIFO, socket or device: opening a FIFO would block the request until some writer
 * appears, so only regular files are read (Mesos tries and hangs).
 */
export const FilesNotRegularError = defineError(
  'MESOLITE_ERR_FILES_NOT_REGULAR',
  400,
  (path: string) => `Cannot read '${path}': it is not a regular file.`,
);

/** A file cut shorter while it was being downloaded; the download ends early. */
export const FilesChangedError = defineError(
  'MESOLITE_ERR_FILES_CHANGED',
  500,
  (path: string, offset: number, size: number) =>
    `'${path}' ended at ${offset} bytes while ${size} were being downloaded; download it again.`,
);

export const FilesJsonpError = defineError(
  'MESOLITE_ERR_FILES_JSONP',
  400,
  (callback: string) =>
    `Invalid jsonp callback ${JSON.stringify(callback)}: use a JavaScript name such as cb or my.cb.`,
);

/** A virtual path the agent tried to attach that no request could ever name. */
export const InvalidVirtualPathError = defineError(
  'MESOLITE_ERR_FILES_VIRTUAL_PATH',
  500,
  (path: string) =>
    `Cannot attach ${JSON.stringify(path)} to the files API: a virtual path is a non-empty path without NUL characters.`,
);
