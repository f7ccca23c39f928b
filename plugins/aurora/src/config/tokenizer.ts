import { AuroraLimitError, AuroraRefusedError, AuroraSyntaxError } from './errors.js';

export type TokenKind =
  | 'name'
  | 'int'
  | 'float'
  | 'string'
  | 'op'
  | 'newline'
  | 'indent'
  | 'dedent'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Names and operators as written; for strings the decoded value (or an f-string's raw body). */
  readonly value: string;
  readonly line: number;
  readonly column: number;
  /** Strings only: an f-string, whose body is parsed again for its `{expressions}`. */
  readonly fstring?: boolean;
  /** f-strings only: where the body starts, for locations inside it. */
  readonly bodyLine?: number;
  readonly bodyColumn?: number;
}

export const MAX_SOURCE_CHARS = 1_000_000;

const KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

export function isKeyword(name: string): boolean {
  return KEYWORDS.has(name);
}

/**
 * Names that would reach a JavaScript object's internals if the evaluator ever looked
 * them up on one, and Python's dunders, which are the way out of every Python sandbox.
 */
export function isForbiddenName(name: string): boolean {
  return (
    (name.startsWith('__') && name.endsWith('__')) ||
    name === '__proto__' ||
    name === 'constructor' ||
    name === 'prototype'
  );
}

const OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '->',
  '<<',
  '>>',
  ':=',
  '&=',
  '|=',
  '^=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '=',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  ';',
  '@',
  '&',
  '|',
  '^',
  '~',
];

const QUOTE_OR_PREFIX = new Set('\'"rRuUfFbB');
const STRING_PREFIX = /^(?:[rRuUfFbB]|[rR][fFbB]|[fFbB][rR])?(?='|")/;

/**
 * Python's tokenizer for the configuration subset: indentation becomes INDENT/DEDENT,
 * newlines inside brackets and after a backslash are joined, comments vanish.
 */
export function tokenize(source: string, file: string): Token[] {
  if (source.length > MAX_SOURCE_CHARS) {
    throw new AuroraLimitError(
      { file, line: 1, column: 1 },
      `the file has ${source.length} characters, more than ${MAX_SOURCE_CHARS}`,
    );
  }
  const tokens: Token[] = [];
  const indents = [0];
  let depth = 0;
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  const at = (p: number) => ({ file, line, column: p - lineStart + 1 });
  const push = (kind: TokenKind, value: string, start: number, extra?: Partial<Token>) =>
    tokens.push({ kind, value, line, column: start - lineStart + 1, ...extra });

  while (pos < source.length) {
    if (atLineStart && depth === 0) {
      let width = 0;
      let p = pos;
      while (p < source.length && (source[p] === ' ' || source[p] === '\t' || source[p] === '\f')) {
        width = source[p] === '\t' ? (Math.floor(width / 8) + 1) * 8 : width + 1;
        p++;
      }
      const ch = source[p];
      if (
        ch === undefined ||
        ch === '\n' ||
        ch === '#' ||
        (ch === '\r' && source[p + 1] === '\n')
      ) {
        // Blank and comment-only lines do not count for indentation.
        pos = p;
        while (pos < source.length && source[pos] !== '\n') pos++;
        if (pos < source.length) {
          pos++;
          line++;
          lineStart = pos;
        }
        continue;
      }
      if (ch === '\\' && source[p + 1] === '\n') {
        pos = p;
      } else {
        const current = indents[indents.length - 1] ?? 0;
        if (width > current) {
          indents.push(width);
          push('indent', '', p);
        } else {
          while (width < (indents[indents.length - 1] ?? 0)) {
            indents.pop();
            push('dedent', '', p);
          }
          if (width !== indents[indents.length - 1]) {
            throw new AuroraSyntaxError(
              at(p),
              'unindent does not match any outer indentation level',
            );
          }
        }
        pos = p;
      }
      atLineStart = false;
    }
    const ch = source[pos] as string;
    if (ch === '\n') {
      if (depth === 0) push('newline', '', pos);
      pos++;
      line++;
      lineStart = pos;
      atLineStart = depth === 0;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f') {
      pos++;
      continue;
    }
    if (ch === '#') {
      while (pos < source.length && source[pos] !== '\n') pos++;
      continue;
    }
    if (ch === '\\') {
      const next = source[pos + 1] === '\r' ? pos + 2 : pos + 1;
      if (source[next] !== '\n')
        throw new AuroraSyntaxError(
          at(pos),
          'unexpected character after line continuation character',
        );
      pos = next + 1;
      line++;
      lineStart = pos;
      continue;
    }
    const prefix = QUOTE_OR_PREFIX.has(ch) ? STRING_PREFIX.exec(source.slice(pos, pos + 3)) : null;
    if (prefix) {
      const start = pos;
      const flags = prefix[0].toLowerCase();
      if (flags.includes('b'))
        throw new AuroraRefusedError(at(pos), 'bytes literals are not supported in configurations');
      pos += prefix[0].length;
      const quote = source[pos] as string;
      const triple = source.startsWith(quote.repeat(3), pos);
      const delimiter = triple ? quote.repeat(3) : quote;
      pos += delimiter.length;
      const startLine = line;
      const startColumn = start - lineStart + 1;
      const bodyLine = line;
      const bodyColumn = pos - lineStart + 1;
      let raw = '';
      for (;;) {
        if (pos >= source.length) {
          throw new AuroraSyntaxError(
            { file, line: startLine, column: startColumn },
            'unterminated string literal',
          );
        }
        if (source.startsWith(delimiter, pos)) {
          pos += delimiter.length;
          break;
        }
        const c = source[pos] as string;
        if (c === '\n') {
          if (!triple)
            throw new AuroraSyntaxError(
              { file, line: startLine, column: startColumn },
              'unterminated string literal',
            );
          line++;
          lineStart = pos + 1;
        }
        if (c === '\\' && pos + 1 < source.length) {
          const n = source[pos + 1] as string;
          raw += c + n;
          if (n === '\n') {
            line++;
            lineStart = pos + 2;
          }
          pos += 2;
          continue;
        }
        raw += c;
        pos++;
      }
      const isRaw = flags.includes('r');
      const isF = flags.includes('f');
      const value = isRaw ? raw : decodeEscapes(raw);
      tokens.push({
        kind: 'string',
        value,
        line: startLine,
        column: startColumn,
        ...(isF ? { fstring: true, bodyLine, bodyColumn } : {}),
      });
      continue;
    }
    const startsNumber = /[0-9]/.test(ch === '.' ? (source[pos + 1] ?? '') : ch);
    const number =
      startsNumber &&
      /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)([jJ])?/.exec(
        source.slice(pos, pos + 64),
      );
    if (number) {
      if (number[1]) throw new AuroraRefusedError(at(pos), 'complex numbers are not supported');
      const text = number[0].replaceAll('_', '');
      const isFloat = /^[^xXoObB]*[.eE]/.test(text) && !/^0[xX]/.test(text);
      push(isFloat ? 'float' : 'int', text, pos);
      pos += number[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch) || ch.charCodeAt(0) > 127) {
      const m = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/u.exec(
        source.slice(pos, pos + 256),
      );
      if (!m) throw new AuroraSyntaxError(at(pos), `invalid character '${ch}'`);
      push('name', m[0], pos);
      pos += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, pos));
    if (!op) throw new AuroraSyntaxError(at(pos), `invalid character '${ch}'`);
    if (op === '(' || op === '[' || op === '{') depth++;
    if (op === ')' || op === ']' || op === '}') {
      if (depth === 0) throw new AuroraSyntaxError(at(pos), `unmatched '${op}'`);
      depth--;
    }
    push('op', op, pos);
    pos += op.length;
  }
  if (depth > 0)
    throw new AuroraSyntaxError(
      at(pos),
      "unexpected end of file: a '(', '[' or '{' was never closed",
    );
  const last = tokens[tokens.length - 1];
  if (last && last.kind !== 'newline' && last.kind !== 'dedent') push('newline', '', pos);
  while (indents.length > 1) {
    indents.pop();
    push('dedent', '', pos);
  }
  push('eof', '', pos);
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/** Python's escape sequences; unknown ones stay as written. */
function decodeEscapes(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c !== '\\' || i + 1 >= raw.length) {
      out += c;
      continue;
    }
    const n = raw[i + 1] as string;
    if (n === '\n') {
      i++;
      continue;
    }
    const simple = Object.hasOwn(SIMPLE_ESCAPES, n) ? SIMPLE_ESCAPES[n] : undefined;
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const hex = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
    if (
      hex > 0 &&
      /^[0-9a-fA-F]+$/.test(raw.slice(i + 2, i + 2 + hex)) &&
      raw.length >= i + 2 + hex
    ) {
      out += String.fromCodePoint(Number.parseInt(raw.slice(i + 2, i + 2 + hex), 16));
      i += 1 + hex;
      continue;
    }
    // Unknown escapes stay as written, as Python keeps them.
    out += c;
  }
  return out;
}
