/**
 * Checks a package's merged options against its config.json (JSON Schema draft 04, as
 * Universe's schemas are written) and explains each failure in words: which option,
 * what was found, what was expected. Cosmos answered "Options JSON failed validation"
 * and a list of validator reports; the reports are kept (in the shape of the
 * fge validator Cosmos used) and the message now says what is wrong.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { jsonSchemaMismatch } from './errors.js';
import type { JsonObject } from './json-object.js';

// Both are CommonJS; under NodeNext a default import is the module object, whose
// `default` is the export (at run time the module object is that export too).
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;

export interface OptionProblem {
  /** The option, dotted as users write it (`service.port`); `(options)` for the whole. */
  option: string;
  found: string;
  expected: string;
}

/** One validator report, in the fields Cosmos's JsonSchemaMismatch carried. */
export interface ValidationReport extends Record<string, unknown> {
  level: 'error';
  schema: { loadingURI: string; pointer: string };
  instance: { pointer: string };
  domain: 'validation';
  keyword: string;
  message: string;
}

const ajv = new AjvDraft04({ allErrors: true, strict: false, validateSchema: false });
addFormats(ajv);
const compiled = new WeakMap<JsonObject, ValidateFunction>();

function compile(schema: JsonObject): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Returns the problems with `options` (none when they are valid). */
export function findOptionProblems(
  schema: JsonObject,
  options: JsonObject,
): { problems: OptionProblem[]; reports: ValidationReport[] } {
  const validate = compile(schema);
  if (validate(options)) return { problems: [], reports: [] };
  const errors = (validate.errors ?? []).filter((error) => !isNoise(error));
  return {
    problems: errors.map((error) => describeProblem(error, options)),
    reports: errors.map((error) => report(error, options)),
  };
}

/** Throws Cosmos's JsonSchemaMismatch naming every bad option, or returns. */
export function validateOptions(schema: JsonObject, options: JsonObject): void {
  const { problems, reports } = findOptionProblems(schema, options);
  if (problems.length === 0) return;
  const summary = problems
    .map((problem) => `${problem.option}: found ${problem.found}, expected ${problem.expected}`)
    .join('; ');
  throw jsonSchemaMismatch(reports, summary);
}

// anyOf/oneOf report each failed branch and then themselves; the branch errors say more.
function isNoise(error: ErrorObject): boolean {
  return error.keyword === 'if';
}

function optionName(pointer: string, child?: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (child !== undefined) segments.push(child);
  return segments.length === 0 ? '(options)' : segments.join('.');
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    value = (value as Record<string, unknown> | undefined)?.[segment];
  }
  return value;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `the whole number ${value}` : `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return 'an object';
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

function typeWords(types: unknown): string {
  const list = Array.isArray(types) ? types : [types];
  return list.map((type) => TYPE_WORDS[String(type)] ?? String(type)).join(' or ');
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function describeProblem(error: ErrorObject, options: JsonObject): OptionProblem {
  const params = error.params as Record<string, unknown>;
  const value = valueAt(options, error.instancePath);
  const option = optionName(error.instancePath);
  switch (error.keyword) {
    case 'required':
      return {
        option: optionName(error.instancePath, String(params.missingProperty)),
        found: 'nothing',
        expected: 'a value (this option is required)',
      };
    case 'additionalProperties':
      return {
        option: optionName(error.instancePath, String(params.additionalProperty)),
        found: 'an option the package does not define',
        expected: 'only the options in the package’s config.json',
      };
    case 'type':
      return { option, found: describeValue(value), expected: typeWords(params.type) };
    case 'enum':
      return {
        option,
        found: describeValue(value),
        expected: `one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = {
        minimum: 'at least',
        maximum: 'at most',
        exclusiveMinimum: 'more than',
        exclusiveMaximum: 'less than',
      }[error.keyword];
      return { option, found: describeValue(value), expected: `a number ${words} ${params.limit}` };
    }
    case 'minLength':
      return {
        option,
        found: describeValue(value),
        expected: `text of at least ${params.limit} characters`,
      };
    case 'maxLength':
      return {
        option,
        found: describeValue(value),
        expected: `text of at most ${params.limit} characters`,
      };
    case 'pattern':
      return { option, found: describeValue(value), expected: `text matching ${params.pattern}` };
    case 'format':
      return { option, found: describeValue(value), expected: `a valid ${params.format}` };
    case 'minItems':
      return {
        option,
        found: describeValue(value),
        expected: `a list of at least ${params.limit} items`,
      };
    case 'maxItems':
      return {
        option,
        found: describeValue(value),
        expected: `a list of at most ${params.limit} items`,
      };
    default:
      return {
        option,
        found: describeValue(value),
        expected: `a value that ${error.message ?? 'matches the schema'}`,
      };
  }
}

function report(error: ErrorObject, options: JsonObject): ValidationReport {
  const params = error.params as Record<string, unknown>;
  const problem = describeProblem(error, options);
  const base: ValidationReport = {
    level: 'error',
    schema: {
      loadingURI: '#',
      pointer: error.schemaPath.replace(/^#/, '').replace(/\/[^/]+$/, ''),
    },
    instance: { pointer: error.instancePath },
    domain: 'validation',
    keyword: error.keyword,
    message: `${problem.option}: found ${problem.found}, expected ${problem.expected}`,
  };
  if (error.keyword === 'type') {
    return {
      ...base,
      found: jsonTypeOf(valueAt(options, error.instancePath)),
      expected: [params.type].flat(),
    };
  }
  if (error.keyword === 'required') {
    return { ...base, missing: [params.missingProperty] };
  }
  return base;
}
