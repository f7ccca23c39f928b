import { fitTask } from '@mesolite/plugin-aurora/scheduler/offer-fit';
import { describe, expect, it } from 'vitest';

const MB = 1024 * 1024;
const offered = [
  { name: 'cpus', type: 'SCALAR' as const, scalar: { value: 2 } },
  { name: 'mem', type: 'SCALAR' as const, scalar: { value: 1024 } },
  { name: 'disk', type: 'SCALAR' as const, scalar: { value: 1024 } },
  { name: 'ports', type: 'RANGES' as const, ranges: { range: [{ begin: 31000, end: 31002 }] } },
];

describe('fitting a task into an offer', () => {
  it('takes one offered port per name and the resources plus the executor’s overhead', () => {
    const fit = fitTask(offered, { cpu: 1, ram: 128 * MB, disk: 64 * MB, gpu: 0 }, [
      'http',
      'admin',
    ]);
    expect(fit?.ports).toEqual({ http: 31000, admin: 31001 });
    expect(fit?.remaining).toContainEqual({
      name: 'cpus',
      type: 'SCALAR',
      scalar: { value: 0.75 },
    });
    expect(fit?.remaining).toContainEqual({ name: 'mem', type: 'SCALAR', scalar: { value: 768 } });
    expect(fit?.remaining).toContainEqual({
      name: 'ports',
      type: 'RANGES',
      ranges: { range: [{ begin: 31002, end: 31002 }] },
    });
  });

  it('does not fit a task that needs more than is offered', () => {
    expect(fitTask(offered, { cpu: 2, ram: 0, disk: 0, gpu: 0 }, [])).toBeUndefined();
    expect(
      fitTask(offered, { cpu: 0, ram: 0, disk: 0, gpu: 0 }, ['a', 'b', 'c', 'd']),
    ).toBeUndefined();
  });
});
