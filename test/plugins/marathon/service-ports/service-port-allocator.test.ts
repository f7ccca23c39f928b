import {
  assignServicePorts,
  DEFAULT_SERVICE_PORT_RANGE,
} from '@mesolite/plugin-marathon/service-ports/service-port-allocator';
import { PortRangeExhaustedError } from '@mesolite/plugin-marathon/service-ports/service-port-errors';
import { describe, expect, it } from 'vitest';

describe('assignServicePorts', () => {
  it('uses Marathon’s default range, 10000 to 20000', () => {
    expect(DEFAULT_SERVICE_PORT_RANGE).toEqual({ min: 10000, max: 20000 });
  });

  it('gives each 0 the lowest free port of the range', () => {
    expect(assignServicePorts({ requested: [0, 0], inUse: [] })).toEqual([10000, 10001]);
  });

  it('skips ports other apps use', () => {
    expect(assignServicePorts({ requested: [0], inUse: [10000, 10001, 10003] })).toEqual([10002]);
  });

  it('keeps ports the app names, and never hands them out for a 0', () => {
    expect(assignServicePorts({ requested: [10000, 0, 8080], inUse: [] })).toEqual([
      10000, 10001, 8080,
    ]);
  });

  it('gives an app re-posted with zeros the ports it had before', () => {
    const previous = [10500, 10501];
    expect(assignServicePorts({ requested: [0, 0], previous, inUse: [10000] })).toEqual(previous);
  });

  it('reuses only previous ports the new definition does not name', () => {
    expect(
      assignServicePorts({ requested: [10500, 0], previous: [10500, 10501], inUse: [] }),
    ).toEqual([10500, 10501]);
  });

  it('does not reuse a previous port outside the range', () => {
    expect(assignServicePorts({ requested: [0], previous: [8080], inUse: [] })).toEqual([10000]);
  });

  it('assigns from a configured range', () => {
    const range = { min: 31000, max: 31002 };
    expect(assignServicePorts({ requested: [0], inUse: [31000], range })).toEqual([31001]);
  });

  it('throws Marathon’s error when the range is used up', () => {
    const range = { min: 100, max: 101 };
    const assign = () => assignServicePorts({ requested: [0], inUse: [100, 101], range });
    expect(assign).toThrow(PortRangeExhaustedError);
    expect(assign).toThrow('All ports in the range [100-101) are already in use');
  });
});
