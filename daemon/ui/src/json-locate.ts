/**
 * Where a field is in JSON text a user typed: the line of each value, by the path
 * Marathon's validation names it with (play-json's notation: `/container/docker/image`,
 * `/healthChecks(0)/path`). Pure, so the editor can put an error at its line.
 */

/** The 1-based line of every path in `text`; empty when the text is not JSON. */
export function jsonLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let at = 0;
  let line = 1;

  const fail = (): never => {
    throw new SyntaxError(`not JSON at offset ${at}`);
  };
  const skipSpace = () => {
    for (;;) {
      const char = text[at];
      if (char === '\n') line++;
      else if (char !== ' ' && char !== '\t' && char !== '\r') return;
      at++;
    }
  };
  const readString = (): string => {
    if (text[at] !== '"') fail();
    const start = at;
    at++;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    if (at >= text.length) fail();
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const readValue = (path: string, keyLine: number): void => {
    skipSpace();
    lines.set(path || '/', keyLine);
    const char = text[at];
    if (char === '{') {
      at++;
      skipSpace();
      if (text[at] === '}') {
        at++;
        return;
      }
      for (;;) {
        skipSpace();
        const fieldLine = line;
        const key = readString();
        skipSpace();
        if (text[at] !== ':') fail();
        at++;
        readValue(`${path}/${key}`, fieldLine);
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] !== '}') fail();
        at++;
        return;
      }
    }
    if (char === '[') {
      at++;
      skipSpace();
      if (text[at] === ']') {
        at++;
        return;
      }
      for (let index = 0; ; index++) {
        skipSpace();
        readValue(`${path}(${index})`, line);
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] !== ']') fail();
        at++;
        return;
      }
    }
    if (char === '"') {
      readString();
      return;
    }
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at));
    if (!literal) fail();
    at += literal?.[0].length ?? 0;
  };

  try {
    readValue('', 1);
    return lines;
  } catch {
    return new Map();
  }
}

/** play-json's `/a[0]/b` and `/a(0)/b` are the same path; the locator spells `(0)`. */
function normalize(path: string): string {
  const spelled = path.replace(/\[(\d+)\]/g, '($1)');
  return spelled === '' ? '/' : spelled;
}

/** The path without its last step, or undefined for the root. */
function parentOf(path: string): string | undefined {
  if (path === '/') return undefined;
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('('));
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/**
 * The line an error at `path` belongs on: the field's own line, or for a field that
 * is not there (`error.path.missing`) the line of the nearest enclosing one.
 */
export function lineOfPath(lines: ReadonlyMap<string, number>, path: string): number {
  for (let at: string | undefined = normalize(path); at !== undefined; at = parentOf(at)) {
    const line = lines.get(at);
    if (line !== undefined) return line;
  }
  return 1;
}
