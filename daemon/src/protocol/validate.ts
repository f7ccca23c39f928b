import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { defineError } from '../errors.js';

export const ProtocolValidationError = defineError(
  'MESOLITE_ERR_PROTOCOL_VALIDATION',
  400,
  (what: string, detail: string) => `Failed to validate ${what}: ${detail}`,
);

export interface Validator<T> {
  check(value: unknown): value is T;
  /** Returns the value typed, or throws a 400 error naming the first bad field. */
  parse(value: unknown): T;
}

interface ErrorLike {
  instancePath: string;
  message: string;
  keyword: string;
  params: Record<string, unknown>;
}

function describe(error: ErrorLike): string {
  const field = error.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)';
  if (error.keyword === 'required') {
    const missing = (error.params.requiredProperties as string[] | undefined)?.join(', ');
    return `'${field === '(root)' ? '' : `${field}.`}${missing ?? '?'}' is required`;
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params.allowedValues as unknown[] | undefined)?.join(', ');
    return `'${field}' must be one of: ${allowed}`;
  }
  return `'${field}' ${error.message}`;
}

/** Compiles a schema once; validation at every API boundary goes through here. */
export function validator<S extends TSchema>(schema: S, what: string): Validator<Static<S>> {
  const compiled = Compile(schema);
  return {
    check: (value): value is Static<S> => compiled.Check(value),
    parse(value) {
      if (compiled.Check(value)) return value as Static<S>;
      const errors = compiled.Errors(value) as ErrorLike[];
      // anyOf/oneOf branches produce noise; the most specific error is the deepest.
      const best = [...errors].sort(
        (a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length,
      )[0];
      throw new ProtocolValidationError(what, best ? describe(best) : 'invalid value');
    },
  };
}
