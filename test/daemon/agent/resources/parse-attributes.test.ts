import { parseAttributes } from '@mesolite/daemon/agent/resources/parse-attributes';
import { describe, expect, it } from 'vitest';

describe('--attributes', () => {
  it('reads words as TEXT', () => {
    expect(parseAttributes('rack:a;zone:lab')).toEqual([
      { name: 'rack', type: 'TEXT', text: { value: 'a' } },
      { name: 'zone', type: 'TEXT', text: { value: 'lab' } },
    ]);
  });

  it('reads numbers as SCALAR', () => {
    expect(parseAttributes('gpu_count:2;ratio:0.5;big:1e3')).toEqual([
      { name: 'gpu_count', type: 'SCALAR', scalar: { value: 2 } },
      { name: 'ratio', type: 'SCALAR', scalar: { value: 0.5 } },
      { name: 'big', type: 'SCALAR', scalar: { value: 1000 } },
    ]);
  });

  it('reads [begin-end] as RANGES, coalesced', () => {
    expect(parseAttributes('ports:[1-3,4-6,10-12]')).toEqual([
      {
        name: 'ports',
        type: 'RANGES',
        ranges: {
          range: [
            { begin: 1, end: 6 },
            { begin: 10, end: 12 },
          ],
        },
      },
    ]);
  });

  it('keeps negative numbers as TEXT, as Mesos does', () => {
    expect(parseAttributes('offset:-5')).toEqual([
      { name: 'offset', type: 'TEXT', text: { value: '-5' } },
    ]);
  });

  it('keeps numbers too large for a double as TEXT', () => {
    expect(parseAttributes('n:1e400')[0]?.type).toBe('TEXT');
  });

  it('keeps a version string as TEXT', () => {
    expect(parseAttributes('os:ubuntu-22.04')[0]).toEqual({
      name: 'os',
      type: 'TEXT',
      text: { value: 'ubuntu-22.04' },
    });
  });

  it('splits a part at its first colon only', () => {
    expect(parseAttributes('url:http://example.com:8080')[0]).toEqual({
      name: 'url',
      type: 'TEXT',
      text: { value: 'http://example.com:8080' },
    });
  });

  it('removes spaces from values as Mesos does', () => {
    expect(parseAttributes('rack:a b')[0]?.text).toEqual({ value: 'ab' });
  });

  it('trims names, so "; zone:b" names zone', () => {
    expect(parseAttributes('rack:a; zone:b')[1]?.name).toBe('zone');
  });

  it('accepts newlines and empty parts as separators', () => {
    expect(parseAttributes('a:1\nb:2;;')).toHaveLength(2);
  });

  it('keeps duplicate names, as Mesos does', () => {
    expect(parseAttributes('rack:a;rack:b')).toHaveLength(2);
  });

  it('parses an empty flag as no attributes', () => {
    expect(parseAttributes('')).toEqual([]);
  });

  it('refuses sets, which Mesos does not allow for attributes', () => {
    expect(() => parseAttributes('zones:{a,b}')).toThrow(/sets .* are not supported/);
  });

  it('refuses a part without a colon with MESOLITE_ERR_INVALID_ATTRIBUTES', () => {
    expect(() => parseAttributes('rack')).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_ATTRIBUTES' }),
    );
  });

  it('refuses an empty value', () => {
    expect(() => parseAttributes('rack: ')).toThrow(/the value is empty/);
  });

  it('refuses an empty name', () => {
    expect(() => parseAttributes(':a')).toThrow(/expected name:value/);
  });

  it('refuses mismatched brackets', () => {
    expect(() => parseAttributes('ports:[1-3')).toThrow(/mismatched brackets/);
  });

  it('refuses a range that is not numbers', () => {
    expect(() => parseAttributes('ports:[a-b]')).toThrow(/non-negative integers/);
  });

  it('refuses an odd number of range bounds', () => {
    expect(() => parseAttributes('ports:[1-2,3]')).toThrow(/begin-end ranges/);
  });

  it('refuses a range that ends before it begins', () => {
    expect(() => parseAttributes('ports:[5-1]')).toThrow(/ends before it begins/);
  });

  it('refuses a "[" after the start of a value', () => {
    expect(() => parseAttributes('x:a[1-2]')).toThrow(/unexpected "\["/);
  });
});
