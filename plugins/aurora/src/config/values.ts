import type { SourceLocation } from './errors.js';

/**
 * Python values as the evaluator holds them. Primitives are JS primitives (int is a JS
 * number, float is boxed in PyFloat so that `str(1.0)` is "1.0"); everything else is
 * an instance of a PyObject subclass whose state is private, so no Python name can ever
 * reach a JavaScript property: attribute lookup goes only through getAttribute().
 */

/** A Python-level error without a location; the evaluator adds the node's. */
export class PyError extends Error {
  constructor(
    readonly pythonError: string,
    message: string,
  ) {
    super(message);
    this.name = 'PyError';
  }
}

/** A refusal without a location (a forbidden module, a function outside the subset). */
export class PyRefusal extends Error {
  override name = 'PyRefusal';
}

/** A resource bound hit without a location. */
export class PyLimit extends Error {
  override name = 'PyLimit';
}

export type PyValue = null | boolean | number | string | PyObject;

export interface CallArgs {
  readonly positional: readonly PyValue[];
  readonly keywords: ReadonlyMap<string, PyValue>;
}

/** What builtins may ask of the evaluator: calling back into Python, counting work. */
export interface EvalContext {
  call(fn: PyValue, args: CallArgs): PyValue;
  tick(count?: number): void;
  checkString(s: string): string;
  /** Refuses a string of this many characters before it is built. */
  checkStringLength(n: number): void;
  checkSize(n: number): void;
  /** Where the call being evaluated was written. */
  location(): SourceLocation;
}

export abstract class PyObject {
  abstract readonly typeName: string;
  getAttribute(_name: string): PyValue | undefined {
    return undefined;
  }
  call(_args: CallArgs, _ctx: EvalContext): PyValue {
    throw new PyError('TypeError', `'${this.typeName}' object is not callable`);
  }
}

export class PyFloat extends PyObject {
  readonly typeName = 'float';
  constructor(readonly value: number) {
    super();
  }
}

export class PyList extends PyObject {
  readonly typeName = 'list';
  constructor(readonly items: PyValue[]) {
    super();
  }
  override getAttribute(name: string): PyValue | undefined {
    switch (name) {
      case 'append':
        return builtin('append', (args) => {
          this.items.push(single(args, 'append'));
          return null;
        });
      case 'extend':
        return builtin('extend', (args, ctx) => {
          const more = iterate(single(args, 'extend'));
          ctx.checkSize(this.items.length + more.length);
          this.items.push(...more);
          return null;
        });
      case 'insert':
        return builtin('insert', (args, ctx) => {
          const [at, item] = positional(args, 'insert', 2, 2);
          ctx.checkSize(this.items.length + 1);
          const i = toNumber(at ?? null);
          this.items.splice(i < 0 ? Math.max(0, this.items.length + i) : i, 0, item ?? null);
          return null;
        });
      case 'pop':
        return builtin('pop', (args) => {
          const [at] = positional(args, 'pop', 0, 1);
          if (this.items.length === 0) throw new PyError('IndexError', 'pop from empty list');
          const i = at === undefined ? this.items.length - 1 : toNumber(at);
          const index = i < 0 ? this.items.length + i : i;
          if (index < 0 || index >= this.items.length)
            throw new PyError('IndexError', 'pop index out of range');
          return this.items.splice(index, 1)[0] ?? null;
        });
      case 'sort':
        return builtin('sort', (args, ctx) => {
          const key = args.keywords.get('key');
          const keyed = this.items.map(
            (v) => [key ? ctx.call(key, { positional: [v], keywords: new Map() }) : v, v] as const,
          );
          keyed.sort((a, b) => compareValues(a[0], b[0]));
          if (truthy(args.keywords.get('reverse') ?? false)) keyed.reverse();
          this.items.splice(0, this.items.length, ...keyed.map(([, v]) => v));
          return null;
        });
      case 'index':
        return builtin('index', (args) => {
          const wanted = single(args, 'index');
          const i = this.items.findIndex((item) => pyEquals(item, wanted));
          if (i < 0) throw new PyError('ValueError', `${repr(wanted)} is not in list`);
          return i;
        });
      case 'count':
        return builtin('count', (args) => {
          const wanted = single(args, 'count');
          return this.items.filter((item) => pyEquals(item, wanted)).length;
        });
      default:
        return undefined;
    }
  }
}

export class PyTuple extends PyObject {
  readonly typeName = 'tuple';
  constructor(readonly items: readonly PyValue[]) {
    super();
  }
}

/** A dict on a Map keyed by the key's hash text, so keys never become JS properties. */
export class PyDict extends PyObject {
  readonly typeName = 'dict';
  readonly #entries = new Map<string, readonly [PyValue, PyValue]>();

  constructor(entries: Iterable<readonly [PyValue, PyValue]> = []) {
    super();
    for (const [k, v] of entries) this.set(k, v);
  }
  get size(): number {
    return this.#entries.size;
  }
  get(key: PyValue): PyValue | undefined {
    return this.#entries.get(hashKey(key))?.[1];
  }
  has(key: PyValue): boolean {
    return this.#entries.has(hashKey(key));
  }
  set(key: PyValue, value: PyValue): void {
    const h = hashKey(key);
    const existing = this.#entries.get(h);
    this.#entries.set(h, [existing ? existing[0] : key, value]);
  }
  entries(): (readonly [PyValue, PyValue])[] {
    return [...this.#entries.values()];
  }
  keys(): PyValue[] {
    return this.entries().map(([k]) => k);
  }
  override getAttribute(name: string): PyValue | undefined {
    switch (name) {
      case 'get':
        return builtin('get', (args) => {
          const [key, fallback] = positional(args, 'get', 1, 2);
          return this.get(key ?? null) ?? fallback ?? null;
        });
      case 'keys':
        return builtin('keys', () => new PyList(this.keys()));
      case 'values':
        return builtin('values', () => new PyList(this.entries().map(([, v]) => v)));
      case 'items':
        return builtin(
          'items',
          () => new PyList(this.entries().map(([k, v]) => new PyTuple([k, v]))),
        );
      case 'update':
        return builtin('update', (args) => {
          for (const other of args.positional) {
            if (!(other instanceof PyDict))
              throw new PyError('TypeError', 'dict.update() takes a dict');
            for (const [k, v] of other.entries()) this.set(k, v);
          }
          for (const [k, v] of args.keywords) this.set(k, v);
          return null;
        });
      case 'copy':
        return builtin('copy', () => new PyDict(this.entries()));
      default:
        return undefined;
    }
  }
}

export type BuiltinFn = (args: CallArgs, ctx: EvalContext) => PyValue;

export class PyBuiltin extends PyObject {
  readonly typeName = 'builtin_function_or_method';
  constructor(
    readonly name: string,
    private readonly fn: BuiltinFn,
  ) {
    super();
  }
  override call(args: CallArgs, ctx: EvalContext): PyValue {
    return this.fn(args, ctx);
  }
}

export function builtin(name: string, fn: BuiltinFn): PyBuiltin {
  return new PyBuiltin(name, fn);
}

/** A module or namespace object (os, os.path, getpass, Processes): a fixed set of names. */
export class PyModule extends PyObject {
  readonly typeName = 'module';
  readonly #attrs: ReadonlyMap<string, PyValue>;
  constructor(
    readonly name: string,
    attrs: Iterable<readonly [string, PyValue]>,
  ) {
    super();
    this.#attrs = new Map(attrs);
  }
  override getAttribute(name: string): PyValue | undefined {
    return this.#attrs.get(name);
  }
  names(): string[] {
    return [...this.#attrs.keys()];
  }
}

// --- helpers shared by builtins ----------------------------------------------------

export function positional(
  args: CallArgs,
  fn: string,
  min: number,
  max: number,
): (PyValue | undefined)[] {
  if (args.keywords.size > 0) {
    throw new PyError('TypeError', `${fn}() takes no keyword arguments`);
  }
  if (args.positional.length < min || args.positional.length > max) {
    const expected = min === max ? `${min}` : `from ${min} to ${max}`;
    throw new PyError(
      'TypeError',
      `${fn}() takes ${expected} arguments (${args.positional.length} given)`,
    );
  }
  return [...args.positional];
}

export function single(args: CallArgs, fn: string): PyValue {
  return positional(args, fn, 1, 1)[0] ?? null;
}

export function isInt(v: PyValue): v is number | boolean {
  return typeof v === 'number' || typeof v === 'boolean';
}

export function isNumber(v: PyValue): boolean {
  return isInt(v) || v instanceof PyFloat;
}

export function toNumber(v: PyValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.value;
  throw new PyError('TypeError', `expected a number, got ${typeName(v)}`);
}

export function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'string') return 'str';
  return v.typeName;
}

export function truthy(v: PyValue): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  const sized = v as { truthy?: () => boolean };
  return typeof sized.truthy === 'function' ? sized.truthy() : true;
}

export function hashKey(v: PyValue): string {
  if (v === null) return 'N';
  if (typeof v === 'string') return `s:${v}`;
  if (isNumber(v)) return `n:${toNumber(v)}`;
  if (v instanceof PyTuple) return `t:${JSON.stringify(v.items.map(hashKey))}`;
  throw new PyError('TypeError', `unhashable type: '${typeName(v)}'`);
}

export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (isNumber(a) && isNumber(b)) return toNumber(a) === toNumber(b);
  if (a instanceof PyList && b instanceof PyList) return sequenceEquals(a.items, b.items);
  if (a instanceof PyTuple && b instanceof PyTuple) return sequenceEquals(a.items, b.items);
  if (a instanceof PyDict && b instanceof PyDict) {
    if (a.size !== b.size) return false;
    return a.entries().every(([k, v]) => b.has(k) && pyEquals(v, b.get(k) ?? null));
  }
  const eq = a as { equals?: (other: PyValue) => boolean } | null;
  if (eq !== null && typeof eq === 'object' && typeof eq.equals === 'function') return eq.equals(b);
  return a === b;
}

function sequenceEquals(a: readonly PyValue[], b: readonly PyValue[]): boolean {
  return a.length === b.length && a.every((v, i) => pyEquals(v, b[i] ?? null));
}

/** Python's ordering for <, >, sorted(), min() and max(). */
export function compareValues(a: PyValue, b: PyValue): number {
  if (isNumber(a) && isNumber(b)) return toNumber(a) - toNumber(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (
    (a instanceof PyList && b instanceof PyList) ||
    (a instanceof PyTuple && b instanceof PyTuple)
  ) {
    const n = Math.min(a.items.length, b.items.length);
    for (let i = 0; i < n; i++) {
      const c = compareValues(a.items[i] ?? null, b.items[i] ?? null);
      if (c !== 0) return c;
    }
    return a.items.length - b.items.length;
  }
  throw new PyError(
    'TypeError',
    `'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}

export function iterate(v: PyValue): PyValue[] {
  if (v instanceof PyList || v instanceof PyTuple) return [...v.items];
  if (typeof v === 'string') return [...v];
  if (v instanceof PyDict) return v.keys();
  const it = v as { iterate?: () => PyValue[] } | null;
  if (it !== null && typeof it === 'object' && typeof it.iterate === 'function')
    return it.iterate();
  throw new PyError('TypeError', `'${typeName(v)}' object is not iterable`);
}

export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

export function str(v: PyValue): string {
  if (typeof v === 'string') return v;
  return repr(v);
}

export function repr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return quote(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof PyList) return `[${v.items.map(repr).join(', ')}]`;
  if (v instanceof PyTuple) {
    return v.items.length === 1
      ? `(${repr(v.items[0] ?? null)},)`
      : `(${v.items.map(repr).join(', ')})`;
  }
  if (v instanceof PyDict)
    return `{${v
      .entries()
      .map(([k, val]) => `${repr(k)}: ${repr(val)}`)
      .join(', ')}}`;
  const r = v as { repr?: () => string };
  if (typeof r.repr === 'function') return r.repr();
  if (v instanceof PyBuiltin) return `<built-in function ${v.name}>`;
  if (v instanceof PyModule) return `<module '${v.name}'>`;
  return `<${v.typeName} object>`;
}

function quote(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s
    .replaceAll('\\', '\\\\')
    .replaceAll('\n', '\\n')
    .replaceAll('\t', '\\t')
    .replaceAll('\r', '\\r');
  return q + (q === "'" ? body.replaceAll("'", "\\'") : body) + q;
}
