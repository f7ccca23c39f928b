import { InvalidPathIdError } from '@mesolite/plugin-marathon/errors';
import {
  PathId,
  parsePathId,
  pathIdFromSafePath,
  tryParsePathId,
} from '@mesolite/plugin-marathon/path-id';
import { describe, expect, it } from 'vitest';

// Marathon's messages, copied from its own tests rather than built from our constants,
// so that a drift in our wording fails here.
const SEGMENT_MESSAGE = String.raw`must fully match regular expression '^(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])|(\.|\.\.)$'`;
const RESERVED_MESSAGE =
  'must not end with any of the following reserved keywords: restart, tasks, versions, ., ..';
const ROOT_MESSAGE = 'Path must contain at least one path element';

function errorFrom(raw: string, options?: Parameters<typeof parsePathId>[1]): InvalidPathIdError {
  const result = tryParsePathId(raw, options);
  if (result.ok) {
    throw new Error(`expected '${raw}' to be refused, got ${result.id.toString()}`);
  }
  return result.error;
}

const id = (raw: string): PathId => parsePathId(raw, { allowRoot: true });

describe('parsing an absolute id', () => {
  it('keeps a canonical id as it is', () => {
    expect(parsePathId('/group/app').toString()).toBe('/group/app');
  });

  it('splits the id into its segments', () => {
    expect(parsePathId('/prod/web/frontend').segments).toEqual(['prod', 'web', 'frontend']);
  });

  it('collapses doubled slashes that come from joining URL parts', () => {
    expect(parsePathId('//group/app').toString()).toBe('/group/app');
  });

  it('collapses runs of slashes between segments', () => {
    expect(parsePathId('/group///app').toString()).toBe('/group/app');
  });

  it('drops trailing slashes', () => {
    expect(parsePathId('/group/app//').toString()).toBe('/group/app');
  });

  it('ignores the base when the id is absolute', () => {
    const base = parsePathId('/prod');
    expect(parsePathId('/dev/app', { base }).toString()).toBe('/dev/app');
  });

  it("resolves '.' segments inside an absolute id", () => {
    expect(parsePathId('/group/./app').toString()).toBe('/group/app');
  });

  it("resolves '..' segments inside an absolute id", () => {
    expect(parsePathId('/group/old/../app').toString()).toBe('/group/app');
  });

  it('gives equal ids for every spelling of the same path', () => {
    const spellings = ['/group/app', '//group//app/', '/group/./app', '/other/../group/app'];
    const ids = spellings.map((raw) => parsePathId(raw));
    expect(ids.every((parsed) => parsed.equals(parsePathId('/group/app')))).toBe(true);
  });
});

describe('resolving a relative id', () => {
  const base = parsePathId('/prod/web');

  it('resolves against the root when no base is given', () => {
    expect(parsePathId('app').toString()).toBe('/app');
  });

  it('places a bare name inside the base group', () => {
    expect(parsePathId('app', { base }).toString()).toBe('/prod/web/app');
  });

  it("treats './' as the base group itself", () => {
    expect(parsePathId('./app', { base }).toString()).toBe('/prod/web/app');
  });

  it("climbs to the parent group on '../'", () => {
    expect(parsePathId('../other/app', { base }).toString()).toBe('/prod/other/app');
  });

  it("climbs several levels on repeated '../'", () => {
    expect(parsePathId('../../app', { base }).toString()).toBe('/app');
  });

  it("stops at the root instead of refusing a '..' above it, as Marathon does", () => {
    expect(parsePathId('../../../../app', { base }).toString()).toBe('/app');
  });

  it('resolves a nested relative path with mixed dot segments as Marathon does', () => {
    const deep = parsePathId('/a/b/c/d');
    expect(parsePathId('./test/../e/f/g/./../', { base: deep }).toString()).toBe('/a/b/c/d/e/f');
  });

  it('resolves relative ids against the root group as base', () => {
    expect(parsePathId('group/app', { base: PathId.root }).toString()).toBe('/group/app');
  });
});

describe('validating segments', () => {
  it.each([
    'a',
    '0',
    'app',
    'my-app',
    'a--b',
    'app2',
    '9lives',
    'dot.ted',
    'v1.2.3',
    'all.to-9gether',
  ])("accepts the segment '%s'", (segment) => {
    expect(parsePathId(`/group/${segment}`).segments.at(-1)).toBe(segment);
  });

  it.each([
    ['an upper-case letter', 'App'],
    ['an underscore', 'my_app'],
    ['a space', 'my app'],
    ['a leading hyphen', '-app'],
    ['a trailing hyphen', 'app-'],
    ['a leading dot', '.app'],
    ['a trailing dot', 'app.'],
    ['two dots in a row', 'a..b'],
    ['three dots', '...'],
    ['a hyphen next to a dot', 'a-.b'],
    ['punctuation', 'app!'],
    ['a non-ASCII letter', 'café'],
    ['a colon', 'app:1'],
  ])('refuses a segment with %s', (_, segment) => {
    expect(errorFrom(`/group/${segment}`).problem).toBe('invalid-segment');
  });

  it("refuses a bad segment with Marathon's exact message", () => {
    expect(errorFrom('/Group/app').message).toBe(SEGMENT_MESSAGE);
  });

  it('refuses a bad segment anywhere in the id, not only the last', () => {
    expect(errorFrom('/My_Group/app').problem).toBe('invalid-segment');
  });

  it("checks segments before resolving '..', so a bad segment cannot be climbed out of", () => {
    expect(errorFrom('/BAD/../app').problem).toBe('invalid-segment');
  });

  it('checks the segments of a relative id as well', () => {
    expect(errorFrom('Web', { base: parsePathId('/prod') }).problem).toBe('invalid-segment');
  });
});

describe('reserved keywords', () => {
  it.each(['restart', 'tasks', 'versions'])("refuses an id ending in '%s'", (keyword) => {
    expect(errorFrom(`/group/${keyword}`).problem).toBe('reserved-keyword');
  });

  it.each(['restart', 'tasks', 'versions'])("refuses the top-level id '/%s'", (keyword) => {
    expect(errorFrom(`/${keyword}`).problem).toBe('reserved-keyword');
  });

  it.each(['restart', 'tasks', 'versions'])(
    "accepts '%s' as a group above the last segment",
    (keyword) => {
      expect(parsePathId(`/${keyword}/app`).toString()).toBe(`/${keyword}/app`);
    },
  );

  it("refuses a reserved keyword with Marathon's exact message", () => {
    expect(errorFrom('/group/tasks').message).toBe(RESERVED_MESSAGE);
  });

  it('refuses a relative id that resolves to a reserved keyword', () => {
    expect(errorFrom('versions', { base: parsePathId('/prod') }).problem).toBe('reserved-keyword');
  });

  it("judges the last segment after resolving, so '/group/tasks/..' names /group", () => {
    expect(parsePathId('/group/tasks/..').toString()).toBe('/group');
  });

  it('accepts a last segment that merely contains a reserved word', () => {
    expect(parsePathId('/group/tasks-api').toString()).toBe('/group/tasks-api');
  });
});

describe('the root', () => {
  it.each(['/', '', '//', '.', '/.', '/app/..', '../..'])(
    "refuses '%s' by default, since an app or pod cannot be the root",
    (raw) => {
      expect(errorFrom(raw).problem).toBe('root');
    },
  );

  it("refuses the root with Marathon's exact message", () => {
    expect(errorFrom('/').message).toBe(ROOT_MESSAGE);
  });

  it('accepts the root when asked to, as a group id', () => {
    expect(parsePathId('/', { allowRoot: true }).isRoot).toBe(true);
  });

  it('writes the root as a single slash', () => {
    expect(id('/').toString()).toBe('/');
  });

  it('resolves an empty relative id to the base group', () => {
    const base = parsePathId('/prod');
    expect(parsePathId('', { base }).toString()).toBe('/prod');
  });

  it('equals PathId.root', () => {
    expect(id('//').equals(PathId.root)).toBe(true);
  });
});

describe('requiring a direct child of the base', () => {
  const base = parsePathId('/prod');

  it('accepts a relative id that lands directly in the base', () => {
    expect(parsePathId('web', { base, requireChildOfBase: true }).toString()).toBe('/prod/web');
  });

  it('accepts an absolute id that lands directly in the base', () => {
    expect(parsePathId('/prod/web', { base, requireChildOfBase: true }).toString()).toBe(
      '/prod/web',
    );
  });

  it('refuses an id nested deeper than the base', () => {
    expect(errorFrom('web/frontend', { base, requireChildOfBase: true }).problem).toBe(
      'not-child-of-base',
    );
  });

  it('refuses an id that climbs out of the base', () => {
    expect(errorFrom('../dev/web', { base, requireChildOfBase: true }).problem).toBe(
      'not-child-of-base',
    );
  });

  it("refuses with Marathon's message naming the base", () => {
    expect(errorFrom('/dev/web', { base, requireChildOfBase: true }).message).toBe(
      "Identifier is not child of '/prod'",
    );
  });

  it('does not check the base unless asked to', () => {
    expect(parsePathId('web/frontend', { base }).toString()).toBe('/prod/web/frontend');
  });
});

describe('the error', () => {
  it('carries the stable code MESOLITE_ERR_INVALID_PATH_ID', () => {
    expect(errorFrom('/Bad').code).toBe('MESOLITE_ERR_INVALID_PATH_ID');
  });

  it('exposes the code on the class for matching without an instance', () => {
    expect(InvalidPathIdError.code).toBe('MESOLITE_ERR_INVALID_PATH_ID');
  });

  it('carries the 422 status Marathon answers invalid ids with', () => {
    expect(errorFrom('/Bad').statusCode).toBe(422);
  });

  it('keeps the id exactly as it was given', () => {
    expect(errorFrom('//Bad/app/').input).toBe('//Bad/app/');
  });

  it('is an Error with its own name', () => {
    const error = errorFrom('/Bad');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidPathIdError');
  });

  it('is thrown by parsePathId', () => {
    expect(() => parsePathId('/Bad')).toThrow(InvalidPathIdError);
  });

  it('is thrown with the same message tryParsePathId returns', () => {
    expect(() => parsePathId('/Bad')).toThrow(SEGMENT_MESSAGE);
  });

  it('is returned, not thrown, by tryParsePathId', () => {
    expect(() => tryParsePathId('/Bad')).not.toThrow();
  });

  it('reports success from tryParsePathId with the parsed id', () => {
    const result = tryParsePathId('/group/app');
    expect(result.ok && result.id.toString()).toBe('/group/app');
  });
});

describe('a PathId', () => {
  it('has the enclosing group as its parent', () => {
    expect(id('/a/b/c').parent().toString()).toBe('/a/b');
  });

  it('has the root as the parent of a top-level id', () => {
    expect(id('/a').parent().isRoot).toBe(true);
  });

  it('has the root as the parent of the root, as in Marathon', () => {
    expect(PathId.root.parent().isRoot).toBe(true);
  });

  it('is the root only for /', () => {
    expect([id('/').isRoot, id('/a').isRoot]).toEqual([true, false]);
  });

  it('is top-level only directly under the root', () => {
    expect([id('/').isTopLevel, id('/a').isTopLevel, id('/a/b').isTopLevel]).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('is a child of its immediate parent', () => {
    expect(id('/a/b').isChildOf(id('/a'))).toBe(true);
  });

  it('is a child of the root when top-level', () => {
    expect(id('/a').isChildOf(PathId.root)).toBe(true);
  });

  it('is not a child of a grandparent', () => {
    expect(id('/a/b/c').isChildOf(id('/a'))).toBe(false);
  });

  it('is not a child of itself', () => {
    expect(id('/a').isChildOf(id('/a'))).toBe(false);
  });

  it('is not a child of a sibling that shares a name prefix', () => {
    expect(id('/ab/c').isChildOf(id('/a'))).toBe(false);
  });

  it('makes the root a child of nothing, not even itself', () => {
    expect(PathId.root.isChildOf(PathId.root)).toBe(false);
  });

  it('descends from every group above it', () => {
    const app = id('/a/b/c');
    expect([PathId.root, id('/a'), id('/a/b')].every((group) => app.isDescendantOf(group))).toBe(
      true,
    );
  });

  it('does not descend from itself', () => {
    expect(id('/a/b').isDescendantOf(id('/a/b'))).toBe(false);
  });

  it('does not descend from a group in another branch', () => {
    expect(id('/a/b/c').isDescendantOf(id('/a/x'))).toBe(false);
  });

  it('does not descend from a group whose name is a prefix of its own', () => {
    expect(id('/app-two/x').isDescendantOf(id('/app'))).toBe(false);
  });

  it('does not descend from its own descendants', () => {
    expect(id('/a').isDescendantOf(id('/a/b'))).toBe(false);
  });

  it('equals another id with the same segments', () => {
    expect(id('/a/b').equals(id('a/b'))).toBe(true);
  });

  it('differs from an id with a different segment', () => {
    expect(id('/a/b').equals(id('/a/c'))).toBe(false);
  });

  it('differs from its own parent', () => {
    expect(id('/a/b').equals(id('/a'))).toBe(false);
  });

  it('serializes to JSON as the plain id string', () => {
    expect(JSON.stringify({ id: id('/group/app') })).toBe('{"id":"/group/app"}');
  });

  it('cannot have its segments changed', () => {
    const app = id('/group/app');
    expect(() => (app.segments as string[]).push('x')).toThrow(TypeError);
  });
});

describe('the safe form used in Mesos task ids', () => {
  it("joins the segments with '_' and drops the leading slash", () => {
    expect(id('/group/app').toSafePath()).toBe('group_app');
  });

  it('is just the name for a top-level app', () => {
    expect(id('/app').toSafePath()).toBe('app');
  });

  it('keeps dots and hyphens inside segments', () => {
    expect(id('/my-group/app.v2').toSafePath()).toBe('my-group_app.v2');
  });

  it('is empty for the root', () => {
    expect(PathId.root.toSafePath()).toBe('');
  });

  it('reads back to the same id', () => {
    expect(pathIdFromSafePath('prod_web_frontend').toString()).toBe('/prod/web/frontend');
  });

  it.each(['/app', '/group/app', '/a.b/c-d/e', '/'])('round-trips %s', (raw) => {
    const original = id(raw);
    expect(pathIdFromSafePath(original.toSafePath()).equals(original)).toBe(true);
  });

  it('reads the empty string back as the root', () => {
    expect(pathIdFromSafePath('').isRoot).toBe(true);
  });

  it.each([
    ['an empty segment between underscores', 'group__app'],
    ['a leading underscore', '_app'],
    ['a trailing underscore', 'app_'],
    ['an upper-case letter', 'Group_app'],
    ['a slash', 'group/app'],
    ["a '..' segment", 'group_.._app'],
    ["a '.' segment", 'group_._app'],
  ])('refuses a safe form with %s', (_, safePath) => {
    expect(() => pathIdFromSafePath(safePath)).toThrow(
      expect.objectContaining({
        code: 'MESOLITE_ERR_INVALID_PATH_ID',
        problem: 'invalid-safe-path',
      }),
    );
  });

  it('names the text it could not read in the error', () => {
    expect(() => pathIdFromSafePath('Group_app')).toThrow(/'Group_app' is not the safe form/);
  });
});
