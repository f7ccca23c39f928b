import { defineError } from '../../errors.js';

/**
 * Why a fetch failed. Every message names the URI, because the agent fails the task
 * with it (TASK_FAILED, as Mesos does when its fetcher fails) and a user reading the
 * task's status must know which of its URIs to fix.
 */

/** The URI cannot be fetched at all as written (scheme, path, output_file). */
export const InvalidFetchUriError = defineError(
  'MESOLITE_ERR_FETCH_INVALID_URI',
  400,
  (uri: string, problem: string) => `Cannot fetch '${uri}': ${problem}`,
);

/** The download or copy failed: HTTP status, connection refused, missing file, ... */
export const FetchFailedError = defineError(
  'MESOLITE_ERR_FETCH_FAILED',
  502,
  (uri: string, reason: string) => `Failed to fetch '${uri}': ${reason}`,
);

/** The whole fetch took longer than it was allowed, or a download stalled. */
export const FetchTimeoutError = defineError(
  'MESOLITE_ERR_FETCH_TIMEOUT',
  504,
  (uri: string, reason: string) => `Failed to fetch '${uri}': ${reason}`,
);

/** The archive was fetched but could not be unpacked (corrupt, truncated, no tool). */
export const ExtractFailedError = defineError(
  'MESOLITE_ERR_FETCH_EXTRACT_FAILED',
  422,
  (uri: string, archive: string, reason: string) =>
    `Failed to fetch '${uri}': cannot extract '${archive}': ${reason}`,
);

/**
 * The archive holds a member that would land outside the sandbox ("zip slip"): an
 * absolute path, a `..` component, or a link that leads out. Nothing is extracted.
 */
export const UnsafeArchiveError = defineError(
  'MESOLITE_ERR_FETCH_UNSAFE_ARCHIVE',
  422,
  (uri: string, archive: string, member: string, problem: string) =>
    `Failed to fetch '${uri}': refusing to extract '${archive}': member '${member}' ${problem}. ` +
    'Nothing was extracted; repack the archive with paths relative to its root.',
);

/** The task's user does not exist on this agent, as Mesos's fetcher checks before fetching. */
export const FetchUserError = defineError(
  'MESOLITE_ERR_FETCH_USER',
  400,
  (user: string, reason: string) => `Cannot fetch URIs for user '${user}': ${reason}`,
);
