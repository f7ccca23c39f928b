/** Options checked against config.json (draft 04), with errors that name each option in words. */
import type { CosmosError } from '@mesolite/daemon/catalog/errors';
import { findOptionProblems, validateOptions } from '@mesolite/daemon/catalog/option-validation';
import { describe, expect, it } from 'vitest';

const SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  properties: {
    service: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1 },
        instances: { type: 'integer', minimum: 1, maximum: 10 },
        mode: { type: 'string', enum: ['dev', 'prod'] },
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
};

function caught(fn: () => void): CosmosError {
  try {
    fn();
  } catch (err) {
    return err as CosmosError;
  }
  throw new Error('expected an error');
}

describe('validating options against config.json', () => {
  it('accepts options that match', () => {
    expect(() => validateOptions(SCHEMA, { service: { name: 'web', instances: 2 } })).not.toThrow();
  });

  it('names a wrongly typed option by its path, with what was found and what was expected', () => {
    const { problems } = findOptionProblems(SCHEMA, {
      service: { name: 'web', instances: 'three' },
    });
    expect(problems).toEqual([
      { option: 'service.instances', found: 'the text "three"', expected: 'a whole number' },
    ]);
  });

  it('names a missing required option', () => {
    const { problems } = findOptionProblems(SCHEMA, { service: {} });
    expect(problems).toEqual([
      { option: 'service.name', found: 'nothing', expected: 'a value (this option is required)' },
    ]);
  });

  it('names an option the package does not define', () => {
    const { problems } = findOptionProblems(SCHEMA, { service: { name: 'x', colour: 'red' } });
    expect(problems[0]?.option).toBe('service.colour');
  });

  it('says the bounds of a number and the choices of an enum', () => {
    const { problems } = findOptionProblems(SCHEMA, {
      service: { name: 'x', instances: 11, mode: 'test' },
    });
    expect(problems).toContainEqual({
      option: 'service.instances',
      found: 'the whole number 11',
      expected: 'a number at most 10',
    });
    expect(problems).toContainEqual({
      option: 'service.mode',
      found: 'the text "test"',
      expected: 'one of "dev", "prod"',
    });
  });

  it('reports every bad option at once, as JsonSchemaMismatch with the reports in data.errors', () => {
    const error = caught(() => validateOptions(SCHEMA, { service: { name: '', instances: 0 } }));
    expect(error.type).toBe('JsonSchemaMismatch');
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/^Options JSON failed validation: /);
    expect(error.message).toContain(
      'service.name: found the text "", expected text of at least 1 characters',
    );
    expect(error.message).toContain(
      'service.instances: found the whole number 0, expected a number at least 1',
    );
    const errors = error.data?.errors as Array<Record<string, unknown>>;
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({
      level: 'error',
      domain: 'validation',
      instance: { pointer: '/service/name' },
    });
  });

  it('gives the found and expected types of a type error as the draft-04 validator Cosmos used did', () => {
    const error = caught(() => validateOptions(SCHEMA, { service: { name: 5 } }));
    expect((error.data?.errors as unknown[] | undefined)?.[0]).toMatchObject({
      keyword: 'type',
      found: 'integer',
      expected: ['string'],
    });
  });

  it('understands draft-04 schemas (boolean exclusiveMinimum)', () => {
    const schema = { properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true } } };
    expect(findOptionProblems(schema, { n: 0 }).problems).toHaveLength(1);
    expect(findOptionProblems(schema, { n: 0.5 }).problems).toHaveLength(0);
  });
});
