/** Defaults from config.json and the deep merge of user options over them (Cosmos's JsonSchema and JsonUtil). */
import { deepMerge } from '@mesolite/daemon/catalog/deep-merge';
import { defaultsFromSchema } from '@mesolite/daemon/catalog/option-defaults';
import { describe, expect, it } from 'vitest';

describe('defaults from config.json', () => {
  it('takes each property’s default, nested as the schema nests them', () => {
    const schema = {
      type: 'object',
      properties: {
        service: {
          type: 'object',
          properties: {
            name: { type: 'string', default: 'web' },
            cpus: { type: 'number', default: 0.5 },
          },
        },
        port: { type: 'integer', default: 8080 },
      },
    };
    expect(defaultsFromSchema(schema)).toEqual({ service: { name: 'web', cpus: 0.5 }, port: 8080 });
  });

  it('leaves out properties without a default and objects with no defaults inside', () => {
    const schema = {
      properties: {
        a: { type: 'string' },
        b: { type: 'object', properties: { c: { type: 'string' } } },
      },
    };
    expect(defaultsFromSchema(schema)).toEqual({});
  });

  it('takes an object property’s own default whole, without looking inside', () => {
    const schema = {
      properties: {
        o: {
          type: 'object',
          default: { x: 1 },
          properties: { y: { type: 'integer', default: 2 } },
        },
      },
    };
    expect(defaultsFromSchema(schema)).toEqual({ o: { x: 1 } });
  });

  it('keeps falsy defaults (false, 0, empty string, null)', () => {
    const schema = {
      properties: {
        f: { default: false },
        z: { default: 0 },
        e: { default: '' },
        n: { default: null },
      },
    };
    expect(defaultsFromSchema(schema)).toEqual({ f: false, z: 0, e: '', n: null });
  });

  it('gives no defaults for a schema without properties', () => {
    expect(defaultsFromSchema({ type: 'object' })).toEqual({});
  });
});

describe('deep merge of options', () => {
  it('merges objects recursively, the fragment winning on the same key', () => {
    expect(deepMerge({ s: { a: 1, b: 2 }, t: 1 }, { s: { b: 3, c: 4 } })).toEqual({
      s: { a: 1, b: 3, c: 4 },
      t: 1,
    });
  });

  it('replaces arrays and scalars instead of merging them', () => {
    expect(deepMerge({ a: [1, 2], b: { x: 1 } }, { a: [3], b: 'flat' })).toEqual({
      a: [3],
      b: 'flat',
    });
  });

  it('changes neither argument', () => {
    const target = { s: { a: 1 } };
    const fragment = { s: { b: 2 } };
    deepMerge(target, fragment);
    expect(target).toEqual({ s: { a: 1 } });
    expect(fragment).toEqual({ s: { b: 2 } });
  });
});
