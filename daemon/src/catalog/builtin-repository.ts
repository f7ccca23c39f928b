/**
 * The repository that ships with mesolite (daemon/catalog/, in Universe's source
 * layout), so the catalog works with no network. It is found next to the code, in
 * the source tree and in an installed package alike.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Repository } from './package-collection.js';

// src/catalog/ and dist/catalog/ are both two levels below the package root.
export const BUILTIN_DIR = fileURLToPath(new URL('../../catalog/', import.meta.url));

export const BUILTIN_REPOSITORY: Repository = {
  name: 'Built-in',
  uri: pathToFileURL(BUILTIN_DIR).href,
};
