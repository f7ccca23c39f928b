import { InvalidPathIdError, type PathIdProblem } from './errors.js';

/**
 * Marathon's rule for one segment of an app, pod or group id (ID_PATH_SEGMENT_PATTERN in
 * Marathon's PathId.scala), spelled exactly as Marathon prints it in its 422 messages.
 * It admits '.' and '..' because segments are checked before relative references are
 * resolved.
 */
export const PATH_SEGMENT_PATTERN = String.raw`^(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])|(\.|\.\.)$`;

/**
 * Last segments Marathon refuses, because /v2/apps/{id}/restart, /tasks and /versions
 * would otherwise be ambiguous. The list and its order are Marathon's, as its message
 * shows them.
 */
export const RESERVED_KEYWORDS: readonly string[] = ['restart', 'tasks', 'versions', '.', '..'];

// Marathon checks segments with Java's Matcher.matches(), which must consume the whole
// segment; the pattern's own ^ and $ each bind to only one side of its top-level `|`,
// so on its own in JavaScript it would accept 'app!' or '!..'.
const SEGMENT = new RegExp(`^(?:${PATH_SEGMENT_PATTERN})$`);

const MESSAGES = {
  invalidSegment: `must fully match regular expression '${PATH_SEGMENT_PATTERN}'`,
  reservedKeyword: `must not end with any of the following reserved keywords: ${RESERVED_KEYWORDS.join(', ')}`,
  root: 'Path must contain at least one path element',
  notChildOf: (base: PathId) => `Identifier is not child of '${base.toString()}'`,
};

// Only this module may build a PathId, so that every PathId in the program has been
// through validation; the class hands its constructor out once, at definition.
let fromSegments: (segments: readonly string[]) => PathId;

/**
 * A canonical, absolute Marathon id such as `/prod/web/frontend`: no empty, '.' or '..'
 * segments, every segment valid. Obtain one from {@link parsePathId}. Instances are
 * immutable; compare them with {@link PathId.equals}, and key maps by `toString()`.
 */
export class PathId {
  static {
    fromSegments = (segments) => new PathId(segments);
  }

  /** The root group, `/`. */
  static readonly root: PathId = new PathId([]);

  readonly segments: readonly string[];

  private constructor(segments: readonly string[]) {
    this.segments = Object.freeze([...segments]);
  }

  /** True for `/`, the root group. */
  get isRoot(): boolean {
    return this.segments.length === 0;
  }

  /** True for an id directly under the root, such as `/prod`. */
  get isTopLevel(): boolean {
    return this.segments.length === 1;
  }

  /** The enclosing group. The root is its own parent, as in Marathon. */
  parent(): PathId {
    return this.isRoot ? this : fromSegments(this.segments.slice(0, -1));
  }

  /** True when `group` is this id's immediate parent: `/a/b` is a child of `/a`, not of `/`. */
  isChildOf(group: PathId): boolean {
    return !this.isRoot && this.parent().equals(group);
  }

  /** True when this id lies anywhere below `group`; an id does not descend from itself. */
  isDescendantOf(group: PathId): boolean {
    return (
      this.segments.length > group.segments.length &&
      group.segments.every((segment, index) => this.segments[index] === segment)
    );
  }

  equals(other: PathId): boolean {
    return (
      this.segments.length === other.segments.length &&
      this.segments.every((segment, index) => other.segments[index] === segment)
    );
  }

  /** The id as Marathon writes it: `/group/app`, and `/` for the root. */
  toString(): string {
    return `/${this.segments.join('/')}`;
  }

  /** Ids appear in Marathon's JSON as plain strings. */
  toJSON(): string {
    return this.toString();
  }

  /**
   * The form Marathon puts at the front of Mesos task ids (`group_app.<uuid>`): the
   * segments joined by '_'. Mesos uses a task id as a sandbox directory name, so it
   * cannot hold '/'; '_' never occurs in a segment, so the form can be read back with
   * {@link pathIdFromSafePath}. The root's safe form is the empty string.
   */
  toSafePath(): string {
    return this.segments.join('_');
  }
}

export interface ParsePathIdOptions {
  /**
   * The group that relative ids ('app', './app', '../other/app') are resolved against,
   * as Marathon resolves the ids nested in a group definition. Defaults to the root.
   */
  readonly base?: PathId;
  /**
   * Accept an id that resolves to `/`. Only a group can be the root, never an app or a
   * pod, so this is off unless asked for.
   */
  readonly allowRoot?: boolean;
  /**
   * Require the resolved id to sit directly in `base`, as Marathon requires of the apps
   * and groups listed inside a group definition.
   */
  readonly requireChildOfBase?: boolean;
}

export type PathIdResult =
  | { readonly ok: true; readonly id: PathId }
  | { readonly ok: false; readonly error: InvalidPathIdError };

/**
 * Parses an app, pod or group id the way Marathon reads ids from its API, returning the
 * error instead of throwing it. See {@link parsePathId}.
 */
export function tryParsePathId(raw: string, options: ParsePathIdOptions = {}): PathIdResult {
  const base = options.base ?? PathId.root;
  const fail = (problem: PathIdProblem, message: string): PathIdResult => ({
    ok: false,
    error: new InvalidPathIdError(raw, problem, message),
  });

  // Clients build ids by joining strings ('/v2/apps/' + '/group/app'), so runs of
  // slashes and a trailing slash are noise, as Marathon treats them.
  const segments = raw.split('/').filter((segment) => segment !== '');
  if (!segments.every((segment) => SEGMENT.test(segment))) {
    return fail('invalid-segment', MESSAGES.invalidSegment);
  }

  const resolved = raw.startsWith('/') ? [] : [...base.segments];
  for (const segment of segments) {
    if (segment === '..') {
      // Marathon stops at the root rather than refusing '..' there.
      resolved.pop();
    } else if (segment !== '.') {
      resolved.push(segment);
    }
  }
  const id = fromSegments(resolved);

  if (id.isRoot && options.allowRoot !== true) {
    return fail('root', MESSAGES.root);
  }
  const last = resolved.at(-1);
  if (last !== undefined && RESERVED_KEYWORDS.includes(last)) {
    return fail('reserved-keyword', MESSAGES.reservedKeyword);
  }
  if (options.requireChildOfBase === true && !id.isChildOf(base)) {
    return fail('not-child-of-base', MESSAGES.notChildOf(base));
  }
  return { ok: true, id };
}

/**
 * Parses an app, pod or group id into its canonical absolute form, as Marathon reads ids
 * given to its API: `/group/app`, `//group//app/` and, against base `/group`, `app`,
 * `./app` and `../group/app` all name `/group/app`.
 *
 * @throws {InvalidPathIdError} when Marathon would refuse the id, with Marathon's message.
 */
export function parsePathId(raw: string, options: ParsePathIdOptions = {}): PathId {
  const result = tryParsePathId(raw, options);
  if (!result.ok) {
    throw result.error;
  }
  return result.id;
}

/**
 * Reads back the safe form of an id, as found at the front of a Mesos task id that
 * Marathon launched: `group_app` is `/group/app`, and the empty string is the root.
 *
 * @throws {InvalidPathIdError} when the text cannot have come from {@link PathId.toSafePath}.
 */
export function pathIdFromSafePath(safePath: string): PathId {
  if (safePath === '') {
    return PathId.root;
  }
  const segments = safePath.split('_');
  const valid = segments.every(
    (segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..',
  );
  if (!valid) {
    throw new InvalidPathIdError(
      safePath,
      'invalid-safe-path',
      `'${safePath}' is not the safe form of a Marathon id: expected segments joined by '_', ` +
        `each matching '${PATH_SEGMENT_PATTERN}' and none of them '.' or '..'`,
    );
  }
  return fromSegments(segments);
}
