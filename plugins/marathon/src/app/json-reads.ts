/**
 * Reads untrusted JSON against a TypeBox schema the way Marathon reads a request body into
 * its RAML types: with the play-json `Reads` its type generator writes
 * (type-generator/src/main/scala/mesosphere/raml/backend/treehugger). That decides what a
 * client sees for a body of the wrong shape, so it is reproduced rather than delegated
 * to a JSON Schema validator:
 * - every field is read and every error collected, each under its path in play-json's
 *   notation (`/container/portMappings(0)/hostPort`), with play-json's codes
 *   (`error.path.missing`, `error.expected.jsnumber`, `error.min`, `error.pattern`...);
 * - `null` for an optional field means the field is absent (play-json's validateOpt);
 * - enum literals match regardless of case (`"http"` is `HTTP`) and are returned in the
 *   schema's spelling, as the generated enum readers lower-case before matching;
 * - a union is tried alternative by alternative and, when none fits, reports the errors of
 *   the last one (play-json's `orElse`);
 * - an array with `uniqueItems` keeps one of equal elements: Marathon reads it as a Set;
 * - fields the schema does not declare are ignored, as by Marathon; their paths are
 *   returned so that callers can mention them.
 *
 * One deliberate difference: where Marathon's readers look fields up in a value that is
 * not an object (and so report only what is missing, or nothing), this answers
 * `error.expected.jsobject`.
 */
import {
  IsArray,
  IsBoolean,
  IsEnum,
  IsInteger,
  IsLiteral,
  IsNumber,
  IsObject,
  IsRecord,
  IsString,
  IsTuple,
  IsUnion,
  IsUnknown,
  RecordValue,
  type Static,
  type TSchema,
} from 'typebox';

/** play-json's error codes, as they appear in Marathon's "Invalid JSON" answers. */
export const JSON_ERROR = {
  missing: 'error.path.missing',
  expectedObject: 'error.expected.jsobject',
  expectedArray: 'error.expected.jsarray',
  expectedString: 'error.expected.jsstring',
  expectedNumber: 'error.expected.jsnumber',
  expectedBoolean: 'error.expected.jsboolean',
  expectedInt: 'error.expected.int',
  expectedLong: 'error.expected.long',
  expectedDateTime: 'error.expected.date.isoformat',
  unknownEnum: 'error.unknown.enum.literal',
  min: 'error.min',
  max: 'error.max',
  minLength: 'error.minLength',
  maxLength: 'error.maxLength',
  pattern: 'error.pattern',
} as const;

export interface JsonPathErrors {
  /** play-json's path notation; `/` for the document itself. */
  readonly path: string;
  readonly errors: readonly string[];
}

export type JsonReadResult<T> =
  | { readonly ok: true; readonly value: T; readonly ignoredFields: readonly string[] }
  | { readonly ok: false; readonly errors: readonly JsonPathErrors[] };

/**
 * Reads `json` as `schema` describes it.
 *
 * @returns the value, typed by the schema, with enum literals in the schema's spelling,
 *   nulls of optional fields and undeclared fields dropped; or every error found.
 */
export function readJson<S extends TSchema>(schema: S, json: unknown): JsonReadResult<Static<S>> {
  const sink = new ErrorSink();
  const outcome = read(schema, json, '', sink);
  if (!outcome.ok || sink.errors.size > 0) {
    return {
      ok: false,
      errors: [...sink.errors].map(([path, errors]) => ({ path: path || '/', errors })),
    };
  }
  // The reader has checked every constraint of the schema on the value it built.
  return { ok: true, value: outcome.value as Static<S>, ignoredFields: sink.ignored };
}

class ErrorSink {
  readonly errors = new Map<string, string[]>();
  readonly ignored: string[] = [];

  add(path: string, code: string): void {
    const codes = this.errors.get(path);
    if (codes === undefined) this.errors.set(path, [code]);
    else if (!codes.includes(code)) codes.push(code);
  }

  merge(other: ErrorSink): void {
    for (const [path, codes] of other.errors) for (const code of codes) this.add(path, code);
    this.ignored.push(...other.ignored);
  }
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false };
const FAILED: Outcome = { ok: false };
const success = (value: unknown): Outcome => ({ ok: true, value });

/** TypeBox keeps schema options as plain keys of the schema object. */
function option(schema: TSchema, key: string): unknown {
  return (schema as Record<string, unknown>)[key];
}
function numberOption(schema: TSchema, key: string): number | undefined {
  const value = option(schema, key);
  return typeof value === 'number' ? value : undefined;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function read(schema: TSchema, value: unknown, path: string, sink: ErrorSink): Outcome {
  if (IsUnknown(schema)) return success(value);
  if (IsObject(schema))
    return readObject(schema.properties, requiredKeys(schema), value, path, sink);
  if (IsRecord(schema)) return readRecord(RecordValue(schema), value, path, sink);
  if (IsTuple(schema)) return readTuple(schema.items, value, path, sink);
  if (IsArray(schema)) return readArray(schema, value, path, sink);
  if (IsString(schema)) return readString(schema, value, path, sink);
  if (IsInteger(schema)) return readInteger(schema, value, path, sink);
  if (IsNumber(schema)) return readNumber(schema, value, path, sink);
  if (IsBoolean(schema)) {
    if (typeof value === 'boolean') return success(value);
    sink.add(path, JSON_ERROR.expectedBoolean);
    return FAILED;
  }
  if (IsEnum(schema)) return readLiteral(schema.enum, value, path, sink);
  if (IsLiteral(schema)) return readLiteral([schema.const], value, path, sink);
  if (IsUnion(schema)) return readUnion(schema.anyOf, value, path, sink);
  throw new Error(`json-reads cannot read a schema of kind ${String(option(schema, '~kind'))}`);
}

function requiredKeys(schema: TSchema): ReadonlySet<string> {
  const required = option(schema, 'required');
  return new Set(Array.isArray(required) ? required.filter((key) => typeof key === 'string') : []);
}

function readObject(
  properties: Readonly<Record<string, TSchema>>,
  required: ReadonlySet<string>,
  value: unknown,
  path: string,
  sink: ErrorSink,
): Outcome {
  if (!isJsonObject(value)) {
    sink.add(path, JSON_ERROR.expectedObject);
    return FAILED;
  }
  const result: Record<string, unknown> = {};
  let ok = true;
  for (const [key, fieldSchema] of Object.entries(properties)) {
    const fieldPath = `${path}/${key}`;
    const field = value[key];
    if (field === undefined || (field === null && !required.has(key))) {
      if (required.has(key)) {
        sink.add(fieldPath, JSON_ERROR.missing);
        ok = false;
      }
      continue;
    }
    const outcome = read(fieldSchema, field, fieldPath, sink);
    if (outcome.ok) result[key] = outcome.value;
    else ok = false;
  }
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(properties, key)) sink.ignored.push(`${path}/${key}`);
  }
  return ok ? success(result) : FAILED;
}

function readRecord(valueSchema: TSchema, value: unknown, path: string, sink: ErrorSink): Outcome {
  if (!isJsonObject(value)) {
    sink.add(path, JSON_ERROR.expectedObject);
    return FAILED;
  }
  const entries: [string, unknown][] = [];
  let ok = true;
  for (const [key, entry] of Object.entries(value)) {
    const outcome = read(valueSchema, entry, `${path}/${key}`, sink);
    if (outcome.ok) entries.push([key, outcome.value]);
    else ok = false;
  }
  // fromEntries defines every key as data, so a label named "__proto__" stays a label.
  return ok ? success(Object.fromEntries(entries)) : FAILED;
}

function readTuple(
  items: readonly TSchema[],
  value: unknown,
  path: string,
  sink: ErrorSink,
): Outcome {
  if (!Array.isArray(value) || value.length !== items.length) {
    sink.add(path, JSON_ERROR.expectedArray);
    return FAILED;
  }
  return readElements(value, (index) => items[index], path, sink);
}

function readArray(
  schema: TSchema & { items: TSchema },
  value: unknown,
  path: string,
  sink: ErrorSink,
): Outcome {
  if (!Array.isArray(value)) {
    sink.add(path, JSON_ERROR.expectedArray);
    return FAILED;
  }
  const outcome = readElements(value, () => schema.items, path, sink);
  if (!outcome.ok || !Array.isArray(outcome.value)) return FAILED;
  const elements: unknown[] =
    option(schema, 'uniqueItems') === true ? distinct(outcome.value) : outcome.value;
  // play-json's minLength/maxLength readers also serve RAML's minItems/maxItems.
  const maxItems = numberOption(schema, 'maxItems');
  const minItems = numberOption(schema, 'minItems');
  let ok = true;
  if (maxItems !== undefined && elements.length > maxItems) {
    sink.add(path, JSON_ERROR.maxLength);
    ok = false;
  }
  if (minItems !== undefined && elements.length < minItems) {
    sink.add(path, JSON_ERROR.minLength);
    ok = false;
  }
  return ok ? success(elements) : FAILED;
}

function readElements(
  value: readonly unknown[],
  schemaAt: (index: number) => TSchema | undefined,
  path: string,
  sink: ErrorSink,
): Outcome {
  const result: unknown[] = [];
  let ok = true;
  value.forEach((element, index) => {
    const elementSchema = schemaAt(index);
    if (elementSchema === undefined) return;
    const outcome = read(elementSchema, element, `${path}(${index})`, sink);
    if (outcome.ok) result.push(outcome.value);
    else ok = false;
  });
  return ok ? success(result) : FAILED;
}

/** Keeps the first of equal elements: Scala's Set equality on the elements' values. */
function distinct(elements: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return elements.filter((element) => {
    const key = canonicalJson(element);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** Java's ISO_OFFSET_DATE_TIME, as play-json reads an OffsetDateTime. */
const ISO_OFFSET_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}(?::\d{2})?)$/;

function readString(schema: TSchema, value: unknown, path: string, sink: ErrorSink): Outcome {
  if (typeof value !== 'string') {
    sink.add(path, JSON_ERROR.expectedString);
    return FAILED;
  }
  if (option(schema, 'dateTime') === true) {
    if (ISO_OFFSET_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) return success(value);
    sink.add(path, JSON_ERROR.expectedDateTime);
    return FAILED;
  }
  // Marathon's generator chains the checks in this order and reports each that fails.
  const failures: string[] = [];
  const maxLength = numberOption(schema, 'maxLength');
  const minLength = numberOption(schema, 'minLength');
  const pattern = option(schema, 'pattern');
  if (maxLength !== undefined && value.length > maxLength) failures.push(JSON_ERROR.maxLength);
  if (minLength !== undefined && value.length < minLength) failures.push(JSON_ERROR.minLength);
  if (typeof pattern === 'string' && !fullMatch(pattern).test(value)) {
    failures.push(JSON_ERROR.pattern);
  }
  for (const failure of failures) sink.add(path, failure);
  return failures.length === 0 ? success(value) : FAILED;
}

const fullMatchCache = new Map<string, RegExp>();
/**
 * Scala's Regex.unapplySeq, which play-json's pattern reader uses, matches the whole
 * string; the RAML patterns' own ^ and $ bind only to the outer alternatives.
 */
function fullMatch(pattern: string): RegExp {
  let regex = fullMatchCache.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^(?:${pattern})$`);
    fullMatchCache.set(pattern, regex);
  }
  return regex;
}

function readInteger(schema: TSchema, value: unknown, path: string, sink: ErrorSink): Outcome {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    sink.add(path, JSON_ERROR.expectedNumber);
    return FAILED;
  }
  const int64 = option(schema, 'int64') === true;
  const inRange = int64
    ? Number.isSafeInteger(value)
    : Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
  if (!inRange) {
    sink.add(path, int64 ? JSON_ERROR.expectedLong : JSON_ERROR.expectedInt);
    return FAILED;
  }
  return checkBounds(schema, value, path, sink);
}

function readNumber(schema: TSchema, value: unknown, path: string, sink: ErrorSink): Outcome {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    sink.add(path, JSON_ERROR.expectedNumber);
    return FAILED;
  }
  return checkBounds(schema, value, path, sink);
}

function checkBounds(schema: TSchema, value: number, path: string, sink: ErrorSink): Outcome {
  const maximum = numberOption(schema, 'maximum');
  const minimum = numberOption(schema, 'minimum');
  let ok = true;
  if (maximum !== undefined && value > maximum) {
    sink.add(path, JSON_ERROR.max);
    ok = false;
  }
  if (minimum !== undefined && value < minimum) {
    sink.add(path, JSON_ERROR.min);
    ok = false;
  }
  return ok ? success(value) : FAILED;
}

function readLiteral(
  literals: readonly unknown[],
  value: unknown,
  path: string,
  sink: ErrorSink,
): Outcome {
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    const match = literals.find(
      (literal) => typeof literal === 'string' && literal.toLowerCase() === lower,
    );
    if (match !== undefined) return success(match);
  }
  sink.add(path, JSON_ERROR.unknownEnum);
  return FAILED;
}

function readUnion(
  alternatives: readonly TSchema[],
  value: unknown,
  path: string,
  sink: ErrorSink,
): Outcome {
  let last: ErrorSink | undefined;
  for (const alternative of alternatives) {
    const trial = new ErrorSink();
    const outcome = read(alternative, value, path, trial);
    if (outcome.ok && trial.errors.size === 0) {
      sink.ignored.push(...trial.ignored);
      return outcome;
    }
    last = trial;
  }
  if (last !== undefined) sink.merge(last);
  return FAILED;
}
