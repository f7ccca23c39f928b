/**
 * pystachio's typed, immutable structures as Aurora uses them: String, Integer, Float,
 * Boolean, Enum, List, Map, Choice, Struct with Required and Default fields. Struct
 * values are built by calling a type, copied with overrides by calling a value, and
 * carry their `.bind()` scopes; `{{mustache}}` names resolve when a value is turned into
 * JSON (pystachio's get()), nearest scope first, so "closer" bindings win.
 */
import type { SourceLocation } from './errors.js';
import { hasMustache, interpolate, type Scope } from './templating.js';
import {
  builtin,
  type CallArgs,
  type EvalContext,
  isInt,
  PyDict,
  PyError,
  PyFloat,
  PyList,
  PyObject,
  PyTuple,
  type PyValue,
  repr,
  str,
  typeName,
} from './values.js';

/** pystachio's Empty: a field with no value. */
class EmptyValue extends PyObject {
  readonly typeName = 'Empty';
  truthy(): boolean {
    return false;
  }
  repr(): string {
    return 'Empty';
  }
}
export const Empty = new EmptyValue();

/** JSON as get() produces it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What materializing a value found that nothing binds (besides launch-time names). */
export interface MaterializeContext {
  readonly unbound: Set<string>;
  readonly at: SourceLocation;
}

export abstract class PType extends PyObject {
  readonly typeName = 'type';
  abstract describe(): string;
  /** Checks and normalizes a value at construction; mustache strings stay as they are. */
  abstract coerce(value: PyValue, field: string): PyValue;
  /** The JSON for a coerced value, templates resolved in `scopes`. */
  abstract materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json;
  repr(): string {
    return this.describe();
  }
}

function mismatch(type: PType, value: PyValue, field: string): never {
  throw new PyError(
    'TypeError',
    `${field} must be ${type.describe()}, not ${typeName(value)} ${repr(value)}`,
  );
}

/** A scalar's template text after interpolation, coerced again (Integer from "8080"). */
function materializeTemplate(
  type: PType,
  text: string,
  scopes: readonly Scope[],
  ctx: MaterializeContext,
): Json {
  const resolved = interpolate(text, scopes, ctx.unbound);
  if (hasMustache(resolved)) return resolved;
  const value = type.coerce(resolved, 'interpolated value');
  return type.materialize(value, scopes, ctx);
}

class StringType extends PType {
  describe(): string {
    return 'String';
  }
  coerce(value: PyValue, field: string): PyValue {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || value instanceof PyFloat) return str(value);
    return mismatch(this, value, field);
  }
  materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json {
    return interpolate(str(value), scopes, ctx.unbound);
  }
}

class IntegerType extends PType {
  describe(): string {
    return 'Integer';
  }
  coerce(value: PyValue, field: string): PyValue {
    if (typeof value === 'string' && hasMustache(value)) return value;
    if (isInt(value)) return Number(value);
    // pystachio's Integer takes integral floats and integer strings, as `16 * MB / 2` needs.
    if (value instanceof PyFloat && Number.isInteger(value.value)) return value.value;
    if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value.trim());
    return mismatch(this, value, field);
  }
  materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json {
    return typeof value === 'string'
      ? materializeTemplate(this, value, scopes, ctx)
      : Number(value);
  }
}

class FloatType extends PType {
  describe(): string {
    return 'Float';
  }
  coerce(value: PyValue, field: string): PyValue {
    if (typeof value === 'string' && hasMustache(value)) return value;
    if (isInt(value)) return new PyFloat(Number(value));
    if (value instanceof PyFloat) return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      return new PyFloat(Number(value));
    return mismatch(this, value, field);
  }
  materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json {
    if (typeof value === 'string') return materializeTemplate(this, value, scopes, ctx);
    return value instanceof PyFloat ? value.value : Number(value);
  }
}

class BooleanType extends PType {
  describe(): string {
    return 'Boolean';
  }
  coerce(value: PyValue, field: string): PyValue {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && hasMustache(value)) return value;
    if (value === 0 || value === 1) return value === 1;
    if (typeof value === 'string' && /^(true|false)$/i.test(value))
      return value.toLowerCase() === 'true';
    return mismatch(this, value, field);
  }
  materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json {
    return typeof value === 'string'
      ? materializeTemplate(this, value, scopes, ctx)
      : value === true;
  }
}

export const StringT = new StringType();
export const IntegerT = new IntegerType();
export const FloatT = new FloatType();
export const BooleanT = new BooleanType();

export class EnumType extends PType {
  constructor(private readonly values: readonly string[]) {
    super();
  }
  describe(): string {
    return `Enum(${this.values.map((v) => repr(v)).join(', ')})`;
  }
  coerce(value: PyValue, field: string): PyValue {
    if (typeof value === 'string' && (this.values.includes(value) || hasMustache(value)))
      return value;
    return mismatch(this, value, field);
  }
  materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json {
    const text = interpolate(str(value), scopes, ctx.unbound);
    if (!hasMustache(text)) this.coerce(text, 'interpolated value');
    return text;
  }
}

export class ListType extends PType {
  constructor(readonly element: PType) {
    super();
  }
  describe(): string {
    return `List(${this.element.describe()})`;
  }
  coerce(value: PyValue, field: string): PyValue {
    if (!(value instanceof PyList || value instanceof PyTuple)) return mismatch(this, value, field);
    return new PyList(value.items.map((item, i) => this.element.coerce(item, `${field}[${i}]`)));
  }
  materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json {
    return (value as PyList).items.map((item) => this.element.materialize(item, scopes, ctx));
  }
}

export class MapType extends PType {
  constructor(
    readonly key: PType,
    readonly value: PType,
  ) {
    super();
  }
  describe(): string {
    return `Map(${this.key.describe()}, ${this.value.describe()})`;
  }
  coerce(value: PyValue, field: string): PyValue {
    if (!(value instanceof PyDict)) return mismatch(this, value, field);
    return new PyDict(
      value
        .entries()
        .map(
          ([k, v]) =>
            [
              this.key.coerce(k, `${field} key`),
              this.value.coerce(v, `${field}[${repr(k)}]`),
            ] as const,
        ),
    );
  }
  materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json {
    const out: Record<string, Json> = Object.create(null);
    for (const [k, v] of (value as PyDict).entries()) {
      out[str(this.key.materialize(k, scopes, ctx) as PyValue)] = this.value.materialize(
        v,
        scopes,
        ctx,
      );
    }
    return { ...out };
  }
}

export class ChoiceType extends PType {
  constructor(readonly options: readonly PType[]) {
    super();
  }
  describe(): string {
    return `Choice(${this.options.map((o) => o.describe()).join(', ')})`;
  }
  private pick(value: PyValue): PType | undefined {
    if (value instanceof StructValue) return this.options.find((o) => o === value.type);
    return this.options.find((o) => {
      try {
        o.coerce(value, '');
        return true;
      } catch {
        return false;
      }
    });
  }
  coerce(value: PyValue, field: string): PyValue {
    const option = this.pick(value);
    return option ? option.coerce(value, field) : mismatch(this, value, field);
  }
  materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json {
    const option = this.pick(value) as PType;
    const json = option.materialize(value, scopes, ctx);
    // Aurora's container field is a Choice; its JSON names the kind (`{docker: {...}}`).
    return option instanceof StructType && option.choiceKey ? { [option.choiceKey]: json } : json;
  }
}

/** `Required(T)` and `Default(T, value)` inside a Struct's class body. */
export class FieldMarker extends PyObject {
  readonly typeName = 'field';
  constructor(
    readonly type: PType,
    readonly required: boolean,
    readonly defaultValue: PyValue | undefined,
  ) {
    super();
  }
}

export interface FieldSpec {
  readonly type: PType;
  readonly required: boolean;
  /** Already coerced; undefined for no default (Empty). */
  readonly defaultValue: PyValue | undefined;
}

export class StructType extends PType {
  readonly #fields: ReadonlyMap<string, FieldSpec>;
  constructor(
    readonly name: string,
    fields: Iterable<readonly [string, FieldSpec]>,
    /** The key this struct's JSON sits under when it is a Choice's member. */
    readonly choiceKey?: string,
  ) {
    super();
    this.#fields = new Map(fields);
  }
  describe(): string {
    return this.name;
  }
  field(name: string): FieldSpec | undefined {
    return this.#fields.get(name);
  }
  fieldNames(): string[] {
    return [...this.#fields.keys()];
  }
  override call(args: CallArgs, ctx: EvalContext): PyValue {
    const values = new Map<string, PyValue>();
    for (const [name, spec] of this.#fields) {
      if (spec.defaultValue !== undefined) values.set(name, spec.defaultValue);
    }
    return new StructValue(this, withOverrides(this, values, args), [], ctx.location());
  }
  coerce(value: PyValue, field: string): PyValue {
    if (value instanceof StructValue && value.type === this) return value;
    if (value instanceof PyDict) {
      const keywords = new Map<string, PyValue>();
      for (const [k, v] of value.entries()) keywords.set(str(k), v);
      const values = new Map<string, PyValue>();
      for (const [name, spec] of this.#fields)
        if (spec.defaultValue !== undefined) values.set(name, spec.defaultValue);
      return new StructValue(
        this,
        withOverrides(this, values, { positional: [], keywords }),
        [],
        null,
      );
    }
    return mismatch(this, value, field);
  }
  materialize(value: PyValue, scopes: readonly Scope[], ctx: MaterializeContext): Json {
    return (value as StructValue).materialize(scopes, ctx);
  }
}

function withOverrides(
  type: StructType,
  base: Map<string, PyValue>,
  args: CallArgs,
): Map<string, PyValue> {
  const values = new Map(base);
  const assign = (name: string, value: PyValue) => {
    const spec = type.field(name);
    if (!spec) {
      throw new PyError(
        'TypeError',
        `${type.name} has no field '${name}' (its fields: ${type.fieldNames().join(', ')})`,
      );
    }
    // None leaves a field unset, which is what a config means by `contact = None`.
    if (value === null || value === Empty) values.delete(name);
    else values.set(name, spec.type.coerce(value, `${type.name}.${name}`));
  };
  for (const arg of args.positional) {
    if (!(arg instanceof PyDict)) {
      throw new PyError(
        'TypeError',
        `${type.name}() takes keyword arguments or a dict, not ${typeName(arg)}`,
      );
    }
    for (const [k, v] of arg.entries()) assign(str(k), v);
  }
  for (const [name, value] of args.keywords) assign(name, value);
  return values;
}

/** An immutable Struct value: its fields, its `.bind()` scopes (nearest first), where it was made. */
export class StructValue extends PyObject {
  readonly #values: ReadonlyMap<string, PyValue>;
  readonly #bindings: readonly ReadonlyMap<string, PyValue>[];
  readonly at: SourceLocation | null;

  constructor(
    readonly type: StructType,
    values: ReadonlyMap<string, PyValue>,
    bindings: readonly ReadonlyMap<string, PyValue>[],
    at: SourceLocation | null,
  ) {
    super();
    this.#values = values;
    this.#bindings = bindings;
    this.at = at;
  }

  get typeName(): string {
    return this.type.name;
  }

  value(field: string): PyValue | undefined {
    return this.#values.get(field);
  }

  bindings(): readonly ReadonlyMap<string, PyValue>[] {
    return this.#bindings;
  }

  bind(binding: ReadonlyMap<string, PyValue>): StructValue {
    return new StructValue(this.type, this.#values, [binding, ...this.#bindings], this.at);
  }

  override call(args: CallArgs, ctx: EvalContext): PyValue {
    return new StructValue(
      this.type,
      withOverrides(this.type, new Map(this.#values), args),
      this.#bindings,
      ctx.location(),
    );
  }

  override getAttribute(name: string): PyValue | undefined {
    if (name === 'bind') {
      return builtin('bind', (args) => {
        const binding = new Map<string, PyValue>();
        for (const arg of args.positional) {
          if (!(arg instanceof PyDict))
            throw new PyError('TypeError', 'bind() takes keyword arguments or a dict');
          for (const [k, v] of arg.entries()) binding.set(str(k), v);
        }
        for (const [k, v] of args.keywords) binding.set(k, v);
        return this.bind(binding);
      });
    }
    if (name === 'check') {
      return builtin('check', () => this.missingRequired().length === 0);
    }
    if (name.startsWith('has_') && this.type.field(name.slice(4))) {
      return builtin(name, () => this.#values.has(name.slice(4)));
    }
    if (this.type.field(name)) {
      // pystachio's accessor: `process.name()` gives the field's value.
      return builtin(name, (args) => {
        if (args.positional.length > 0 || args.keywords.size > 0) {
          throw new PyError('TypeError', `${this.type.name}.${name}() takes no arguments`);
        }
        const value = this.#values.get(name);
        if (value === undefined) return Empty;
        return copyMutable(value);
      });
    }
    return undefined;
  }

  missingRequired(): string[] {
    return this.type
      .fieldNames()
      .filter((f) => this.type.field(f)?.required && !this.#values.has(f));
  }

  materialize(outer: readonly Scope[], ctx: MaterializeContext): Json {
    const missing = this.missingRequired();
    if (missing.length > 0) {
      throw new PyError(
        'TypeCheckError',
        `${this.type.name}${this.at ? ` (made at ${this.at.file}:${this.at.line})` : ''} is missing required field${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}`,
      );
    }
    const scopes: Scope[] = [...this.#bindings, this, ...outer];
    const out: Record<string, Json> = {};
    for (const name of this.type.fieldNames()) {
      const value = this.#values.get(name);
      if (value === undefined) continue;
      const spec = this.type.field(name) as FieldSpec;
      out[name] = spec.type.materialize(value, scopes, ctx);
    }
    return out;
  }

  equals(other: PyValue): boolean {
    if (!(other instanceof StructValue) || other.type !== this.type) return false;
    const names = this.type.fieldNames();
    return names.every((n) => {
      const a = this.#values.get(n);
      const b = other.#values.get(n);
      return a === undefined || b === undefined ? a === b : repr(a) === repr(b);
    });
  }

  repr(): string {
    const parts = this.type
      .fieldNames()
      .filter((n) => this.#values.has(n))
      .map((n) => `${n}=${repr(this.#values.get(n) ?? null)}`);
    return `${this.type.name}(${parts.join(', ')})`;
  }
}

/**
 * A fresh copy of the lists and dicts inside a field's value: Python code may mutate
 * what an accessor gives it, and a Struct must not change underneath its holders.
 */
function copyMutable(value: PyValue): PyValue {
  if (value instanceof PyList) return new PyList(value.items.map(copyMutable));
  if (value instanceof PyDict)
    return new PyDict(value.entries().map(([k, v]) => [k, copyMutable(v)] as const));
  return value;
}

/** Builds a FieldSpec, coercing the default to the field's type. */
export function fieldSpec(type: PType, required: boolean, defaultValue?: PyValue): FieldSpec {
  return {
    type,
    required,
    defaultValue:
      defaultValue === undefined || defaultValue === Empty
        ? undefined
        : type.coerce(defaultValue, 'default'),
  };
}

/** A field declaration in a class body: a bare type, Required(T) or Default(T, v). */
export function toFieldSpec(declared: PyValue, owner: string, name: string): FieldSpec {
  if (declared instanceof FieldMarker)
    return fieldSpec(declared.type, declared.required, declared.defaultValue);
  if (declared instanceof PType) return fieldSpec(declared, false);
  throw new PyError(
    'TypeError',
    `${owner}.${name} must be a pystachio type (String, Integer, Float, Boolean, List(...), Map(...), a Struct, Required(...) or Default(...)), not ${typeName(declared)}`,
  );
}
