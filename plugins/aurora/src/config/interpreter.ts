/**
 * A tree-walking evaluator for the configuration subset of Python. It runs no Python and
 * no JavaScript built from the config: every name resolves through Frames it owns,
 * every attribute through PyObject.getAttribute(), and every step counts against the
 * limits so a config cannot hang or exhaust the daemon.
 */
import { posix } from 'node:path';
import type { Arg, Expr, FormattedValue, Param, Stmt } from './ast.js';
import { environmentModules, REFUSED_BUILTINS, stringMethod } from './builtins.js';
import {
  AuroraConfigError,
  AuroraEvaluationError,
  AuroraLimitError,
  AuroraRefusedError,
  AuroraUnboundNameError,
  type SourceLocation,
} from './errors.js';
import { formatWithSpec } from './formatting.js';
import { freeNames } from './free-names.js';
import { binaryOp, compareOp, indexValue, listIndex, sliceValue } from './operators.js';
import { parseModule } from './parser.js';
import { StructType, toFieldSpec } from './pystachio.js';
import {
  builtin,
  type CallArgs,
  type EvalContext,
  isInt,
  isNumber,
  iterate,
  PyDict,
  PyError,
  PyFloat,
  PyLimit,
  PyList,
  PyModule,
  PyObject,
  PyRefusal,
  PyTuple,
  type PyValue,
  repr,
  str,
  toNumber,
  truthy,
  typeName,
} from './values.js';

export interface EvaluationLimits {
  /** Statements and expressions evaluated, in all. */
  readonly maxSteps: number;
  readonly maxCallDepth: number;
  readonly maxStringLength: number;
  /** Items in one list, dict or range. */
  readonly maxCollectionSize: number;
  readonly maxIncludeDepth: number;
}

export const DEFAULT_LIMITS: EvaluationLimits = {
  maxSteps: 2_000_000,
  maxCallDepth: 50,
  maxStringLength: 1_000_000,
  maxCollectionSize: 100_000,
  maxIncludeDepth: 8,
};

/** Expressions nested deeper than this (counting through calls) are refused. */
const MAX_EVAL_DEPTH = 1_000;

/** The modules a config may import, beyond os/getpass, whose names are already global. */
const SCHEMA_MODULES = new Set([
  'pystachio',
  'apache.aurora.config.schema.base',
  'apache.aurora.config.schema',
  'apache.thermos.config.schema',
]);

export interface InterpreterOptions {
  readonly env: ReadonlyMap<string, string>;
  /** Reads an included file by its resolved path; absent, include() is refused. */
  readonly readFile?: ((path: string) => string) | undefined;
  /** `--bind name=value`: also answers Python names the file leaves undefined. */
  readonly bindings: ReadonlyMap<string, string>;
  readonly limits: EvaluationLimits;
  /** Aurora's schema and helpers, visible without imports as in Aurora's loader. */
  readonly schema: ReadonlyMap<string, PyValue>;
  /** The names a `Struct` base stands for. */
  readonly structBase: PyValue;
}

class Frame {
  readonly vars = new Map<string, PyValue>();
  constructor(readonly parent: Frame | null) {}
  lookup(name: string): PyValue | undefined {
    for (let f: Frame | null = this; f; f = f.parent) {
      const v = f.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

type Signal =
  | { kind: 'return'; value: PyValue }
  | { kind: 'break' }
  | { kind: 'continue' }
  | undefined;

class PyFunction extends PyObject {
  readonly typeName = 'function';
  constructor(
    readonly name: string,
    readonly params: readonly Param[],
    readonly defaults: ReadonlyMap<string, PyValue>,
    readonly body: readonly Stmt[] | Expr,
    readonly closure: Frame,
    readonly file: string,
    private readonly interpreter: Interpreter,
  ) {
    super();
  }
  override call(args: CallArgs): PyValue {
    return this.interpreter.callFunction(this, args);
  }
  repr(): string {
    return `<function ${this.name}>`;
  }
}

export class Interpreter implements EvalContext {
  private steps = 0;
  private depth = 0;
  private evalDepth = 0;
  private includeDepth = 0;
  private here: SourceLocation;
  private readonly globals = new Frame(null);
  private readonly builtins: Map<string, PyValue>;
  private readonly modules: Map<string, PyModule>;
  private readonly asts = new Map<string, readonly Stmt[]>();
  private readonly rootDir: string;

  constructor(
    private readonly options: InterpreterOptions,
    rootFile: string,
    builtins: Map<string, PyValue>,
  ) {
    this.here = { file: rootFile, line: 1, column: 1 };
    this.rootDir = posix.dirname(rootFile);
    this.builtins = new Map([...builtins, ...options.schema]);
    this.builtins.set(
      'include',
      builtin('include', (args) => this.include(args)),
    );
    this.modules = environmentModules(options.env);
  }

  /** Runs a module; its global names afterwards are the configuration's. */
  run(source: string, file: string): ReadonlyMap<string, PyValue> {
    const body = parseModule(source, file);
    this.asts.set(file, body);
    this.execBlock(body, this.globals, file);
    return this.globals.vars;
  }

  // --- EvalContext ---------------------------------------------------------------

  location(): SourceLocation {
    return this.here;
  }

  tick(count = 1): void {
    this.steps += count;
    if (this.steps > this.options.limits.maxSteps) {
      throw new PyLimit(`evaluation took more than ${this.options.limits.maxSteps} steps`);
    }
  }

  checkString(s: string): string {
    this.checkStringLength(s.length);
    return s;
  }

  checkStringLength(n: number): void {
    if (n > this.options.limits.maxStringLength) {
      throw new PyLimit(
        `a string would have ${n} characters, more than ${this.options.limits.maxStringLength}`,
      );
    }
  }

  checkSize(n: number): void {
    if (n > this.options.limits.maxCollectionSize) {
      throw new PyLimit(
        `a collection would have ${n} items, more than ${this.options.limits.maxCollectionSize}`,
      );
    }
  }

  call(fn: PyValue, args: CallArgs): PyValue {
    if (!(fn instanceof PyObject))
      throw new PyError('TypeError', `'${typeName(fn)}' object is not callable`);
    return fn.call(args, this);
  }

  // --- statements ----------------------------------------------------------------

  private execBlock(body: readonly Stmt[], frame: Frame, file: string): Signal {
    for (const stmt of body) {
      const signal = this.exec(stmt, frame, file);
      if (signal) return signal;
    }
    return undefined;
  }

  private exec(stmt: Stmt, frame: Frame, file: string): Signal {
    this.tick();
    try {
      return this.execInner(stmt, frame, file);
    } catch (error) {
      throw this.located(error, file, stmt);
    }
  }

  private execInner(stmt: Stmt, frame: Frame, file: string): Signal {
    switch (stmt.kind) {
      case 'expr':
        this.eval(stmt.value, frame, file);
        return undefined;
      case 'assign': {
        const value = this.eval(stmt.value, frame, file);
        for (const target of stmt.targets) this.assign(target, value, frame, file);
        return undefined;
      }
      case 'augassign': {
        const current = this.eval(stmt.target, frame, file);
        const value = binaryOp(stmt.op, current, this.eval(stmt.value, frame, file), this);
        this.assign(stmt.target, value, frame, file);
        return undefined;
      }
      case 'import':
        for (const { name, alias } of stmt.modules) {
          const module = this.importModule(name);
          if (alias) frame.vars.set(alias, module);
          else {
            const top = name.split('.')[0] as string;
            frame.vars.set(top, this.importModule(top));
          }
        }
        return undefined;
      case 'from': {
        if (SCHEMA_MODULES.has(stmt.module)) {
          if (stmt.names !== '*') {
            for (const { name, alias } of stmt.names) {
              const value = this.builtins.get(name);
              if (value === undefined)
                throw new PyError(
                  'ImportError',
                  `cannot import name '${name}' from '${stmt.module}'`,
                );
              frame.vars.set(alias ?? name, value);
            }
          }
          return undefined;
        }
        const module = this.importModule(stmt.module);
        const names =
          stmt.names === '*' ? module.names().map((name) => ({ name, alias: null })) : stmt.names;
        for (const { name, alias } of names) {
          const value = module.getAttribute(name);
          if (value === undefined)
            throw new PyError('ImportError', `cannot import name '${name}' from '${stmt.module}'`);
          frame.vars.set(alias ?? name, value);
        }
        return undefined;
      }
      case 'def':
        frame.vars.set(
          stmt.name,
          this.makeFunction(stmt.name, stmt.params, stmt.body, frame, file),
        );
        return undefined;
      case 'class':
        frame.vars.set(stmt.name, this.makeStruct(stmt, frame, file));
        return undefined;
      case 'return':
        return { kind: 'return', value: stmt.value ? this.eval(stmt.value, frame, file) : null };
      case 'if':
        return this.execBlock(
          truthy(this.eval(stmt.test, frame, file)) ? stmt.body : stmt.orelse,
          frame,
          file,
        );
      case 'for': {
        const items = iterate(this.eval(stmt.iter, frame, file));
        for (const item of items) {
          this.assign(stmt.target, item, frame, file);
          const signal = this.execBlock(stmt.body, frame, file);
          if (signal?.kind === 'break') return undefined;
          if (signal?.kind === 'return') return signal;
        }
        return this.execBlock(stmt.orelse, frame, file);
      }
      case 'pass':
        return undefined;
      case 'break':
      case 'continue':
        return { kind: stmt.kind };
    }
  }

  private importModule(name: string): PyModule {
    const module = this.modules.get(name);
    if (module) return module;
    if (SCHEMA_MODULES.has(name)) return new PyModule(name, this.options.schema);
    throw new PyRefusal(
      `importing '${name}' is not allowed: configurations cannot run commands, read files or reach the network; only os, getpass and pystachio are provided`,
    );
  }

  private makeFunction(
    name: string,
    params: readonly Param[],
    body: readonly Stmt[] | Expr,
    frame: Frame,
    file: string,
  ): PyFunction {
    const defaults = new Map<string, PyValue>();
    for (const p of params) if (p.default) defaults.set(p.name, this.eval(p.default, frame, file));
    return new PyFunction(name, params, defaults, body, frame, file, this);
  }

  private makeStruct(
    stmt: Extract<Stmt, { kind: 'class' }>,
    frame: Frame,
    file: string,
  ): StructType {
    const inherited: [string, ReturnType<typeof toFieldSpec>][] = [];
    if (stmt.bases.length !== 1)
      throw new PyRefusal(`class ${stmt.name} must derive from Struct (or another Struct) alone`);
    const base = this.eval(stmt.bases[0] as Expr, frame, file);
    if (base instanceof StructType) {
      for (const name of base.fieldNames())
        inherited.push([name, base.field(name) as ReturnType<typeof toFieldSpec>]);
    } else if (base !== this.options.structBase) {
      throw new PyRefusal(
        `class ${stmt.name} must derive from Struct: only pystachio Structs can be defined in configurations`,
      );
    }
    const body = new Frame(frame);
    for (const s of stmt.body) {
      if (s.kind === 'expr' && s.value.kind === 'const' && typeof s.value.value === 'string')
        continue;
      if (s.kind !== 'assign' && s.kind !== 'pass') {
        throw new PyRefusal(
          `a Struct's body holds only field declarations such as 'name = Required(String)'`,
        );
      }
      this.exec(s, body, file);
    }
    const fields = new Map(inherited);
    for (const [name, declared] of body.vars)
      fields.set(name, toFieldSpec(declared, stmt.name, name));
    return new StructType(stmt.name, fields);
  }

  private assign(target: Expr, value: PyValue, frame: Frame, file: string): void {
    switch (target.kind) {
      case 'name':
        frame.vars.set(target.id, value);
        return;
      case 'tuple':
      case 'list': {
        const items = iterate(value);
        const star = target.items.findIndex((t) => t.kind === 'starred');
        if (star < 0) {
          if (items.length !== target.items.length) {
            throw new PyError(
              'ValueError',
              `cannot unpack ${items.length} values into ${target.items.length} names`,
            );
          }
          for (const [i, t] of target.items.entries())
            this.assign(t, items[i] ?? null, frame, file);
          return;
        }
        const after = target.items.length - star - 1;
        if (items.length < target.items.length - 1)
          throw new PyError('ValueError', 'not enough values to unpack');
        target.items.forEach((t, i) => {
          if (i < star) this.assign(t, items[i] ?? null, frame, file);
          else if (i === star)
            this.assign(
              (t as Extract<Expr, { kind: 'starred' }>).value,
              new PyList(items.slice(star, items.length - after)),
              frame,
              file,
            );
          else this.assign(t, items[items.length - (target.items.length - i)] ?? null, frame, file);
        });
        return;
      }
      case 'index': {
        const object = this.eval(target.object, frame, file);
        const key = this.eval(target.index, frame, file);
        if (object instanceof PyDict) {
          this.checkSize(object.size + 1);
          object.set(key, value);
        } else if (object instanceof PyList) {
          object.items[listIndex(object.items.length, key)] = value;
        } else {
          throw new PyError(
            'TypeError',
            `'${typeName(object)}' object does not support item assignment`,
          );
        }
        return;
      }
      default:
        throw new PyError('SyntaxError', 'cannot assign to this expression');
    }
  }

  // --- calls ---------------------------------------------------------------------

  callFunction(fn: PyFunction, args: CallArgs): PyValue {
    if (this.depth >= this.options.limits.maxCallDepth) {
      throw new PyLimit(
        `calls nest deeper than ${this.options.limits.maxCallDepth} (is ${fn.name}() recursive?)`,
      );
    }
    const frame = new Frame(fn.closure);
    const keywords = new Map(args.keywords);
    let next = 0;
    for (const p of fn.params) {
      if (p.kind === 'star') {
        frame.vars.set(p.name, new PyTuple(args.positional.slice(next)));
        next = args.positional.length;
      } else if (p.kind === 'starstar') {
        frame.vars.set(p.name, new PyDict([...keywords].map(([k, v]) => [k, v] as const)));
        keywords.clear();
      } else if (next < args.positional.length) {
        if (keywords.has(p.name))
          throw new PyError(
            'TypeError',
            `${fn.name}() got multiple values for argument '${p.name}'`,
          );
        frame.vars.set(p.name, args.positional[next++] ?? null);
      } else if (keywords.has(p.name)) {
        frame.vars.set(p.name, keywords.get(p.name) ?? null);
        keywords.delete(p.name);
      } else if (fn.defaults.has(p.name)) {
        frame.vars.set(p.name, fn.defaults.get(p.name) ?? null);
      } else {
        throw new PyError('TypeError', `${fn.name}() missing required argument: '${p.name}'`);
      }
    }
    if (next < args.positional.length) {
      throw new PyError(
        'TypeError',
        `${fn.name}() takes ${next} positional arguments but ${args.positional.length} were given`,
      );
    }
    const [unexpected] = keywords.keys();
    if (unexpected !== undefined)
      throw new PyError(
        'TypeError',
        `${fn.name}() got an unexpected keyword argument '${unexpected}'`,
      );
    this.depth++;
    try {
      if (!Array.isArray(fn.body)) return this.eval(fn.body as Expr, frame, fn.file);
      const signal = this.execBlock(fn.body as readonly Stmt[], frame, fn.file);
      return signal?.kind === 'return' ? signal.value : null;
    } finally {
      this.depth--;
    }
  }

  private include(args: CallArgs): PyValue {
    const [path] = args.positional;
    if (typeof path !== 'string' || args.positional.length !== 1)
      throw new PyError('TypeError', 'include() takes one path');
    if (!this.options.readFile)
      throw new PyRefusal(
        'include() is not available here: no file reader was given to the evaluator',
      );
    if (this.includeDepth >= this.options.limits.maxIncludeDepth) {
      throw new PyLimit(
        `include() nests deeper than ${this.options.limits.maxIncludeDepth} files (does a file include itself?)`,
      );
    }
    // Aurora resolves includes relative to the first configuration file.
    // join, not resolve: resolve would consult the process's working directory.
    const resolved = posix.isAbsolute(path)
      ? posix.normalize(path)
      : posix.join(this.rootDir, path);
    let source: string;
    try {
      source = this.options.readFile(resolved);
    } catch (error) {
      throw new PyError(
        'IOError',
        `include('${path}') could not read ${resolved}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const body = parseModule(source, resolved);
    this.asts.set(resolved, body);
    const saved = this.here;
    this.includeDepth++;
    try {
      this.execBlock(body, this.globals, resolved);
    } finally {
      this.includeDepth--;
      this.here = saved;
    }
    return null;
  }

  private evalArgs(args: readonly Arg[], frame: Frame, file: string): CallArgs {
    const positional: PyValue[] = [];
    const keywords = new Map<string, PyValue>();
    for (const arg of args) {
      switch (arg.kind) {
        case 'positional':
          positional.push(this.eval(arg.value, frame, file));
          break;
        case 'star':
          positional.push(...iterate(this.eval(arg.value, frame, file)));
          break;
        case 'keyword':
          if (keywords.has(arg.name))
            throw new PyError('SyntaxError', `keyword argument repeated: ${arg.name}`);
          keywords.set(arg.name, this.eval(arg.value, frame, file));
          break;
        case 'starstar': {
          const d = this.eval(arg.value, frame, file);
          if (!(d instanceof PyDict))
            throw new PyError('TypeError', `argument after ** must be a dict, not ${typeName(d)}`);
          for (const [k, v] of d.entries()) {
            if (typeof k !== 'string') throw new PyError('TypeError', 'keywords must be strings');
            if (k.startsWith('__') || k === 'constructor' || k === 'prototype')
              throw new PyRefusal(`the keyword '${k}' is not allowed`);
            keywords.set(k, v);
          }
        }
      }
    }
    return { positional, keywords };
  }

  // --- expressions ---------------------------------------------------------------

  private eval(expr: Expr, frame: Frame, file: string): PyValue {
    this.tick();
    // A long chain such as `1+1+...+1` nests without brackets; bound it before the JS stack.
    if (++this.evalDepth > MAX_EVAL_DEPTH) {
      this.evalDepth--;
      throw this.located(
        new PyLimit(`expressions nest deeper than ${MAX_EVAL_DEPTH} levels`),
        file,
        expr,
      );
    }
    try {
      return this.evalInner(expr, frame, file);
    } catch (error) {
      throw this.located(error, file, expr);
    } finally {
      this.evalDepth--;
    }
  }

  private located(error: unknown, file: string, at: { line: number; column: number }): unknown {
    if (error instanceof AuroraConfigError) return error;
    const where = { file, line: at.line, column: at.column };
    if (error instanceof PyError)
      return new AuroraEvaluationError(where, error.pythonError, error.message);
    if (error instanceof PyRefusal) return new AuroraRefusedError(where, error.message);
    if (error instanceof PyLimit) return new AuroraLimitError(where, error.message);
    if (error instanceof RangeError)
      return new AuroraLimitError(
        where,
        `the configuration exceeded what the evaluator can hold (${error.message})`,
      );
    return error;
  }

  private evalInner(expr: Expr, frame: Frame, file: string): PyValue {
    switch (expr.kind) {
      case 'const':
        return expr.value;
      case 'int':
        return expr.value;
      case 'float':
        return new PyFloat(expr.value);
      case 'name':
        return this.lookupName(expr.id, frame, file, expr);
      case 'fstring':
        return this.checkString(this.fstring(expr.parts, frame, file));
      case 'list':
      case 'tuple': {
        const items: PyValue[] = [];
        for (const item of expr.items) {
          if (item.kind === 'starred') items.push(...iterate(this.eval(item.value, frame, file)));
          else items.push(this.eval(item, frame, file));
        }
        this.checkSize(items.length);
        return expr.kind === 'list' ? new PyList(items) : new PyTuple(items);
      }
      case 'dict': {
        const d = new PyDict();
        for (const { key, value } of expr.entries) {
          if (key === null) {
            const other = this.eval(value, frame, file);
            if (!(other instanceof PyDict))
              throw new PyError('TypeError', `'${typeName(other)}' object is not a mapping`);
            for (const [k, v] of other.entries()) d.set(k, v);
          } else {
            d.set(this.eval(key, frame, file), this.eval(value, frame, file));
          }
        }
        return d;
      }
      case 'starred':
        throw new PyError('SyntaxError', "can't use starred expression here");
      case 'attr':
        return this.attribute(this.eval(expr.object, frame, file), expr.attr);
      case 'index':
        return this.subscript(this.eval(expr.object, frame, file), expr.index, frame, file);
      case 'slice':
        throw new PyError('SyntaxError', 'a slice is only valid inside []');
      case 'call': {
        const callee = this.eval(expr.callee, frame, file);
        const args = this.evalArgs(expr.args, frame, file);
        this.here = { file, line: expr.line, column: expr.column };
        return this.call(callee, args);
      }
      case 'unary': {
        const v = this.eval(expr.operand, frame, file);
        if (expr.op === 'not') return !truthy(v);
        if (!isNumber(v))
          throw new PyError('TypeError', `bad operand type for unary ${expr.op}: '${typeName(v)}'`);
        if (expr.op === '+') return typeof v === 'boolean' ? Number(v) : v;
        return v instanceof PyFloat ? new PyFloat(-v.value) : -toNumber(v);
      }
      case 'binary':
        return binaryOp(
          expr.op,
          this.eval(expr.left, frame, file),
          this.eval(expr.right, frame, file),
          this,
        );
      case 'bool': {
        const left = this.eval(expr.left, frame, file);
        if (expr.op === 'and' ? !truthy(left) : truthy(left)) return left;
        return this.eval(expr.right, frame, file);
      }
      case 'compare': {
        let left = this.eval(expr.first, frame, file);
        for (const { op, right } of expr.rest) {
          const r = this.eval(right, frame, file);
          if (!compareOp(op, left, r)) return false;
          left = r;
        }
        return true;
      }
      case 'ifexp':
        return truthy(this.eval(expr.test, frame, file))
          ? this.eval(expr.body, frame, file)
          : this.eval(expr.orelse, frame, file);
      case 'lambda':
        return this.makeFunction('<lambda>', expr.params, expr.body, frame, file);
      case 'listcomp':
      case 'dictcomp': {
        const inner = new Frame(frame);
        const list: PyValue[] = [];
        const dict = new PyDict();
        const loop = (i: number): void => {
          const clause = expr.clauses[i];
          if (!clause) {
            if (expr.kind === 'listcomp') {
              list.push(this.eval(expr.element, inner, file));
              this.checkSize(list.length);
            } else {
              dict.set(
                this.eval(expr.element, inner, file),
                this.eval(expr.value as Expr, inner, file),
              );
              this.checkSize(dict.size);
            }
            return;
          }
          for (const item of iterate(this.eval(clause.iter, inner, file))) {
            this.tick();
            this.assign(clause.target, item, inner, file);
            if (clause.ifs.every((cond) => truthy(this.eval(cond, inner, file)))) loop(i + 1);
          }
        };
        loop(0);
        return expr.kind === 'listcomp' ? new PyList(list) : dict;
      }
    }
  }

  private lookupName(
    name: string,
    frame: Frame,
    file: string,
    at: { line: number; column: number },
  ): PyValue {
    const local = frame.lookup(name);
    if (local !== undefined) return local;
    const builtinValue = this.builtins.get(name);
    if (builtinValue !== undefined) return builtinValue;
    const refused = REFUSED_BUILTINS.get(name);
    if (refused) throw new PyRefusal(`'${name}' is not available: ${refused}`);
    const bound = this.options.bindings.get(name);
    if (bound !== undefined) return bound;
    const names = this.undefinedNames(file, name);
    throw new AuroraUnboundNameError(
      { file, line: at.line, column: at.column },
      names,
      '(used but never defined)',
    );
  }

  /** Every name the file reads and nothing defines, `first` first: the user binds them all at once. */
  private undefinedNames(file: string, first: string): string[] {
    const known = (n: string) =>
      this.globals.vars.has(n) ||
      this.builtins.has(n) ||
      this.options.bindings.has(n) ||
      REFUSED_BUILTINS.has(n);
    return [first, ...freeNames(this.asts.get(file) ?? []).filter((n) => n !== first && !known(n))];
  }

  private fstring(parts: readonly (string | FormattedValue)[], frame: Frame, file: string): string {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      let value = this.eval(part.expr, frame, file);
      if (part.conversion === 'r') value = repr(value);
      else if (part.conversion === 's') value = str(value);
      out += formatWithSpec(value, this.fstring(part.spec, frame, file));
      this.checkString(out);
    }
    return out;
  }

  private attribute(object: PyValue, name: string): PyValue {
    if (typeof object === 'string') {
      const method = stringMethod(
        object,
        name,
        this,
        (o, a) => this.attribute(o, a),
        (o, k) => indexValue(o, k),
      );
      if (method) return method;
    } else if (object instanceof PyObject) {
      const value = object.getAttribute(name);
      if (value !== undefined) return value;
    }
    throw new PyError('AttributeError', `'${typeName(object)}' object has no attribute '${name}'`);
  }

  private subscript(object: PyValue, index: Expr, frame: Frame, file: string): PyValue {
    if (index.kind !== 'slice') return indexValue(object, this.eval(index, frame, file));
    const bound = (e: Expr | null) => {
      if (e === null) return null;
      const v = this.eval(e, frame, file);
      if (v === null) return null;
      if (!isInt(v)) throw new PyError('TypeError', 'slice indices must be integers or None');
      return Number(v);
    };
    return sliceValue(object, bound(index.lower), bound(index.upper), bound(index.step));
  }
}
