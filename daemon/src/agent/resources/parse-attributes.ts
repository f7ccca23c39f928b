/**
 * The agent's --attributes flag, read as Mesos's Attributes::parse reads it
 * (src/common/attributes.cpp with values::parse from src/common/values.cpp):
 * `rack:a;zone:lab;gpu_count:2;ports:[1000-2000]`. Parts are separated by ";" or a
 * newline; each splits at its first ":", so a value may itself hold colons
 * (`url:http://x`). The value decides the type: `[...]` is RANGES, a finite
 * non-negative number is SCALAR, anything else is TEXT. Sets (`{a,b}`) are not allowed
 * for attributes, as in Mesos.
 */

import { ResourceBag } from '../../master/resources/resource-bag.js';
import type { Attribute } from '../../protocol/mesos.js';
import { InvalidAttributesError } from './attribute-errors.js';

// A number as boost::lexical_cast<double> reads one; anything else becomes TEXT.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const WHOLE = /^\+?\d+$/;
const SMALLEST_NORMAL = 2.2250738585072014e-308;

export function parseAttributes(text: string): Attribute[] {
  const attributes: Attribute[] = [];
  for (const token of text.split(/[;\n]/)) {
    // strings::tokenize drops empty tokens, so "a:1;;b:2" and a trailing ";" are fine.
    if (token === '') continue;
    const colon = token.indexOf(':');
    const where = JSON.stringify(token);
    // Mesos keeps the name byte for byte; we trim it, since "rack:a; zone:b" would
    // otherwise give an attribute named " zone" that no constraint ever matches.
    const name = colon < 0 ? '' : token.slice(0, colon).trim();
    const raw = colon < 0 ? '' : token.slice(colon + 1);
    if (colon < 0 || name === '' || raw === '') {
      throw new InvalidAttributesError(where, 'expected name:value');
    }
    attributes.push(parseAttribute(name, raw, where));
  }
  return attributes;
}

/** One attribute's value, typed as values::parse types it. */
export function parseAttribute(
  name: string,
  text: string,
  where = JSON.stringify(text),
): Attribute {
  // values::parse removes every space (not tabs) before looking at the value.
  const value = text.replaceAll(' ', '');
  if (value === '') throw new InvalidAttributesError(where, 'the value is empty');
  if (
    !bracketsMatch(value, '{', '}') ||
    !bracketsMatch(value, '[', ']') ||
    !bracketsMatch(value, '(', ')')
  ) {
    throw new InvalidAttributesError(where, 'mismatched brackets');
  }

  const bracket = value.indexOf('[');
  if (bracket === 0) return { name, type: 'RANGES', ranges: { range: parseRanges(value, where) } };
  if (bracket > 0) throw new InvalidAttributesError(where, `unexpected "[" in ${value}`);

  const brace = value.indexOf('{');
  if (brace === 0) {
    throw new InvalidAttributesError(where, 'sets ({a,b}) are not supported for attributes');
  }
  if (brace > 0) throw new InvalidAttributesError(where, `unexpected "{" in ${value}`);

  if (NUMBER.test(value)) {
    const number = Number(value);
    if (number !== 0 && Math.abs(number) < SMALLEST_NORMAL) {
      throw new InvalidAttributesError(where, `${value} is a subnormal number`);
    }
    // Infinite (too large) and negative numbers are not scalars to Mesos: they stay text.
    if (Number.isFinite(number) && number >= 0) {
      return { name, type: 'SCALAR', scalar: { value: number } };
    }
  }
  return { name, type: 'TEXT', text: { value } };
}

/**
 * Mesos tokenizes a ranges value on "[", "]", "-" and "," and pairs the numbers up, so
 * `[1-3,5-6]` is two ranges; the result is coalesced, as Mesos coalesces it.
 */
function parseRanges(value: string, where: string): Array<{ begin: number; end: number }> {
  const tokens = value.split(/[[\]\-,\n]/).filter((token) => token !== '');
  if (tokens.length % 2 !== 0) {
    throw new InvalidAttributesError(
      where,
      'expected one or more begin-end ranges, as in [1000-2000]',
    );
  }
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < tokens.length; i += 2) {
    const begin = wholeNumber(tokens[i], where);
    const end = wholeNumber(tokens[i + 1], where);
    if (begin > end)
      throw new InvalidAttributesError(where, `range ${begin}-${end} ends before it begins`);
    pairs.push([begin, end]);
  }
  // The bag coalesces ranges exactly as Mesos's Value::Ranges does; the name is a placeholder.
  const coalesced = pairs.length === 0 ? [] : ResourceBag.of({ range: pairs }).ranges('range');
  return coalesced.map(([begin, end]) => ({ begin, end }));
}

function wholeNumber(token: string | undefined, where: string): number {
  const number = token !== undefined && WHOLE.test(token) ? Number(token) : Number.NaN;
  if (!Number.isSafeInteger(number)) {
    throw new InvalidAttributesError(where, `expecting non-negative integers in "${token ?? ''}"`);
  }
  return number;
}

/** strings::checkBracketsMatching: never more closing than opening, and balanced at the end. */
function bracketsMatch(text: string, open: string, close: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === open) depth++;
    else if (char === close && --depth < 0) return false;
  }
  return depth === 0;
}
