import {
  formatRanges,
  formatSet,
  v0Attributes,
  v0Resources,
} from '@mesolite/daemon/master/render/resource-format';
import type { Resource } from '@mesolite/daemon/protocol/mesos';
import { describe, expect, it } from 'vitest';
import { ranges, scalar } from './cluster-fixture.js';

describe('v0Resources', () => {
  it('always has cpus, mem, disk and gpus, as 0 when absent', () => {
    expect(v0Resources([])).toEqual({ cpus: 0, mem: 0, disk: 0, gpus: 0 });
  });

  it('writes scalars as numbers and ranges as "[a-b, c-d]"', () => {
    const resources = [
      scalar('cpus', 1.5),
      scalar('mem', 128),
      ranges('ports', [
        [31010, 31010],
        [31000, 31005],
      ]),
    ];
    expect(v0Resources(resources)).toEqual({
      cpus: 1.5,
      mem: 128,
      disk: 0,
      gpus: 0,
      ports: '[31000-31005, 31010-31010]',
    });
  });

  it('adds up a name across roles in fixed point, as Mesos sums scalars', () => {
    const resources = [scalar('cpus', 0.1, 'a'), scalar('cpus', 0.2, 'b')];
    expect(v0Resources(resources).cpus).toBe(0.3);
  });

  it('coalesces overlapping and adjacent ranges of the same name', () => {
    const resources = [
      ranges('ports', [[31000, 31004]]),
      ranges('ports', [
        [31005, 31009],
        [31020, 31029],
      ]),
    ];
    expect(v0Resources(resources).ports).toBe('[31000-31009, 31020-31029]');
  });

  it('writes sets as "{a, b}" without duplicates', () => {
    const resources: Resource[] = [
      { name: 'zones', type: 'SET', set: { item: ['a', 'b'] } },
      { name: 'zones', type: 'SET', set: { item: ['b', 'c'] } },
    ];
    expect(v0Resources(resources).zones).toBe('{a, b, c}');
  });

  it('puts scalars before ranges and sets', () => {
    const resources: Resource[] = [
      { name: 'zones', type: 'SET', set: { item: ['a'] } },
      ranges('ports', [[1, 2]]),
      scalar('foo', 3),
    ];
    expect(Object.keys(v0Resources(resources))).toEqual([
      'cpus',
      'mem',
      'disk',
      'gpus',
      'foo',
      'ports',
      'zones',
    ]);
  });
});

describe('formatRanges and formatSet', () => {
  it('format empty values as Mesos stringifies them', () => {
    expect(formatRanges([])).toBe('[]');
    expect(formatSet([])).toBe('{}');
  });
});

describe('v0Attributes', () => {
  it('maps text to strings, scalars to numbers, ranges and sets to their strings', () => {
    expect(
      v0Attributes([
        { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
        { name: 'weight', type: 'SCALAR', scalar: { value: 2.5 } },
        {
          name: 'slots',
          type: 'RANGES',
          ranges: {
            range: [
              { begin: 5, end: 6 },
              { begin: 1, end: 4 },
            ],
          },
        },
        { name: 'disks', type: 'SET', set: { item: ['ssd', 'hdd'] } },
      ]),
    ).toEqual({ rack: 'r1', weight: 2.5, slots: '[5-6, 1-4]', disks: '{ssd, hdd}' });
  });

  it('is an empty object for an agent without attributes', () => {
    expect(v0Attributes(undefined)).toEqual({});
  });
});
