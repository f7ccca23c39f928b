/**
 * Reads a repository's index from where its URI points: an http(s) server answering
 * with a Universe repository media type (v3, v4 or v5), or a directory in Universe's
 * source layout (file:). Failures become Cosmos's repository errors.
 */
import { fileURLToPath } from 'node:url';
import {
  packageFileSchemaMismatch,
  repositoryUriConnection,
  repositoryUriSyntax,
  unsupportedRepositoryUri,
  unsupportedRepositoryVersion,
} from './errors.js';
import { parseMediaType, universeRepoType } from './media-types.js';
import type { Repository } from './package-collection.js';
import {
  checkRepositoryIndex,
  readSourceLayout,
  SourceLayoutError,
} from './source-layout-reader.js';
import type { RepositoryIndex } from './universe-schema.js';

/** A repository that does not answer in this long is as good as unreachable. */
const FETCH_TIMEOUT_MS = 10_000;

const ACCEPT = [
  universeRepoType('v5'),
  `${universeRepoType('v4')};q=0.9`,
  `${universeRepoType('v3')};q=0.8`,
].join(',');

export type RepositoryLoader = (repository: Repository) => Promise<RepositoryIndex>;

/** Checks the URI's form before anything is stored: http, https or file. */
export function checkRepositoryUri(repository: Repository): URL {
  let url: URL;
  try {
    url = new URL(repository.uri);
  } catch (err) {
    throw repositoryUriSyntax(repository, (err as Error).message);
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol))
    throw unsupportedRepositoryUri(repository.uri);
  return url;
}

export async function loadRepository(repository: Repository): Promise<RepositoryIndex> {
  const url = checkRepositoryUri(repository);
  if (url.protocol === 'file:') {
    try {
      return await readSourceLayout(fileURLToPath(url));
    } catch (err) {
      if (err instanceof SourceLayoutError)
        throw packageFileSchemaMismatch(repository, err.message);
      throw repositoryUriConnection(repository, (err as Error).message);
    }
  }
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: ACCEPT },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw repositoryUriConnection(repository, cause);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw repositoryUriConnection(repository, `the server answered ${response.status}`);
  }
  const contentType = response.headers.get('content-type') ?? '';
  const type = parseMediaType(contentType);
  const version = type?.parameters.version ?? '';
  if (type?.subtype !== 'vnd.dcos.universe.repo+json' || !['v3', 'v4', 'v5'].includes(version)) {
    await response.body?.cancel();
    throw unsupportedRepositoryVersion(repository, contentType);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (err) {
    throw packageFileSchemaMismatch(repository, `not JSON: ${(err as Error).message}`);
  }
  try {
    return checkRepositoryIndex.parse(body);
  } catch (err) {
    throw packageFileSchemaMismatch(repository, (err as Error).message);
  }
}
