/**
 * The names a configuration sees besides Aurora's schema: Python's builtins from the
 * supported subset, str's methods, and the os/getpass modules answered from the
 * injected environment (never the evaluating process's own).
 */
import { posix } from 'node:path';
import { strFormat } from './formatting.js';
import {
  builtin,
  type CallArgs,
  compareValues,
  type EvalContext,
  isInt,
  isNumber,
  iterate,
  PyDict,
  PyError,
  PyFloat,
  PyList,
  PyModule,
  PyTuple,
  type PyValue,
  positional,
  repr,
  single,
  str,
  toNumber,
  truthy,
  typeName,
} from './values.js';

/** Builtins Python has and configurations may not use, with the reason a user can act on. */
export const REFUSED_BUILTINS: ReadonlyMap<string, string> = new Map([
  ['open', 'configurations cannot open files; use include() for other configuration files'],
  ['exec', 'configurations cannot run code'],
  ['eval', 'configurations cannot run code'],
  ['compile', 'configurations cannot run code'],
  ['input', 'configurations cannot read input'],
  ['getattr', 'attributes are reached only with obj.name'],
  ['setattr', 'configuration objects are immutable'],
  ['delattr', 'configuration objects are immutable'],
  ['hasattr', 'attributes are reached only with obj.name'],
  ['globals', 'the evaluator does not expose its namespaces'],
  ['locals', 'the evaluator does not expose its namespaces'],
  ['vars', 'the evaluator does not expose its namespaces'],
  ['dir', 'the evaluator does not expose its namespaces'],
  ['type', 'types are not first-class values in configurations'],
  ['isinstance', 'types are not first-class values in configurations'],
  ['object', 'types are not first-class values in configurations'],
  ['super', 'classes other than Struct are not supported'],
  ['breakpoint', 'configurations cannot be debugged interactively'],
  ['memoryview', 'not part of the configuration subset'],
  ['bytearray', 'not part of the configuration subset'],
  ['bytes', 'not part of the configuration subset'],
  ['print', 'configurations have no output; the evaluator is pure'],
  ['exit', 'configurations cannot stop the evaluator'],
  ['quit', 'configurations cannot stop the evaluator'],
]);

function noKeywords(args: CallArgs, fn: string): void {
  if (args.keywords.size > 0) throw new PyError('TypeError', `${fn}() takes no keyword arguments`);
}

function toInt(v: PyValue): number {
  if (isInt(v)) return Number(v);
  if (v instanceof PyFloat) return Math.trunc(v.value);
  if (typeof v === 'string' && /^\s*[+-]?\d[\d_]*\s*$/.test(v))
    return Number(v.trim().replaceAll('_', ''));
  throw new PyError('ValueError', `invalid literal for int(): ${repr(v)}`);
}

function toFloat(v: PyValue): number {
  if (isNumber(v)) return toNumber(v);
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'inf' || t === '+inf' || t === 'infinity') return Number.POSITIVE_INFINITY;
    if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
    if (t === 'nan') return Number.NaN;
    if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  }
  throw new PyError('ValueError', `could not convert ${typeName(v)} to float: ${repr(v)}`);
}

function keyFunction(args: CallArgs, ctx: EvalContext): ((v: PyValue) => PyValue) | null {
  const key = args.keywords.get('key');
  if (key === undefined || key === null) return null;
  return (v) => ctx.call(key, { positional: [v], keywords: new Map() });
}

function extreme(name: 'min' | 'max', sign: number) {
  return builtin(name, (args, ctx) => {
    const items =
      args.positional.length === 1 ? iterate(args.positional[0] ?? null) : [...args.positional];
    if (items.length === 0) {
      if (args.keywords.has('default')) return args.keywords.get('default') ?? null;
      throw new PyError('ValueError', `${name}() arg is an empty sequence`);
    }
    const key = keyFunction(args, ctx) ?? ((v: PyValue) => v);
    let best = items[0] as PyValue;
    let bestKey = key(best);
    for (const item of items.slice(1)) {
      const k = key(item);
      if (compareValues(k, bestKey) * sign > 0) {
        best = item;
        bestKey = k;
      }
    }
    return best;
  });
}

export function pythonBuiltins(): Map<string, PyValue> {
  const names = new Map<string, PyValue>();
  const add = (name: string, fn: (args: CallArgs, ctx: EvalContext) => PyValue) =>
    names.set(name, builtin(name, fn));

  add('range', (args, ctx) => {
    noKeywords(args, 'range');
    const nums = positional(args, 'range', 1, 3).map((v) => {
      if (!isInt(v ?? null))
        throw new PyError('TypeError', `range() takes integers, not ${typeName(v ?? null)}`);
      return Number(v);
    });
    const [start, stop, step] =
      nums.length === 1
        ? [0, nums[0] as number, 1]
        : [nums[0] as number, nums[1] as number, nums[2] ?? 1];
    if (step === 0) throw new PyError('ValueError', 'range() arg 3 must not be zero');
    const count = Math.max(0, Math.ceil((stop - start) / step));
    ctx.checkSize(count);
    return new PyList(Array.from({ length: count }, (_, i) => start + i * step));
  });
  add('len', (args) => {
    const v = single(args, 'len');
    if (typeof v === 'string') return [...v].length;
    if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
    if (v instanceof PyDict) return v.size;
    throw new PyError('TypeError', `object of type '${typeName(v)}' has no len()`);
  });
  add('str', (args) => (args.positional.length === 0 ? '' : str(single(args, 'str'))));
  add('repr', (args) => repr(single(args, 'repr')));
  add('int', (args) => {
    const [v, base] = positional(args, 'int', 0, 2);
    if (v === undefined) return 0;
    if (base !== undefined) {
      if (typeof v !== 'string')
        throw new PyError('TypeError', "int() can't convert non-string with explicit base");
      const n = Number.parseInt(v.trim(), toInt(base));
      if (Number.isNaN(n))
        throw new PyError(
          'ValueError',
          `invalid literal for int() with base ${toInt(base)}: ${repr(v)}`,
        );
      return n;
    }
    return toInt(v);
  });
  add(
    'float',
    (args) => new PyFloat(args.positional.length === 0 ? 0 : toFloat(single(args, 'float'))),
  );
  add('bool', (args) => (args.positional.length === 0 ? false : truthy(single(args, 'bool'))));
  add(
    'list',
    (args) => new PyList(args.positional.length === 0 ? [] : iterate(single(args, 'list'))),
  );
  add(
    'tuple',
    (args) => new PyTuple(args.positional.length === 0 ? [] : iterate(single(args, 'tuple'))),
  );
  add('dict', (args) => {
    const d = new PyDict();
    for (const arg of positional(
      { positional: args.positional, keywords: new Map() },
      'dict',
      0,
      1,
    )) {
      if (arg instanceof PyDict) for (const [k, v] of arg.entries()) d.set(k, v);
      else {
        for (const pair of iterate(arg ?? null)) {
          const kv = iterate(pair);
          if (kv.length !== 2)
            throw new PyError(
              'ValueError',
              'dictionary update sequence element has the wrong length',
            );
          d.set(kv[0] ?? null, kv[1] ?? null);
        }
      }
    }
    for (const [k, v] of args.keywords) d.set(k, v);
    return d;
  });
  names.set('min', extreme('min', -1));
  names.set('max', extreme('max', 1));
  add('sum', (args) => {
    const [items, start] = positional(args, 'sum', 1, 2);
    let total: PyValue = start ?? 0;
    let float = total instanceof PyFloat;
    let n = toNumber(total);
    for (const item of iterate(items ?? null)) {
      if (!isNumber(item))
        throw new PyError('TypeError', `sum() can add only numbers, not ${typeName(item)}`);
      float ||= item instanceof PyFloat;
      n += toNumber(item);
    }
    total = float ? new PyFloat(n) : n;
    return total;
  });
  add('abs', (args) => {
    const v = single(args, 'abs');
    return v instanceof PyFloat ? new PyFloat(Math.abs(v.value)) : Math.abs(toNumber(v));
  });
  add('round', (args) => {
    const [v, digits] = positional(args, 'round', 1, 2);
    const n = toNumber(v ?? null);
    if (digits === undefined || digits === null) {
      // Python rounds halves to even.
      const r = Math.round(n);
      return Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }
    const f = 10 ** toInt(digits);
    return new PyFloat(Math.round(n * f) / f);
  });
  add('sorted', (args, ctx) => {
    const items = iterate(single({ positional: args.positional, keywords: new Map() }, 'sorted'));
    const key = keyFunction(args, ctx) ?? ((v: PyValue) => v);
    const keyed = items.map((v) => [key(v), v] as const);
    keyed.sort((a, b) => compareValues(a[0], b[0]));
    const out = keyed.map(([, v]) => v);
    if (truthy(args.keywords.get('reverse') ?? false)) out.reverse();
    return new PyList(out);
  });
  add('reversed', (args) => new PyList(iterate(single(args, 'reversed')).reverse()));
  add('enumerate', (args) => {
    const items = iterate(args.positional[0] ?? null);
    const start = toInt(args.positional[1] ?? args.keywords.get('start') ?? 0);
    return new PyList(items.map((v, i) => new PyTuple([start + i, v])));
  });
  add('zip', (args) => {
    noKeywords(args, 'zip');
    const lists = args.positional.map(iterate);
    const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
    return new PyList(
      Array.from({ length: n }, (_, i) => new PyTuple(lists.map((l) => l[i] ?? null))),
    );
  });
  add('any', (args) => iterate(single(args, 'any')).some(truthy));
  add('all', (args) => iterate(single(args, 'all')).every(truthy));
  return names;
}

/** str's methods; `s.format()` and friends. */
export function stringMethod(
  s: string,
  name: string,
  ctx: EvalContext,
  lookup: (o: PyValue, a: string) => PyValue,
  index: (o: PyValue, k: PyValue) => PyValue,
): PyValue | undefined {
  const m = (fn: (args: CallArgs) => PyValue) => builtin(name, fn);
  const strArg = (v: PyValue | undefined, fn: string): string => {
    if (typeof v !== 'string')
      throw new PyError('TypeError', `${fn}() argument must be str, not ${typeName(v ?? null)}`);
    return v;
  };
  const strip = (chars: PyValue | undefined, left: boolean, right: boolean) => {
    const set = chars === undefined || chars === null ? ' \t\n\r\x0b\f' : strArg(chars, name);
    let a = 0;
    let b = s.length;
    if (left) while (a < b && set.includes(s[a] as string)) a++;
    if (right) while (b > a && set.includes(s[b - 1] as string)) b--;
    return s.slice(a, b);
  };
  switch (name) {
    case 'replace':
      return m((args) => {
        const [old, rep, count] = positional(args, 'replace', 2, 3);
        const o = strArg(old, 'replace');
        const r = strArg(rep, 'replace');
        let limit = count === undefined ? -1 : toInt(count);
        if (o === '') {
          ctx.checkStringLength(s.length + (s.length + 1) * r.length);
          return s.split('').join(r);
        }
        let out = '';
        let i = 0;
        for (;;) {
          const j = limit === 0 ? -1 : s.indexOf(o, i);
          if (j < 0) break;
          out += s.slice(i, j) + r;
          ctx.checkString(out);
          i = j + o.length;
          limit--;
        }
        return ctx.checkString(out + s.slice(i));
      });
    case 'join':
      return m((args) => {
        const parts = iterate(single(args, 'join')).map((p) => {
          if (typeof p !== 'string')
            throw new PyError(
              'TypeError',
              `sequence item: expected str instance, ${typeName(p)} found`,
            );
          return p;
        });
        return ctx.checkString(parts.join(s));
      });
    case 'split':
    case 'rsplit':
      return m((args) => {
        const [sep, max] = [
          args.positional[0] ?? args.keywords.get('sep') ?? null,
          args.positional[1] ?? args.keywords.get('maxsplit') ?? -1,
        ];
        const limit = toInt(max);
        let parts: string[];
        if (sep === null) {
          parts = s.trim() === '' ? [] : s.trim().split(/\s+/);
          if (limit >= 0 && parts.length > limit + 1) {
            const head = parts.slice(0, limit);
            let rest = s.trimStart();
            for (const h of head) rest = rest.slice(rest.indexOf(h) + h.length).trimStart();
            parts = [...head, rest];
          }
        } else {
          const d = strArg(sep, 'split');
          if (d === '') throw new PyError('ValueError', 'empty separator');
          parts = s.split(d);
          if (limit >= 0 && parts.length > limit + 1) {
            parts =
              name === 'split'
                ? [...parts.slice(0, limit), parts.slice(limit).join(d)]
                : [
                    parts.slice(0, parts.length - limit).join(d),
                    ...parts.slice(parts.length - limit),
                  ];
          }
        }
        return new PyList(parts);
      });
    case 'strip':
      return m((args) => strip(positional(args, 'strip', 0, 1)[0], true, true));
    case 'lstrip':
      return m((args) => strip(positional(args, 'lstrip', 0, 1)[0], true, false));
    case 'rstrip':
      return m((args) => strip(positional(args, 'rstrip', 0, 1)[0], false, true));
    case 'upper':
      return m((args) => {
        positional(args, 'upper', 0, 0);
        return s.toUpperCase();
      });
    case 'lower':
      return m((args) => {
        positional(args, 'lower', 0, 0);
        return s.toLowerCase();
      });
    case 'startswith':
      return m((args) => s.startsWith(strArg(single(args, 'startswith'), 'startswith')));
    case 'endswith':
      return m((args) => s.endsWith(strArg(single(args, 'endswith'), 'endswith')));
    case 'find':
      return m((args) => s.indexOf(strArg(single(args, 'find'), 'find')));
    case 'count':
      return m((args) => {
        const sub = strArg(single(args, 'count'), 'count');
        return sub === '' ? s.length + 1 : s.split(sub).length - 1;
      });
    case 'format':
      return m((args) =>
        ctx.checkString(strFormat(s, args.positional, args.keywords, lookup, index)),
      );
    default:
      return undefined;
  }
}

/** `os`, `os.path` and `getpass`, reading only the environment the caller injected. */
export function environmentModules(env: ReadonlyMap<string, string>): Map<string, PyModule> {
  const environ = new PyDict([...env].map(([k, v]) => [k, v] as const));
  const path = new PyModule('os.path', [
    [
      'join',
      builtin('join', (args) =>
        // Python's join: an absolute part starts over, nothing is normalized.
        args.positional
          .map((p) => str(p))
          .reduce((out, part) => {
            if (part.startsWith('/') || out === '') return part;
            return out.endsWith('/') ? out + part : `${out}/${part}`;
          }, ''),
      ),
    ],
    ['basename', builtin('basename', (args) => posix.basename(str(single(args, 'basename'))))],
    ['dirname', builtin('dirname', (args) => posix.dirname(str(single(args, 'dirname'))))],
  ]);
  const os = new PyModule('os', [
    [
      'getenv',
      builtin('getenv', (args) => {
        const [name, fallback] = [
          args.positional[0] ?? args.keywords.get('key'),
          args.positional[1] ?? args.keywords.get('default'),
        ];
        if (typeof name !== 'string')
          throw new PyError('TypeError', 'os.getenv() takes the variable name as a str');
        return env.get(name) ?? fallback ?? null;
      }),
    ],
    // A read-only copy: writes to it cannot reach anything.
    ['environ', new PyDict(environ.entries())],
    ['path', path],
    ['sep', '/'],
  ]);
  const getpass = new PyModule('getpass', [
    [
      'getuser',
      builtin('getuser', () => {
        // Python's getpass.getuser() order; the password database is not consulted here.
        for (const name of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
          const v = env.get(name);
          if (v) return v;
        }
        throw new PyError(
          'OSError',
          'getpass.getuser(): none of LOGNAME, USER, LNAME, USERNAME is set in the environment given to the configuration',
        );
      }),
    ],
  ]);
  return new Map([
    ['os', os],
    ['os.path', path],
    ['getpass', getpass],
  ]);
}
