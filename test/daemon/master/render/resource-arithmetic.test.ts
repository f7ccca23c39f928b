import {
  coalesceRanges,
  scalarTotal,
  sumResources,
  toEndpointFormat,
} from '@mesolite/daemon/master/render/resource-arithmetic';
import type { Resource } from '@mesolite/daemon/protocol/mesos';
import { describe, expect, it } from 'vitest';
import { ranges, scalar } from './cluster-fixture.js';

describe('sumResources', () => {
  it('merges like resources: scalars added, ranges coalesced', () => {
    const sum = sumResources([
      scalar('cpus', 0.5, 'web'),
      scalar('cpus', 0.25, 'web'),
      ranges('ports', [[31000, 31000]], 'web'),
      ranges('ports', [[31001, 31003]], 'web'),
    ]);
    expect(sum).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.75 }, allocation_info: { role: 'web' } },
      {
        name: 'ports',
        type: 'RANGES',
        ranges: { range: [{ begin: 31000, end: 31003 }] },
        allocation_info: { role: 'web' },
      },
    ]);
  });

  it('keeps resources allocated to different roles apart', () => {
    const sum = sumResources([scalar('cpus', 1, 'a'), scalar('cpus', 1, 'b')]);
    expect(sum).toHaveLength(2);
  });

  it('does not change the resources it was given', () => {
    const input = [scalar('cpus', 1), scalar('cpus', 2)];
    sumResources(input);
    expect(input[0]?.scalar?.value).toBe(1);
  });
});

describe('coalesceRanges', () => {
  it('sorts and merges overlapping and adjacent ranges', () => {
    expect(
      coalesceRanges([
        { begin: 10, end: 12 },
        { begin: 1, end: 3 },
        { begin: 4, end: 5 },
        { begin: 11, end: 20 },
      ]),
    ).toEqual([
      { begin: 1, end: 5 },
      { begin: 10, end: 20 },
    ]);
  });
});

describe('scalarTotal', () => {
  it('adds up one scalar resource by name in fixed point', () => {
    expect(scalarTotal([scalar('cpus', 0.1), scalar('cpus', 0.2), scalar('mem', 5)], 'cpus')).toBe(
      0.3,
    );
  });
});

describe('toEndpointFormat', () => {
  it('sets role "*" on an unreserved resource', () => {
    expect(toEndpointFormat(scalar('cpus', 1))).toEqual({
      name: 'cpus',
      type: 'SCALAR',
      scalar: { value: 1 },
      role: '*',
    });
  });

  it('repeats a single dynamic reservation in role and reservation', () => {
    const reserved: Resource = {
      name: 'mem',
      type: 'SCALAR',
      scalar: { value: 64 },
      reservations: [{ type: 'DYNAMIC', role: 'web', principal: 'ops' }],
    };
    expect(toEndpointFormat(reserved)).toEqual({
      ...reserved,
      role: 'web',
      reservation: { principal: 'ops' },
    });
  });

  it('gives a static reservation its role but no reservation object', () => {
    const reserved: Resource = {
      name: 'mem',
      type: 'SCALAR',
      scalar: { value: 64 },
      reservations: [{ type: 'STATIC', role: 'web' }],
    };
    const endpoint = toEndpointFormat(reserved);
    expect(endpoint.role).toBe('web');
    expect(endpoint).not.toHaveProperty('reservation');
  });
});
