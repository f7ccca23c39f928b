import {
  isInt,
  isNumber,
  PyDict,
  PyError,
  PyFloat,
  PyLimit,
  PyTuple,
  type PyValue,
  repr,
  str,
  toNumber,
  typeName,
} from './values.js';

/** Widths and precisions beyond this are refused: `'{:>999999999}'` would allocate a gigabyte. */
export const MAX_FORMAT_WIDTH = 10_000;

function checkWidth(n: number): number {
  if (n > MAX_FORMAT_WIDTH)
    throw new PyLimit(`a format width or precision of ${n} is more than ${MAX_FORMAT_WIDTH}`);
  return n;
}

/** Python's format-spec mini-language: [[fill]align][sign][0][width][,][.precision][type]. */
export function formatWithSpec(value: PyValue, spec: string): string {
  if (spec === '') return str(value);
  const m = /^(?:(.)?([<>^=]))?([+\- ])?(0)?(\d+)?([,_])?(?:\.(\d+))?([bdeEfFgGnosxX%])?$/s.exec(
    spec,
  );
  if (!m) throw new PyError('ValueError', `invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, sign, zero, widthText, grouping, precisionText, type] = m;
  const width = widthText ? checkWidth(Number(widthText)) : 0;
  const precision = precisionText === undefined ? undefined : checkWidth(Number(precisionText));
  let body: string;
  const numeric = isNumber(value) && typeof value !== 'boolean';
  if (type === undefined || type === 's') {
    if (type === 's' && typeof value !== 'string') {
      throw new PyError(
        'ValueError',
        `unknown format code 's' for object of type '${typeName(value)}'`,
      );
    }
    body =
      numeric && value instanceof PyFloat && precision !== undefined
        ? toNumber(value).toPrecision(precision)
        : str(value);
    if (!numeric && precision !== undefined) body = body.slice(0, precision);
  } else {
    if (!isNumber(value))
      throw new PyError(
        'ValueError',
        `unknown format code '${type}' for object of type '${typeName(value)}'`,
      );
    const n = toNumber(value);
    switch (type) {
      case 'd':
      case 'n':
        if (!isInt(value))
          throw new PyError('ValueError', "unknown format code 'd' for object of type 'float'");
        body = String(Math.abs(n));
        break;
      case 'x':
      case 'X':
      case 'o':
      case 'b':
        body = Math.abs(Math.trunc(n)).toString(type === 'o' ? 8 : type === 'b' ? 2 : 16);
        if (type === 'X') body = body.toUpperCase();
        break;
      case 'e':
      case 'E':
        body = Math.abs(n)
          .toExponential(precision ?? 6)
          .replace(/e([+-])(\d)$/, 'e$10$2');
        if (type === 'E') body = body.toUpperCase();
        break;
      case '%':
        body = `${(Math.abs(n) * 100).toFixed(precision ?? 6)}%`;
        break;
      case 'g':
      case 'G':
        body = String(Number(Math.abs(n).toPrecision(precision ?? 6)));
        break;
      default:
        body = Math.abs(n).toFixed(precision ?? 6);
    }
    if (grouping) {
      const [int, frac] = body.split('.') as [string, string | undefined];
      body =
        int.replace(/\B(?=(\d{3})+(?!\d))/g, grouping) + (frac === undefined ? '' : `.${frac}`);
    }
    if (n < 0 || Object.is(n, -0)) body = `-${body}`;
    else if (sign === '+') body = `+${body}`;
    else if (sign === ' ') body = ` ${body}`;
  }
  const align = alignChar ?? (zero ? '=' : numeric ? '>' : '<');
  const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
  if (body.length >= width) return body;
  const pad = width - body.length;
  switch (align) {
    case '<':
      return body + fill.repeat(pad);
    case '^':
      return fill.repeat(Math.floor(pad / 2)) + body + fill.repeat(Math.ceil(pad / 2));
    case '=': {
      const signed = /^[+\- ]/.test(body) ? 1 : 0;
      return body.slice(0, signed) + fill.repeat(pad) + body.slice(signed);
    }
    default:
      return fill.repeat(pad) + body;
  }
}

/** `'...' % args`, printf-style, as Python's str.__mod__. */
export function percentFormat(template: string, args: PyValue): string {
  const list = args instanceof PyTuple ? [...args.items] : [args];
  const mapping = args instanceof PyDict ? args : null;
  let next = 0;
  const out = template.replace(
    /%(?:\(([^)]*)\))?([#0\- +]*)(\d+|\*)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/g,
    (
      whole,
      key: string | undefined,
      flags: string,
      width: string | undefined,
      precision: string | undefined,
      conv: string,
    ) => {
      if (conv === '%') {
        if (whole !== '%%') throw new PyError('ValueError', 'invalid % format');
        return '%';
      }
      let value: PyValue;
      if (key !== undefined) {
        if (!mapping) throw new PyError('TypeError', 'format requires a mapping');
        if (!mapping.has(key)) throw new PyError('KeyError', repr(key));
        value = mapping.get(key) ?? null;
      } else {
        if (next >= list.length)
          throw new PyError('TypeError', 'not enough arguments for format string');
        value = list[next++] ?? null;
      }
      let body: string;
      switch (conv) {
        case 's':
          body = str(value);
          break;
        case 'r':
        case 'a':
          body = repr(value);
          break;
        case 'c':
          body = typeof value === 'string' ? value : String.fromCodePoint(toNumber(value));
          break;
        default: {
          if (!isNumber(value)) {
            throw new PyError(
              'TypeError',
              `%${conv} format: a number is required, not ${typeName(value)}`,
            );
          }
          const n = toNumber(value);
          if (conv === 'd' || conv === 'i' || conv === 'u') body = String(Math.trunc(n));
          else if ('xXo'.includes(conv)) {
            body = Math.trunc(n).toString(conv === 'o' ? 8 : 16);
            if (conv === 'X') body = body.toUpperCase();
          } else if (conv === 'e' || conv === 'E') {
            body = n
              .toExponential(precision === undefined ? 6 : Number(precision))
              .replace(/e([+-])(\d)$/, 'e$10$2');
            if (conv === 'E') body = body.toUpperCase();
          } else if (conv === 'g' || conv === 'G')
            body = String(Number(n.toPrecision(precision === undefined ? 6 : Number(precision))));
          else body = n.toFixed(precision === undefined ? 6 : Number(precision));
          if (flags.includes('+') && n >= 0) body = `+${body}`;
        }
      }
      if ((conv === 's' || conv === 'r') && precision !== undefined)
        body = body.slice(0, Number(precision));
      const w = width === undefined || width === '*' ? 0 : checkWidth(Number(width));
      if (precision !== undefined) checkWidth(Number(precision));
      if (body.length < w) {
        if (flags.includes('-')) body = body.padEnd(w);
        else if (flags.includes('0') && 'diouxXeEfFgG'.includes(conv)) {
          const signed = /^[+-]/.test(body) ? 1 : 0;
          body = body.slice(0, signed) + body.slice(signed).padStart(w - signed, '0');
        } else body = body.padStart(w);
      }
      return body;
    },
  );
  if (!mapping && next < list.length) {
    throw new PyError('TypeError', 'not all arguments converted during string formatting');
  }
  return out;
}

/** `'...'.format(*args, **kwargs)` with {}, {0}, {name}, {name.attr}, {name[key]}, !r/!s and specs. */
export function strFormat(
  template: string,
  args: readonly PyValue[],
  kwargs: ReadonlyMap<string, PyValue>,
  lookup: (object: PyValue, attr: string) => PyValue,
  index: (object: PyValue, key: PyValue) => PyValue,
): string {
  let auto = 0;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c === '}') {
      if (template[i + 1] !== '}')
        throw new PyError('ValueError', "Single '}' encountered in format string");
      out += '}';
      i++;
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    if (template[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    let depth = 0;
    let j = i + 1;
    for (; j < template.length; j++) {
      if (template[j] === '{') depth++;
      else if (template[j] === '}') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (j >= template.length) throw new PyError('ValueError', "expected '}' before end of string");
    const field = template.slice(i + 1, j);
    i = j;
    const m = /^([^.[!:]*)((?:\.[A-Za-z_]\w*|\[[^\]]*\])*)(?:!([rs]))?(?::(.*))?$/s.exec(field);
    if (!m) throw new PyError('ValueError', `invalid format field '{${field}}'`);
    const [, head = '', path = '', conversion, rawSpec = ''] = m;
    let value: PyValue;
    if (head === '') {
      value = args[auto] ?? null;
      if (auto >= args.length)
        throw new PyError('IndexError', 'Replacement index out of range for positional args tuple');
      auto++;
    } else if (/^\d+$/.test(head)) {
      const n = Number(head);
      if (n >= args.length)
        throw new PyError(
          'IndexError',
          `Replacement index ${n} out of range for positional args tuple`,
        );
      value = args[n] ?? null;
    } else {
      if (!kwargs.has(head)) throw new PyError('KeyError', repr(head));
      value = kwargs.get(head) ?? null;
    }
    for (const part of path.match(/\.[A-Za-z_]\w*|\[[^\]]*\]/g) ?? []) {
      if (part.startsWith('.')) value = lookup(value, part.slice(1));
      else {
        const key = part.slice(1, -1);
        value = index(value, /^\d+$/.test(key) ? Number(key) : key);
      }
    }
    const spec = rawSpec.replace(/\{([^{}]*)\}/g, (_, name: string) =>
      str(
        name === ''
          ? (args[auto++] ?? null)
          : /^\d+$/.test(name)
            ? (args[Number(name)] ?? null)
            : (kwargs.get(name) ?? null),
      ),
    );
    if (conversion === 'r') value = repr(value);
    else if (conversion === 's') value = str(value);
    out += formatWithSpec(value, spec);
  }
  return out;
}
