/**
 * Python's operators on evaluator values: arithmetic, comparison, indexing and slicing.
 * Pure functions; sizes are checked through the EvalContext before anything is built.
 */
import { percentFormat } from './formatting.js';
import {
  compareValues,
  type EvalContext,
  isInt,
  isNumber,
  iterate,
  PyDict,
  PyError,
  PyFloat,
  PyLimit,
  PyList,
  PyTuple,
  type PyValue,
  pyEquals,
  repr,
  toNumber,
  typeName,
} from './values.js';

export function listIndex(length: number, key: PyValue): number {
  if (!isInt(key)) throw new PyError('TypeError', `indices must be integers, not ${typeName(key)}`);
  const i = Number(key) < 0 ? length + Number(key) : Number(key);
  if (i < 0 || i >= length) throw new PyError('IndexError', 'index out of range');
  return i;
}

/** `object[key]` for dicts, lists, tuples and strings. */
export function indexValue(object: PyValue, key: PyValue): PyValue {
  if (object instanceof PyDict) {
    const v = object.get(key);
    if (v === undefined) throw new PyError('KeyError', repr(key));
    return v;
  }
  if (object instanceof PyList || object instanceof PyTuple)
    return object.items[listIndex(object.items.length, key)] ?? null;
  if (typeof object === 'string') {
    const chars = [...object];
    return chars[listIndex(chars.length, key)] ?? '';
  }
  throw new PyError('TypeError', `'${typeName(object)}' object is not subscriptable`);
}

/** One comparison of a chain: ==, <, in, is and the rest. */
export function compareOp(op: string, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case '<':
      return compareValues(a, b) < 0;
    case '>':
      return compareValues(a, b) > 0;
    case '<=':
      return compareValues(a, b) <= 0;
    case '>=':
      return compareValues(a, b) >= 0;
    case 'is':
      return a === b || (a instanceof PyFloat && b instanceof PyFloat && a.value === b.value);
    case 'is not':
      return !compareOp('is', a, b);
    case 'in':
    case 'not in': {
      let found: boolean;
      if (typeof b === 'string') {
        if (typeof a !== 'string')
          throw new PyError('TypeError', "'in <string>' requires string as left operand");
        found = b.includes(a);
      } else if (b instanceof PyDict) found = b.has(a);
      else found = iterate(b).some((item) => pyEquals(item, a));
      return op === 'in' ? found : !found;
    }
    default:
      throw new PyError('SyntaxError', `unknown comparison ${op}`);
  }
}

function integer(n: number): number {
  if (!Number.isSafeInteger(n))
    throw new PyLimit(`the integer result ${n} is too large (beyond 2**53)`);
  return n;
}

/** A binary operator with Python's semantics, every result size checked before it is built. */
export function binaryOp(op: string, a: PyValue, b: PyValue, ctx: EvalContext): PyValue {
  if (isNumber(a) && isNumber(b)) {
    const x = toNumber(a);
    const y = toNumber(b);
    const float = a instanceof PyFloat || b instanceof PyFloat;
    const result = (n: number) => (float ? new PyFloat(n) : integer(n));
    switch (op) {
      case '+':
        return result(x + y);
      case '-':
        return result(x - y);
      case '*':
        return result(x * y);
      case '/':
        if (y === 0) throw new PyError('ZeroDivisionError', 'division by zero');
        return new PyFloat(x / y);
      case '//':
        if (y === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
        return result(Math.floor(x / y));
      case '%':
        if (y === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
        return result(x - Math.floor(x / y) * y);
      case '**':
        if (!float && y < 0) return new PyFloat(x ** y);
        return result(x ** y);
      default:
        throw new PyError('TypeError', `unsupported operand '${op}' for numbers in configurations`);
    }
  }
  if (op === '%' && typeof a === 'string') return ctx.checkString(percentFormat(a, b));
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return ctx.checkString(a + b);
    if (a instanceof PyList && b instanceof PyList) {
      ctx.checkSize(a.items.length + b.items.length);
      return new PyList([...a.items, ...b.items]);
    }
    if (a instanceof PyTuple && b instanceof PyTuple) {
      ctx.checkSize(a.items.length + b.items.length);
      return new PyTuple([...a.items, ...b.items]);
    }
  }
  if (op === '*') {
    const [seq, times] = isInt(b) ? [a, Number(b)] : isInt(a) ? [b, Number(a)] : [null, 0];
    const n = Math.max(0, times);
    if (typeof seq === 'string') {
      ctx.checkStringLength(seq.length * n);
      return seq.repeat(n);
    }
    if (seq instanceof PyList || seq instanceof PyTuple) {
      ctx.checkSize(seq.items.length * n);
      const items = Array.from({ length: n }, () => seq.items).flat();
      return seq instanceof PyList ? new PyList(items) : new PyTuple(items);
    }
  }
  throw new PyError(
    'TypeError',
    `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** `object[lower:upper:step]` for lists, tuples and strings, bounds already evaluated. */
export function sliceValue(
  object: PyValue,
  lower: number | null,
  upper: number | null,
  stepOrNull: number | null,
): PyValue {
  const step = stepOrNull ?? 1;
  if (step === 0) throw new PyError('ValueError', 'slice step cannot be zero');
  const items =
    typeof object === 'string'
      ? [...object]
      : object instanceof PyList || object instanceof PyTuple
        ? [...object.items]
        : null;
  if (!items) throw new PyError('TypeError', `'${typeName(object)}' object is not subscriptable`);
  const n = items.length;
  const clamp = (v: number | null, fallback: number, lo: number, hi: number) =>
    v === null ? fallback : Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: PyValue[] = [];
  if (step > 0)
    for (let i = clamp(lower, 0, 0, n); i < clamp(upper, n, 0, n); i += step)
      out.push(items[i] ?? null);
  else
    for (let i = clamp(lower, n - 1, -1, n - 1); i > clamp(upper, -1, -1, n - 1); i += step)
      out.push(items[i] ?? null);
  if (typeof object === 'string') return out.join('');
  return object instanceof PyTuple ? new PyTuple(out) : new PyList(out);
}
